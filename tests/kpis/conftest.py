"""A small published model with two KPIs of its own (codes no shipped version uses), an organisation with
every role, and an assessment on that model: the KPI pages and panels work whatever version is shipped."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from assessments import services
from assessments.models import Assessment
from capability_model.models import CapabilityModel, Criterion, Kpi, KpiThreshold, ModelState
from tests.assessments.conftest import Org, make_org
from tests.factories import CapabilityItemFactory, CapabilityModelFactory, CriterionFactory, DomainFactory


@dataclass
class KpiModel:
    model: CapabilityModel
    fcr: Kpi  # percent, higher, monthly
    sec: Kpi  # count, lower, quarterly
    criteria: dict[str, Criterion]


def _kpi(model: CapabilityModel, code: str, order: int, unit: str, direction: str, cadence: str) -> Kpi:
    return Kpi.objects.create(
        capability_model=model,
        code=code,
        order=order,
        name_zh=f"{code} 指标",
        name_en=f"{code} indicator",
        definition_zh="定义",
        definition_en="Definition",
        formula_zh="公式",
        formula_en="Formula",
        measurement_zh="测量",
        measurement_en="Measurement",
        unit=unit,
        direction=direction,
        cadence=cadence,
    )


@pytest.fixture
def kpi_model(db: object) -> KpiModel:
    model = CapabilityModelFactory.create(code="kpi-test", state=ModelState.PUBLISHED)
    item = CapabilityItemFactory.create(domain=DomainFactory.create(capability_model=model))
    criteria = {
        c.code: c
        for c in (
            CriterionFactory.create(item=item, level=1, order=1),
            CriterionFactory.create(item=item, level=2, order=1),
            CriterionFactory.create(item=item, level=3, order=1),
        )
    }
    for order, code in enumerate(("CB", "OP"), start=2):  # the report's radar needs three domains
        other = CapabilityItemFactory.create(
            domain=DomainFactory.create(capability_model=model, code=code, order=order)
        )
        CriterionFactory.create(item=other, level=1, order=1)
    fcr = _kpi(model, "TFCR", 1, "percent", "higher", "month")
    sec = _kpi(model, "TSEC", 2, "count", "lower", "quarter")
    KpiThreshold.objects.create(kpi=fcr, criterion=criteria["SP1-2-01"], threshold=Decimal("60"))
    KpiThreshold.objects.create(kpi=fcr, criterion=criteria["SP1-3-01"], threshold=Decimal("70"))
    KpiThreshold.objects.create(kpi=sec, criterion=criteria["SP1-3-01"], threshold=Decimal("0"))
    return KpiModel(model, fcr, sec, criteria)


@pytest.fixture
def org(shipped_model: CapabilityModel) -> Org:
    return make_org("Alpha Contact Centre")


@pytest.fixture
def other_org(shipped_model: CapabilityModel) -> Org:
    return make_org("Beta Contact Centre")


@pytest.fixture
def kpi_assessment(org: Org, kpi_model: KpiModel) -> Assessment:
    return services.assessment_start(
        organisation=org.organisation,
        user=org.manager,
        capability_model=kpi_model.model,
        title="With KPIs",
        target_level=3,
    )

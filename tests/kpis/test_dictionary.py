"""The dictionary's own rules: a threshold ties a KPI and a criterion of one version; KPIs lock with it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from capability_model.models import CapabilityModel, KpiThreshold, ModelLockedError
from tests.factories import AssessmentFactory
from tests.kpis.conftest import KpiModel

pytestmark = pytest.mark.django_db


def test_a_threshold_across_versions_is_refused(kpi_model: KpiModel, shipped_model: CapabilityModel) -> None:
    other_version = shipped_model.criteria.get(code="SP1-2-01")
    with pytest.raises(ValidationError, match="different model versions"):
        KpiThreshold.objects.create(kpi=kpi_model.fcr, criterion=other_version, threshold=Decimal("1"))


def test_kpis_and_thresholds_lock_with_their_version(kpi_model: KpiModel) -> None:
    AssessmentFactory.create(capability_model=kpi_model.model)
    kpi_model.fcr.name_en = "changed"
    with pytest.raises(ModelLockedError):
        kpi_model.fcr.save()
    with pytest.raises(ModelLockedError):
        KpiThreshold.objects.filter(kpi=kpi_model.fcr).update(threshold=Decimal("1"))

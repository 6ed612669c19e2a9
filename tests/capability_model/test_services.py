"""Cloning, publishing and retiring model versions."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from capability_model.models import LEVELS, CapabilityModel, ModelState
from capability_model.services import (
    capability_model_clone,
    capability_model_publish,
    capability_model_retire,
)
from tests.factories import AssessmentFactory, CapabilityItemFactory, CriterionFactory

pytestmark = pytest.mark.django_db


def _content(model: CapabilityModel) -> list[tuple[object, ...]]:
    return list(
        model.criteria.order_by("code").values_list(
            "item__domain__code", "item__code", "code", "level", "statement_en"
        )
    )


def test_clone_copies_everything_into_a_new_draft(shipped_model: CapabilityModel) -> None:
    AssessmentFactory.create(capability_model=shipped_model)  # the source is locked; cloning reads it only
    newest = CapabilityModel.objects.filter(code=shipped_model.code).order_by("-version").first()
    assert newest is not None
    clone = capability_model_clone(source=shipped_model)
    assert (clone.code, clone.version, clone.state) == (
        shipped_model.code,
        newest.version + 1,
        ModelState.DRAFT,
    )
    assert _content(clone) == _content(shipped_model)
    assert clone.levels.count() == 5
    assert clone.items.count() == shipped_model.items.count() == 20
    assert not clone.is_locked
    criterion = clone.criteria.first()
    assert criterion is not None
    criterion.statement_en = "Edited in the draft"
    criterion.save()
    assert not shipped_model.criteria.filter(statement_en="Edited in the draft").exists()


def test_publish_retires_the_previous_version(shipped_model: CapabilityModel) -> None:
    clone = capability_model_clone(source=shipped_model)
    capability_model_publish(model=clone)
    shipped_model.refresh_from_db()
    clone.refresh_from_db()
    assert clone.state == ModelState.PUBLISHED
    assert clone.published_at is not None
    assert shipped_model.state == ModelState.RETIRED


def test_publish_refuses_non_drafts_and_incomplete_models(shipped_model: CapabilityModel) -> None:
    with pytest.raises(ValidationError, match="draft"):
        capability_model_publish(model=shipped_model)
    item = CapabilityItemFactory.create()
    for level in LEVELS[:-1]:
        CriterionFactory.create(item=item, level=level, order=1)
    with pytest.raises(ValidationError, match="SP1 L5"):
        capability_model_publish(model=item.capability_model)
    CriterionFactory.create(item=item, level=5, order=1)
    assert capability_model_publish(model=item.capability_model).state == ModelState.PUBLISHED


def test_retire_only_published(shipped_model: CapabilityModel) -> None:
    clone = capability_model_clone(source=shipped_model)
    with pytest.raises(ValidationError):
        capability_model_retire(model=clone)
    published = CapabilityModel.objects.get(code=shipped_model.code, state=ModelState.PUBLISHED)
    assert capability_model_retire(model=published).state == ModelState.RETIRED


def test_clone_copies_the_kpi_dictionary_and_each_criterion_succeeds_its_source(
    shipped_model: CapabilityModel,
) -> None:
    from decimal import Decimal

    from capability_model.models import Kpi, KpiThreshold

    criterion = shipped_model.criteria.get(code="SP1-2-01")
    kpi = Kpi.objects.create(
        capability_model=shipped_model, code="TKPI", name_zh="测", name_en="Test", definition_zh="定义",
        definition_en="Definition", formula_zh="公式", formula_en="Formula", measurement_zh="测量",
        measurement_en="Measurement", unit="percent", direction="higher", cadence="month",
    )  # fmt: skip
    KpiThreshold.objects.create(kpi=kpi, criterion=criterion, threshold=Decimal("60"))
    clone = capability_model_clone(source=shipped_model)
    copied = KpiThreshold.objects.select_related("kpi", "criterion").get(capability_model=clone)
    assert (copied.kpi.code, copied.criterion.code, copied.threshold) == ("TKPI", "SP1-2-01", Decimal("60"))
    assert copied.kpi.capability_model_id == copied.criterion.capability_model_id == clone.pk
    assert list(copied.criterion.succeeds.all()) == [criterion]

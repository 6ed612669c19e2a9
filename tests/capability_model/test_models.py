"""Database constraints and the lock on model versions that assessments use."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from capability_model.models import CapabilityModel, Criterion, ModelLockedError, ModelState
from tests.factories import (
    AssessmentFactory,
    CapabilityItemFactory,
    CapabilityModelFactory,
    CriterionFactory,
    DomainFactory,
)

pytestmark = pytest.mark.django_db


def _violates(create: object) -> bool:
    try:
        with transaction.atomic():
            create()  # type: ignore[operator]
    except IntegrityError:
        return True
    return False


@pytest.mark.parametrize(
    ("label", "kwargs"),
    [
        ("level above 5", {"level": 6, "code": "SP1-6-01"}),
        ("level 0", {"level": 0, "code": "SP1-0-01"}),
        ("code digit differs from level", {"level": 2, "code": "SP1-3-01"}),
        ("malformed code", {"level": 1, "code": "sp1-1-1"}),
        ("empty Chinese statement", {"level": 1, "code": "SP1-1-09", "statement_zh": ""}),
        ("empty English statement", {"level": 1, "code": "SP1-1-09", "statement_en": ""}),
    ],
)
def test_criterion_constraints(label: str, kwargs: dict[str, object]) -> None:
    item = CapabilityItemFactory.create()
    assert _violates(lambda: CriterionFactory.create(item=item, **kwargs)), label


def test_criterion_code_unique_per_model_version() -> None:
    item = CapabilityItemFactory.create()
    CriterionFactory.create(item=item, level=1, code="SP1-1-01")
    assert _violates(lambda: CriterionFactory.create(item=item, level=1, code="SP1-1-01"))
    other_version = CapabilityItemFactory.create(
        domain=DomainFactory.create(capability_model=CapabilityModelFactory.create())
    )
    CriterionFactory.create(item=other_version, level=1, code="SP1-1-01")  # same code, other version: fine


def test_criterion_takes_its_model_version_from_its_item() -> None:
    criterion = CriterionFactory.create()
    assert criterion.capability_model_id == criterion.item.domain.capability_model_id


def test_one_published_version_per_code_and_unique_versions() -> None:
    CapabilityModelFactory.create(code="x-model", version=1, state=ModelState.PUBLISHED)
    assert _violates(
        lambda: CapabilityModelFactory.create(code="x-model", version=2, state=ModelState.PUBLISHED)
    )
    assert _violates(lambda: CapabilityModelFactory.create(code="x-model", version=1))
    assert _violates(lambda: CapabilityModelFactory.create(code="x-model", version=3, state="bogus"))
    CapabilityModelFactory.create(code="x-model", version=2, state=ModelState.DRAFT)


def test_clean_refuses_a_code_of_another_item() -> None:
    from django.core.exceptions import ValidationError

    item = CapabilityItemFactory.create()
    criterion = Criterion(item=item, level=1, order=1, code="CB1-1-01", statement_zh="中", statement_en="x")
    with pytest.raises(ValidationError, match="item"):
        criterion.full_clean()


class TestLockedModel:
    """A version that an assessment uses refuses every change to its content."""

    def test_unused_version_is_editable(self, shipped_model: CapabilityModel) -> None:
        criterion = shipped_model.criteria.first()
        assert criterion is not None
        assert not shipped_model.is_locked
        criterion.statement_en += " (edited)"
        criterion.save()

    def test_used_version_refuses_saves_updates_and_deletes(self, shipped_model: CapabilityModel) -> None:
        AssessmentFactory.create(capability_model=shipped_model)
        assert shipped_model.is_locked
        criterion = shipped_model.criteria.first()
        assert criterion is not None
        criterion.statement_en = "changed"
        with pytest.raises(ModelLockedError):
            criterion.save()
        with pytest.raises(ModelLockedError):
            criterion.delete()
        with pytest.raises(ModelLockedError):
            Criterion.objects.filter(pk=criterion.pk).update(statement_en="changed")
        with pytest.raises(ModelLockedError):
            shipped_model.domains.all().delete()
        with pytest.raises(ModelLockedError):
            shipped_model.items.first().save()  # type: ignore[union-attr]
        shipped_model.name_en = "renamed"
        with pytest.raises(ModelLockedError):
            shipped_model.save()
        criterion.refresh_from_db()
        assert criterion.statement_en != "changed"

    def test_used_version_may_still_be_retired(self, shipped_model: CapabilityModel) -> None:
        AssessmentFactory.create(capability_model=shipped_model)
        shipped_model.refresh_from_db()
        shipped_model.state = ModelState.RETIRED
        shipped_model.save(update_fields=["state"])
        assert CapabilityModel.objects.get(pk=shipped_model.pk).state == ModelState.RETIRED

    def test_used_version_cannot_be_deleted(self, shipped_model: CapabilityModel) -> None:
        from django.db.models import ProtectedError

        AssessmentFactory.create(capability_model=shipped_model)
        with pytest.raises(ProtectedError):
            shipped_model.delete()

"""``model_spec_for_locked`` and ``criterion_keys_for_locked``: a locked version is read once; a draft
always follows its edits."""

from __future__ import annotations

from typing import Any

from assessments import services
from capability_model.models import CapabilityModel, Criterion
from capability_model.selectors import criterion_keys_for_locked, model_spec_build, model_spec_for_locked
from capability_model.services import _copy, capability_model_clone, capability_model_publish
from tests.factories import OrganisationFactory, UserFactory


def _lock(model: CapabilityModel) -> None:
    services.assessment_start(
        organisation=OrganisationFactory.create(),
        user=UserFactory.create(),
        capability_model=model,
        title="locks the version",
        target_level=3,
        allow_retired=True,
    )


def test_locked_version_is_built_once_and_equals_a_fresh_build(
    shipped_model: CapabilityModel, django_assert_num_queries: Any
) -> None:
    _lock(shipped_model)
    first = model_spec_for_locked(model=shipped_model)
    again = CapabilityModel.objects.get(pk=shipped_model.pk)  # another instance, as each request has
    with django_assert_num_queries(0):
        second = model_spec_for_locked(model=again)
    assert second is first
    assert first == model_spec_build(model=shipped_model)
    with django_assert_num_queries(0):
        keys = criterion_keys_for_locked(model=again)
    criteria = Criterion.objects.filter(capability_model=shipped_model).select_related("item__domain")
    assert keys == {c.pk: (c.code, c.item.domain.code, c.level) for c in criteria}
    assert {code: first.item_of[code] for code, _domain, _level in keys.values()} == {
        c.code: c.item.code for c in criteria
    }


def test_draft_is_never_cached_and_follows_edits(shipped_model: CapabilityModel) -> None:
    draft = capability_model_clone(source=shipped_model)
    before = model_spec_for_locked(model=draft)
    criterion = Criterion.objects.filter(capability_model=draft, code="SP1-1-01").get()
    _copy(criterion, code="SP1-1-77", order=77).save()  # an admin adds a criterion to the draft
    after = model_spec_for_locked(model=draft)
    assert "SP1-1-77" not in before.criterion_codes
    assert "SP1-1-77" in after.criterion_codes
    added = Criterion.objects.get(capability_model=draft, code="SP1-1-77")
    assert criterion_keys_for_locked(model=draft)[added.pk] == ("SP1-1-77", "SP", added.level)


def test_a_version_locked_after_its_edits_is_cached_with_them(shipped_model: CapabilityModel) -> None:
    draft = capability_model_clone(source=shipped_model)
    model_spec_for_locked(model=draft)  # seen while still a draft: not cached
    criterion = Criterion.objects.filter(capability_model=draft, code="SP1-1-01").get()
    _copy(criterion, code="SP1-1-78", order=78).save()
    published = capability_model_publish(model=draft)
    _lock(published)
    assert "SP1-1-78" in model_spec_for_locked(model=published).criterion_codes

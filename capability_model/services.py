"""Writes to the capability model: clone a version, publish it, retire it, load the shipped fixtures."""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import (
    LEVELS,
    CapabilityItem,
    CapabilityModel,
    Criterion,
    Domain,
    Kpi,
    KpiThreshold,
    LevelDefinition,
    ModelState,
)

# The shipped fixtures' loader lives in its own module; its names stay importable from here.
from .shipped import capability_model_load_shipped, shipped_fixture_files, shipped_versions

RowT = TypeVar("RowT", bound=Model)


def _copy(instance: RowT, **changes: object) -> RowT:
    """An unsaved copy of a row: every concrete field but the primary key, with ``changes`` applied."""
    values = {
        f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields if not f.primary_key
    }
    return type(instance)(**{**values, **changes})


@transaction.atomic
def capability_model_clone(*, source: CapabilityModel) -> CapabilityModel:
    """Copies a version (levels, domains, items, criteria, KPIs and thresholds) into a new draft version.

    Each copied criterion succeeds the criterion it was copied from, so an assessment on the new version can
    take its answers from one on the source version.
    """
    next_version = (
        CapabilityModel.objects.filter(code=source.code).aggregate(v=Max("version"))["v"] or 0
    ) + 1
    clone = _copy(source, version=next_version, state=ModelState.DRAFT, published_at=None)
    clone.save()
    LevelDefinition.objects.bulk_create(
        _copy(level, capability_model_id=clone.pk) for level in source.levels.all()
    )
    domains = {d.pk: _copy(d, capability_model_id=clone.pk) for d in source.domains.all()}
    Domain.objects.bulk_create(domains.values())
    items = {
        i.pk: _copy(i, capability_model_id=clone.pk, domain_id=domains[i.domain_id].pk)
        for i in source.items.all()
    }
    CapabilityItem.objects.bulk_create(items.values())
    criteria = {
        c.pk: _copy(c, capability_model_id=clone.pk, item_id=items[c.item_id].pk)
        for c in source.criteria.all()
    }
    Criterion.objects.bulk_create(criteria.values())
    Succeeds = Criterion.succeeds.through  # noqa: N806 - the through model, a class
    Succeeds.objects.bulk_create(
        Succeeds(from_criterion_id=copy.pk, to_criterion_id=original) for original, copy in criteria.items()
    )
    kpis = {k.pk: _copy(k, capability_model_id=clone.pk) for k in Kpi.objects.filter(capability_model=source)}
    Kpi.objects.bulk_create(kpis.values())
    KpiThreshold.objects.bulk_create(
        _copy(
            t,
            capability_model_id=clone.pk,
            kpi_id=kpis[t.kpi_id].pk,
            criterion_id=criteria[t.criterion_id].pk,
        )
        for t in KpiThreshold.objects.filter(capability_model=source)
    )
    return clone


PUBLISH_ONLY_DRAFTS = _("Only a draft version can be published.")
PUBLISH_INCOMPLETE = _(
    "Every capability item needs at least one criterion at every level 1–5 before publishing: {}"
)
RETIRE_ONLY_PUBLISHED = _("Only a published version can be retired.")


@transaction.atomic
def capability_model_publish(*, model: CapabilityModel) -> CapabilityModel:
    """Publishes a draft; the previously published version of the same code is retired.

    Refuses a model in which an item lacks criteria at some level, since scoring would count an empty
    level as satisfied.
    """
    model = CapabilityModel.objects.select_for_update().get(pk=model.pk)
    if model.state != ModelState.DRAFT:
        raise ValidationError(PUBLISH_ONLY_DRAFTS, code="not_draft")
    present = set(Criterion.objects.filter(capability_model=model).values_list("item_id", "level").distinct())
    incomplete = [
        f"{item.code} L{level}"
        for item in CapabilityItem.objects.filter(capability_model=model)
        for level in LEVELS
        if (item.pk, level) not in present
    ]
    if incomplete or not present:
        raise ValidationError(str(PUBLISH_INCOMPLETE).format(", ".join(incomplete) or "—"), code="incomplete")
    now = timezone.now()
    for previous in CapabilityModel.objects.select_for_update().filter(
        code=model.code, state=ModelState.PUBLISHED
    ):
        previous.state = ModelState.RETIRED
        previous.save(update_fields=["state"])
    model.state = ModelState.PUBLISHED
    model.published_at = now
    model.save(update_fields=["state", "published_at"])
    return model


@transaction.atomic
def capability_model_retire(*, model: CapabilityModel) -> CapabilityModel:
    if model.state != ModelState.PUBLISHED:
        raise ValidationError(RETIRE_ONLY_PUBLISHED, code="not_published")
    model.state = ModelState.RETIRED
    model.save(update_fields=["state"])
    return model


__all__ = [
    "capability_model_clone",
    "capability_model_load_shipped",
    "capability_model_publish",
    "capability_model_retire",
    "shipped_fixture_files",
    "shipped_versions",
]

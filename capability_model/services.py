"""Writes to the capability model: clone a version, publish it, retire it, load the shipped fixtures."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
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
    LevelDefinition,
    ModelState,
)

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"


RowT = TypeVar("RowT", bound=Model)


def _copy(instance: RowT, **changes: object) -> RowT:
    """An unsaved copy of a row: every concrete field but the primary key, with ``changes`` applied."""
    values = {
        f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields if not f.primary_key
    }
    return type(instance)(**{**values, **changes})


@transaction.atomic
def capability_model_clone(*, source: CapabilityModel) -> CapabilityModel:
    """Copies a version (levels, domains, items, criteria) into a new draft version of the same code."""
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
    Criterion.objects.bulk_create(
        _copy(c, capability_model_id=clone.pk, item_id=items[c.item_id].pk) for c in source.criteria.all()
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


def shipped_fixture_files(code: str) -> list[Path]:
    """The fixture files of a shipped model: ``model.json`` first, then one file per capability item."""
    folder = FIXTURES_DIR / code
    model_file = folder / "model.json"
    if not model_file.is_file():
        raise FileNotFoundError(f"no shipped fixtures for model {code!r} in {folder}")
    domain_order = {"SP": 0, "CB": 1, "OP": 2, "MI": 3}
    items = sorted(
        (p for p in folder.glob("*.json") if p.name != "model.json"),
        key=lambda p: (domain_order.get(p.stem[:2], 99), p.stem),
    )
    return [model_file, *items]


def capability_model_load_shipped(*, code: str, version: int = 1) -> str:
    """Loads (or refreshes) a shipped model from ``fixtures/``; never touches a version assessments use.

    Fixtures carry natural keys, so loading again updates the same rows instead of duplicating them.
    Returns a one-line report.
    """
    existing = CapabilityModel.objects.filter(code=code, version=version).first()
    if existing is not None and existing.is_locked:
        return f"{code} v{version} is in use by assessments: left as it is"
    files = shipped_fixture_files(code)
    call_command("loaddata", *[str(f) for f in files], verbosity=0)
    count = Criterion.objects.filter(capability_model__code=code, capability_model__version=version).count()
    return f"{code} v{version}: loaded {count} criteria"

"""Writes to the capability model: clone a version, publish it, retire it, load the shipped fixtures."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.db.models import Max
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


@transaction.atomic
def capability_model_clone(*, source: CapabilityModel) -> CapabilityModel:
    """Copies a version (levels, domains, items, criteria) into a new draft version of the same code."""
    next_version = (
        CapabilityModel.objects.filter(code=source.code).aggregate(v=Max("version"))["v"] or 0
    ) + 1
    clone = CapabilityModel.objects.create(
        code=source.code,
        version=next_version,
        name_zh=source.name_zh,
        name_en=source.name_en,
        description_zh=source.description_zh,
        description_en=source.description_en,
        state=ModelState.DRAFT,
    )
    LevelDefinition.objects.bulk_create(
        LevelDefinition(
            capability_model=clone,
            level=level.level,
            name_zh=level.name_zh,
            name_en=level.name_en,
            description_zh=level.description_zh,
            description_en=level.description_en,
        )
        for level in source.levels.all()
    )
    domain_map: dict[int, Domain] = {}
    for domain in source.domains.all():
        domain_map[domain.pk] = Domain.objects.create(
            capability_model=clone,
            code=domain.code,
            clause=domain.clause,
            order=domain.order,
            name_zh=domain.name_zh,
            name_en=domain.name_en,
            description_zh=domain.description_zh,
            description_en=domain.description_en,
        )
    item_map: dict[int, CapabilityItem] = {}
    for item in source.items.all():
        item_map[item.pk] = CapabilityItem.objects.create(
            domain=domain_map[item.domain_id],
            code=item.code,
            clause=item.clause,
            order=item.order,
            name_zh=item.name_zh,
            name_en=item.name_en,
            description_zh=item.description_zh,
            description_en=item.description_en,
        )
    copied_fields = [
        "code", "level", "order", "statement_zh", "statement_en",
        "guidance_zh", "guidance_en", "evidence_zh", "evidence_en",
    ]  # fmt: skip
    Criterion.objects.bulk_create(
        Criterion(
            capability_model=clone,
            item=item_map[criterion.item_id],
            **{name: getattr(criterion, name) for name in copied_fields},
        )
        for criterion in source.criteria.all()
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

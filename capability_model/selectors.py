"""Reads of the capability model, including the one adapter from the database to the scoring service.

``model_spec_get`` is the only place that turns database rows into ``scoring.ModelSpec``: every page,
report, export and command asks it, so no level is ever computed from anything else.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from . import scoring
from .models import CapabilityItem, CapabilityModel, Criterion, Kpi, KpiThreshold, ModelState

UNKNOWN_MODEL = _("unknown model: {!r}")


class UnknownModelError(LookupError):
    def __init__(self, code: str) -> None:
        super().__init__(str(UNKNOWN_MODEL).format(code))


def capability_model_get(*, code: str, version: int | None = None) -> CapabilityModel:
    """A given version, or else the published one, or else the newest version of that code."""
    versions = CapabilityModel.objects.filter(code=code)
    if version is not None:
        model = versions.filter(version=version).first()
    else:
        model = versions.filter(state=ModelState.PUBLISHED).first() or versions.order_by("-version").first()
    if model is None:
        raise UnknownModelError(code if version is None else f"{code} v{version}")
    return model


def capability_model_for_codes(
    *, code: str, criterion_codes: set[str], version: int | None = None
) -> CapabilityModel:
    """The version a rating set was written for (``score_ratings``): the one named, else the published
    one when it has every code, else the newest version that has every code (a set written for version 1
    keeps scoring against version 1 after version 2 is published), else the published one (whose check
    then names the unknown code)."""
    default = capability_model_get(code=code, version=version)
    if version is not None or not criterion_codes:
        return default
    for model in [
        default,
        *CapabilityModel.objects.filter(code=code).exclude(pk=default.pk).order_by("-version"),
    ]:
        known = set(Criterion.objects.filter(capability_model=model).values_list("code", flat=True))
        if criterion_codes <= known:
            return model
    return default


def capability_model_list_published() -> QuerySet[CapabilityModel]:
    return CapabilityModel.objects.filter(state=ModelState.PUBLISHED).order_by("code", "-version")


def criteria_for_model(*, model: CapabilityModel) -> QuerySet[Criterion]:
    """All criteria of a version in display order, with item and domain joined (one query)."""
    return (
        Criterion.objects.filter(capability_model=model)
        .select_related("item", "item__domain")
        .order_by("item__domain__order", "item__domain__code", "item__order", "item__code", "level", "order")
    )


# Each criterion of a version by primary key: (criterion code, domain code, level). Answers refer to their
# criterion by key, so a page can read an assessment's ratings without joining the model's tables.
CriterionKeys = dict[int, tuple[str, str, int]]


def model_spec_build(*, model: CapabilityModel) -> scoring.ModelSpec:
    """The scoring input for one version, in one query."""
    return _model_read(model)[0]


def _model_read(model: CapabilityModel) -> tuple[scoring.ModelSpec, CriterionKeys]:
    rows = criteria_for_model(model=model).values_list(
        "pk", "item__domain__code", "item__code", "code", "level"
    )
    domains: dict[str, dict[str, list[scoring.CriterionSpec]]] = {}
    keys: CriterionKeys = {}
    for pk, domain_code, item_code, code, level in rows:
        domains.setdefault(domain_code, {}).setdefault(item_code, []).append(
            scoring.CriterionSpec(code, level)
        )
        keys[pk] = (code, domain_code, level)
    spec = scoring.ModelSpec(
        code=model.code,
        version=model.version,
        domains=tuple(
            scoring.DomainSpec(
                domain_code,
                tuple(scoring.ItemSpec(item_code, tuple(criteria)) for item_code, criteria in items.items()),
            )
            for domain_code, items in domains.items()
        ),
    )
    return spec, keys


# What _model_read gives for locked versions, by (pk, code, version, created_at): the extra fields keep a
# reused primary key (SQLite after a rollback, a flushed test database) from ever meeting another version's.
_LOCKED: dict[tuple[int, str, int, object], tuple[scoring.ModelSpec, CriterionKeys]] = {}


def _locked_read(model: CapabilityModel) -> tuple[scoring.ModelSpec, CriterionKeys]:
    """``_model_read`` for a version assessments use, read once per process and then reused.

    A locked version (one an assessment refers to) never changes: its parts refuse saves, deletes and
    bulk updates, and only its life cycle (state) may move, which neither the spec nor the keys contain.
    So every page, report and export of an assessment can share them. A version that is not locked yet (a
    draft being edited in the admin) is read afresh on every call and never cached.
    """
    key = (model.pk, model.code, model.version, model.created_at)
    found = _LOCKED.get(key)
    if found is None:
        found = _model_read(model)
        if model.is_locked:
            _LOCKED[key] = found
    return found


def model_spec_for_locked(*, model: CapabilityModel) -> scoring.ModelSpec:
    """``model_spec_build`` for a version assessments use, built once per process (``_locked_read``)."""
    return _locked_read(model)[0]


def criterion_keys_for_locked(*, model: CapabilityModel) -> CriterionKeys:
    """Code, domain and level of each criterion of the version by key, read once per process."""
    return _locked_read(model)[1]


def model_spec_get(*, code: str, version: int | None = None) -> scoring.ModelSpec:
    return model_spec_build(model=capability_model_get(code=code, version=version))


def model_export(*, model: CapabilityModel) -> dict[str, Any]:
    """The whole version as plain data (both languages), for ``export_model`` and backups; six queries.

    With its KPI dictionary (each KPI's code, unit, direction and the criteria it informs with their level
    and threshold), and for each criterion the codes of the earlier version's criteria it succeeds.
    """
    criteria_by_item: dict[int, list[dict[str, Any]]] = {}
    for c in criteria_for_model(model=model).prefetch_related("succeeds"):
        criteria_by_item.setdefault(c.item_id, []).append(
            {
                "code": c.code,
                "level": c.level,
                "order": c.order,
                "statement": {"zh": c.statement_zh, "en": c.statement_en},
                "guidance": {"zh": c.guidance_zh, "en": c.guidance_en},
                "evidence": {"zh": c.evidence_zh, "en": c.evidence_en},
                "succeeds": sorted(p.code for p in c.succeeds.all()),
            }
        )
    domains = [
        {
            "code": domain.code,
            "clause": domain.clause,
            "name": {"zh": domain.name_zh, "en": domain.name_en},
            "items": [
                {
                    "code": item.code,
                    "clause": item.clause,
                    "name": {"zh": item.name_zh, "en": item.name_en},
                    "description": {"zh": item.description_zh, "en": item.description_en},
                    "criteria": criteria_by_item.get(item.pk, []),
                }
                for item in sorted(domain.items.all(), key=lambda i: (i.order, i.code))
            ],
        }
        for domain in model.domains.prefetch_related("items").order_by("order", "code")
    ]
    return {
        "code": model.code,
        "version": model.version,
        "state": model.state,
        "name": {"zh": model.name_zh, "en": model.name_en},
        "levels": [
            {
                "level": lv.level,
                "name": {"zh": lv.name_zh, "en": lv.name_en},
                "description": {"zh": lv.description_zh, "en": lv.description_en},
            }
            for lv in model.levels.order_by("level")
        ],
        "domains": domains,
        "kpis": _kpis_export(model),
    }


def _kpis_export(model: CapabilityModel) -> list[dict[str, Any]]:
    informs: dict[int, list[dict[str, Any]]] = {}
    for t in (
        KpiThreshold.objects.filter(capability_model=model)
        .select_related("criterion")
        .order_by("criterion__level", "criterion__code")
    ):
        informs.setdefault(t.kpi_id, []).append(
            {
                "code": t.criterion.code,
                "level": t.criterion.level,
                "threshold": f"{t.threshold.normalize():f}",
            }
        )
    return [
        {
            "code": k.code,
            "name": {"zh": k.name_zh, "en": k.name_en},
            "unit": k.unit,
            "direction": k.direction,
            "cadence": k.cadence,
            "definition": {"zh": k.definition_zh, "en": k.definition_en},
            "formula": {"zh": k.formula_zh, "en": k.formula_en},
            "measurement": {"zh": k.measurement_zh, "en": k.measurement_en},
            "criteria": informs.get(k.pk, []),
        }
        for k in Kpi.objects.filter(capability_model=model).order_by("order", "code")
    ]


def model_overview(*, model: CapabilityModel) -> dict[str, Any]:
    """Levels, domains and items with their criteria counts, and the KPI dictionary, for the overview page
    (four queries)."""
    domains = list(
        model.domains.order_by("order", "code").prefetch_related(
            Prefetch("items", queryset=CapabilityItem.objects.annotate(criteria_count=Count("criteria")))
        )
    )
    return {
        "model": model,
        "levels": list(model.levels.order_by("level")),
        "domains": [
            {"code": d.code, "name": d.name, "clause": d.clause, "items": list(d.items.all())}
            for d in domains
        ],
        "kpis": list(Kpi.objects.filter(capability_model=model).order_by("order", "code")),
    }

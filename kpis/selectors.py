"""Reads of KPI values: the dictionary in force, each KPI's latest value, and a criterion's reading against
its thresholds (for the questionnaire, the review and the report)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from assessments.extensions import RowPanel
from assessments.models import Assessment, Organisation
from capability_model.models import Criterion, Kpi, KpiThreshold, ModelState

from . import rules
from .models import KpiValue

PANEL_TEMPLATE = "kpis/includes/_criterion_kpi.html"


def kpi_dictionary() -> QuerySet[Kpi]:
    """The KPIs of the published model versions (one published version per model code)."""
    return Kpi.objects.filter(capability_model__state=ModelState.PUBLISHED).select_related("capability_model")


def kpi_get(*, code: str) -> Kpi:
    kpi = kpi_dictionary().filter(code=code).first()
    if kpi is None:
        raise Http404
    return kpi


def format_value(value: Decimal | None, unit: str) -> str:
    """``72.5 %``, ``3``, ``1.5 / 100``, ``20 s``: trailing zeros dropped, the unit beside the number."""
    if value is None:
        return "—"
    text = f"{value.normalize():f}"
    return {"percent": f"{text} %", "seconds": f"{text} s", "per100": f"{text} / 100"}.get(unit, text)


def _latest(organisation: Organisation, kpis: Sequence[Kpi]) -> dict[str, KpiValue]:
    """The newest value of each KPI, by code (values of any version of the same model code count)."""
    found: dict[str, KpiValue] = {}
    model_codes = {k.capability_model.code for k in kpis}
    rows = (
        KpiValue.objects.filter(
            organisation=organisation,
            kpi__code__in=[k.code for k in kpis],
            kpi__capability_model__code__in=model_codes,
        )
        .select_related("kpi")
        .order_by("kpi__code", "-period_start")
    )
    for row in rows:
        found.setdefault(row.kpi.code, row)
    return found


@dataclass(frozen=True, slots=True)
class KpiRow:
    kpi: Kpi
    latest: KpiValue | None
    period: str
    stale: bool
    value_text: str


def kpi_overview(*, organisation: Organisation) -> list[KpiRow]:
    """Every KPI of the dictionary with the organisation's latest value (two queries)."""
    kpis = list(kpi_dictionary().order_by("capability_model__code", "order", "code"))
    latest = _latest(organisation, kpis)
    today = timezone.localdate()
    rows = []
    for kpi in kpis:
        value = latest.get(kpi.code)
        cadence: Any = kpi.cadence
        rows.append(
            KpiRow(
                kpi,
                value,
                rules.period_label(value.period_start, cadence=cadence) if value else "",
                value is not None and rules.is_stale(value.period_start, cadence=cadence, today=today),
                format_value(value.value if value else None, kpi.unit),
            )
        )
    return rows


@dataclass(frozen=True, slots=True)
class ValueLine:
    value: KpiValue
    period: str
    value_text: str
    stale: bool


def kpi_values(*, organisation: Organisation, kpi: Kpi) -> list[ValueLine]:
    cadence: Any = kpi.cadence
    today = timezone.localdate()
    return [
        ValueLine(
            v,
            rules.period_label(v.period_start, cadence=cadence),
            format_value(v.value, kpi.unit),
            rules.is_stale(v.period_start, cadence=cadence, today=today),
        )
        for v in KpiValue.objects.filter(
            organisation=organisation,
            kpi__code=kpi.code,
            kpi__capability_model__code=kpi.capability_model.code,
        )
        .select_related("recorded_by")
        .order_by("-period_start")
    ]


def kpi_value_history(*, organisation: Organisation, kpi: Kpi) -> list[Any]:
    """Every change to the organisation's values of this KPI, newest first: who, when, what."""
    return list(
        KpiValue.history.filter(organisation_id=organisation.pk, kpi__code=kpi.code)
        .select_related("history_user")
        .order_by("-history_date")[:200]
    )


def kpi_thresholds(*, kpi: Kpi) -> list[KpiThreshold]:
    return list(kpi.thresholds.select_related("criterion").order_by("criterion__level", "criterion__code"))


def kpi_value_get(*, organisation: Organisation, pk: int) -> KpiValue:
    value = KpiValue.objects.filter(organisation=organisation, pk=pk).exclude(evidence="").first()
    if value is None:
        raise Http404
    return value


@dataclass(frozen=True, slots=True)
class ReadingLine:
    kpi: Kpi
    reading: rules.Reading
    value_text: str
    threshold_text: str
    comparison: str  # "≥" or "≤"


@dataclass(frozen=True, slots=True)
class CriterionKpiPanel:
    """A criterion's KPI readings and the rating they suggest (None: no suggestion)."""

    criterion_code: str
    lines: list[ReadingLine]
    suggestion: rules.Suggestion | None


def criterion_readings(
    *, organisation: Organisation, criteria: Sequence[Criterion], today: date | None = None
) -> dict[int, CriterionKpiPanel]:
    """Each criterion's readings against its thresholds, by criterion key; three queries for any number."""
    thresholds = list(
        KpiThreshold.objects.filter(criterion__in=[c.pk for c in criteria])
        .select_related("kpi", "kpi__capability_model", "criterion")
        .order_by("criterion_id", "kpi__order")
    )
    if not thresholds:
        return {}
    latest = _latest(organisation, list({t.kpi.pk: t.kpi for t in thresholds}.values()))
    ladders: dict[int, list[Decimal]] = {}  # every threshold of each KPI: the suggestion's L and P rungs
    for kpi_id, rung in KpiThreshold.objects.filter(kpi__in={t.kpi_id for t in thresholds}).values_list(
        "kpi_id", "threshold"
    ):
        ladders.setdefault(kpi_id, []).append(rung)
    today = today or timezone.localdate()
    lines: dict[int, list[ReadingLine]] = {}
    for t in thresholds:
        value = latest.get(t.kpi.code)
        kpi: Any = t.kpi
        reading = rules.reading(
            kpi_code=kpi.code,
            threshold=t.threshold,
            direction=kpi.direction,
            unit=kpi.unit,
            cadence=kpi.cadence,
            latest=(value.period_start, value.value) if value else None,
            today=today,
            ladder=ladders.get(t.kpi_id, []),
        )
        comparison = "≥" if kpi.direction == "higher" else "≤"
        lines.setdefault(t.criterion_id, []).append(
            ReadingLine(
                kpi,
                reading,
                format_value(reading.value, kpi.unit),
                format_value(t.threshold, kpi.unit),
                comparison,
            )
        )
    codes = {t.criterion_id: t.criterion.code for t in thresholds}
    return {
        key: CriterionKpiPanel(codes[key], found, rules.lowest([line.reading.suggestion for line in found]))
        for key, found in lines.items()
    }


def criterion_panels(assessment: Assessment, criteria: Sequence[Criterion]) -> dict[int, RowPanel]:
    """The provider registered with the questionnaire (assessments.extensions)."""
    readings = criterion_readings(organisation=assessment.organisation, criteria=criteria)
    return {key: RowPanel(PANEL_TEMPLATE, panel) for key, panel in readings.items()}

"""The report's KPI section: each KPI the assessment's version thresholds, its thresholds by level, the
latest value against them, and its trend as server-side SVG with the numbers beside it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from assessments.models import Assessment
from capability_model.models import Kpi, KpiThreshold
from reports.kpi_chart import kpi_trend_svg

from . import rules
from .models import KpiValue
from .selectors import format_value

TREND_PERIODS = 12


@dataclass(frozen=True, slots=True)
class ReportKpi:
    kpi: Kpi
    thresholds: list[tuple[int, str]]  # (level, threshold text), levels 2–5
    latest_text: str
    period: str
    stale: bool
    level_met: int | None  # the highest level whose threshold the latest fresh value meets; None: no value
    trend: list[tuple[str, str]]  # (period, value text), oldest first
    chart: SafeString


def kpi_report(*, assessment: Assessment) -> list[ReportKpi]:
    """Three queries: thresholds, values, nothing per KPI."""
    by_kpi: dict[int, dict[int, Any]] = {}
    kpis: dict[int, Kpi] = {}
    for t in (
        KpiThreshold.objects.filter(capability_model_id=assessment.capability_model_id)
        .select_related("kpi", "criterion")
        .order_by("kpi__order", "criterion__level")
    ):
        kpis[t.kpi_id] = t.kpi
        levels = by_kpi.setdefault(t.kpi_id, {})
        current = levels.get(t.criterion.level)
        # Several criteria of one level: the strictest threshold is the one that level asks.
        strict = max if t.kpi.direction == "higher" else min
        levels[t.criterion.level] = t.threshold if current is None else strict(current, t.threshold)
    if not kpis:
        return []
    values: dict[str, list[KpiValue]] = {}
    for v in (
        KpiValue.objects.filter(
            organisation_id=assessment.organisation_id,
            kpi__code__in=[k.code for k in kpis.values()],
            kpi__capability_model__code=assessment.capability_model.code,
        )
        .order_by("-period_start")
        .select_related("kpi")
    ):
        found = values.setdefault(v.kpi.code, [])
        if len(found) < TREND_PERIODS:
            found.append(v)
    today = timezone.localdate()
    result = []
    for key, kpi in kpis.items():
        cadence: Any = kpi.cadence
        direction: Any = kpi.direction
        levels = by_kpi[key]
        series = list(reversed(values.get(kpi.code, [])))
        latest = series[-1] if series else None
        stale = latest is not None and rules.is_stale(latest.period_start, cadence=cadence, today=today)
        met = None
        if latest is not None and not stale:
            met = max(
                (
                    level
                    for level, t in levels.items()
                    if rules.meets(value=latest.value, threshold=t, direction=direction)
                ),
                default=1,
            )
        labels = [rules.period_label(v.period_start, cadence=cadence) for v in series]
        chart = (
            kpi_trend_svg(
                title=f"{kpi.code} {kpi.name}",
                labels=labels,
                values=[float(v.value) for v in series],
                thresholds=[(f"L{level}", float(t)) for level, t in sorted(levels.items())],
            )
            if series
            else ""
        )
        result.append(
            ReportKpi(
                kpi,
                [(level, format_value(t, kpi.unit)) for level, t in sorted(levels.items())],
                format_value(latest.value if latest else None, kpi.unit),
                rules.period_label(latest.period_start, cadence=cadence) if latest else "",
                stale,
                met,
                [(label, format_value(v.value, kpi.unit)) for label, v in zip(labels, series, strict=True)],
                mark_safe(chart),  # noqa: S308 - built by reports.charts, which escapes every text it takes
            )
        )
    return result

"""Progress over time for the report: the organisation's trend per domain across its approved assessments,
and, for a re-assessment, the gaps closed since its baseline.

Levels come only from ``assessments.selectors.snapshot_from_rows`` (and through it ``scoring``), as in
``reports.selectors``. Queries are constant: the assessments, their answers in one read, the model specs
(cached per locked version).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from assessments import workflow
from assessments.models import Assessment
from assessments.selectors import answer_rows_for, snapshot_from_rows
from capability_model import gaps as gap_rules
from capability_model import scoring
from capability_model.models import CapabilityModel
from capability_model.selectors import model_spec_for_locked

from .charts import Series
from .trend_chart import trend_svg

# Okabe–Ito: told apart by people with any common colour vision deficiency, and each with its own line
# pattern and marker for a black-and-white print.
_STYLES = (
    ("#0072b2", "solid", "circle"),
    ("#d55e00", "dashed", "square"),
    ("#009e73", "dotted", "triangle"),
    ("#cc79a7", "dashdot", "diamond"),
    ("#e69f00", "solid", "diamond"),
    ("#56b4e9", "dashed", "circle"),
)


@dataclass(frozen=True, slots=True)
class TrendColumn:
    assessment: Assessment
    when: date
    is_this: bool  # the report's own assessment
    overall: scoring.DomainScore


@dataclass(frozen=True, slots=True)
class TrendRow:
    code: str
    name: str
    cells: list[scoring.DomainScore | None]  # one per column; None: the domain is not in that model


@dataclass(frozen=True, slots=True)
class Trend:
    columns: list[TrendColumn]
    rows: list[TrendRow]
    svg: str


def _when(assessment: Assessment) -> date:
    moment = assessment.decided_at or assessment.updated_at
    return timezone.localdate(moment)


def organisation_trend(
    *, assessment: Assessment, domains: list[tuple[str, str]], official: scoring.ModelScore
) -> Trend | None:
    """Official levels and indices per domain across the organisation's approved assessments, in the order
    they were approved, with this one last; None when there is nothing to compare it with.

    An approved report shows only the assessments approved up to its own approval, so regenerating it later
    gives the same document. ``domains`` (code, name) are the report's own; ``official`` its result.
    """
    earlier = Assessment.objects.filter(
        organisation_id=assessment.organisation_id, state=workflow.State.APPROVED
    ).exclude(pk=assessment.pk)
    if assessment.state == workflow.State.APPROVED and assessment.decided_at:
        earlier = earlier.filter(decided_at__lte=assessment.decided_at)
    others = list(earlier.order_by("decided_at", "pk"))
    if not others:
        return None
    models = CapabilityModel.objects.in_bulk({a.capability_model_id for a in others})
    rows = answer_rows_for(a.pk for a in others)
    columns = []
    for other in others:
        spec = model_spec_for_locked(model=models[other.capability_model_id])
        score = snapshot_from_rows(spec, rows[other.pk], other.target_level).scores.official
        columns.append((other, score, False))
    columns.append((assessment, official, True))
    trend_rows = [
        TrendRow(code, name, [_domain(score, code) for _a, score, _this in columns]) for code, name in domains
    ]
    trend_columns = [
        TrendColumn(a, _when(a), this, scoring.DomainScore("", score.level, score.index, ()))
        for a, score, this in columns
    ]
    return Trend(trend_columns, trend_rows, _trend_chart(trend_columns, trend_rows))


def _domain(score: scoring.ModelScore, code: str) -> scoring.DomainScore | None:
    return next((d for d in score.domains if d.code == code), None)


def _trend_chart(columns: list[TrendColumn], rows: list[TrendRow]) -> str:
    labels = [
        f"{c.when:%Y-%m-%d} {_('this report') if c.is_this else Truncator(c.assessment.title).chars(20)}"
        for c in columns
    ]
    series = []
    for n, row in enumerate(rows):
        colour, line, marker = _STYLES[n % len(_STYLES)]
        values = tuple(cell.index if cell and cell.index is not None else None for cell in row.cells)
        series.append(Series(row.code, values, colour, line=line, marker=marker))
    return trend_svg(title=_("Index by capability domain over time"), columns=labels, series=series)


@dataclass(frozen=True, slots=True)
class ClosedGapRow:
    """One capability item of a re-assessment: its gap criteria at the baseline, closed or still open."""

    code: str
    name: str
    closed: list[str]
    still_open: list[str]
    new: list[str]  # short now but not at the baseline (a lower rating, or a criterion the model added)


def gaps_closed_since_baseline(
    *,
    assessment: Assessment,
    items: list[tuple[str, str]],
    official_ratings: Mapping[str, scoring.Rating],
) -> list[ClosedGapRow] | None:
    """Per item, the criteria short of the target level at the baseline that are closed now; None without
    a baseline. Both sides are judged at this assessment's target level, each with its own model version."""
    if assessment.baseline_id is None:
        return None
    baseline = Assessment.objects.select_related("capability_model").get(pk=assessment.baseline_id)
    spec = model_spec_for_locked(model=baseline.capability_model)
    rows = answer_rows_for([baseline.pk])[baseline.pk]
    baseline_scores = snapshot_from_rows(spec, rows, assessment.target_level).scores
    baseline_ratings = baseline_scores.verified_ratings or baseline_scores.self_ratings
    target = assessment.target_level
    before = gap_rules.gaps(spec, baseline_ratings, target)
    current_spec = model_spec_for_locked(model=assessment.capability_model)
    now = gap_rules.gaps(current_spec, official_ratings, target)
    result = []
    for code, name in items:
        was = {g.criterion for g in before.get(code, ())}
        still = {g.criterion for g in now.get(code, ())}
        if was or still:
            result.append(
                ClosedGapRow(code, name, sorted(was - still), sorted(was & still), sorted(still - was))
            )
    return result

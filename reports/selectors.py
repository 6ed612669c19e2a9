"""What a report shows, ready for the templates: one read of the assessment, its own model version's texts,
and the scoring service's levels, gaps and plan. The HTML page and the PDF are rendered from this.

Levels come only from ``assessments.selectors.snapshot_from_rows`` (and through it ``scoring``); nothing here
decides a level. Queries are constant: the model's structure, the answers with their evidence, the levels.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from assessments import workflow
from assessments.models import Answer, Assessment, Evidence
from assessments.selectors import (
    ANSWER_MODEL_ORDER,
    AssessmentScores,
    answer_row,
    assessment_snapshot,
    snapshot_from_rows,
)
from capability_model import gaps as gap_rules
from capability_model import scoring
from capability_model.models import CapabilityItem, CapabilityModel, Criterion, Domain, LevelDefinition
from capability_model.selectors import model_spec_for_locked

from .charts import Series, radar_svg
from .progress import ClosedGapRow, Trend, gaps_closed_since_baseline, organisation_trend

SELF_COLOUR = "#6c757d"
VERIFIED_COLOUR = "#0b5f7a"
TARGET_COLOUR = "#d63384"
BEFORE_COLOUR = "#adb5bd"


@dataclass(frozen=True, slots=True)
class ItemRow:
    item: CapabilityItem
    self_score: scoring.ItemScore
    verified: scoring.ItemScore | None
    official: scoring.ItemScore
    gap_criteria: int  # criteria that stand between the official result and the target level
    gap_steps: int  # the thirds of rating those criteria lack

    @property
    def meets_target(self) -> bool:
        return self.gap_criteria == 0


@dataclass(frozen=True, slots=True)
class DomainSection:
    domain: Domain
    self_score: scoring.DomainScore
    verified: scoring.DomainScore | None
    official: scoring.DomainScore
    target: int
    items: list[ItemRow]

    @property
    def levels_to_target(self) -> int | None:
        """Whole levels between the domain and the target; None when the domain is not applicable."""
        if self.official.level is None:
            return None
        return max(0, self.target - self.official.level)


@dataclass(frozen=True, slots=True)
class PlanRow:
    entry: gap_rules.PlanEntry
    criterion: Criterion
    item: CapabilityItem
    domain: Domain


@dataclass(frozen=True, slots=True)
class PlanGroup:
    level: int
    name: str
    rows: list[PlanRow]


@dataclass(frozen=True, slots=True)
class AppendixRow:
    criterion: Criterion
    answer: Answer
    evidence: list[Evidence]


@dataclass(frozen=True, slots=True)
class AppendixDomain:
    domain: Domain
    rows: list[AppendixRow]


@dataclass(frozen=True, slots=True)
class Report:
    assessment: Assessment
    model: CapabilityModel
    language: str
    report_date: date
    reviewed: bool
    scores: AssessmentScores
    official: scoring.ModelScore
    domains: list[DomainSection]
    radar: str  # SVG markup, escaped by reports.charts
    plan: list[PlanGroup]
    plan_size: int
    appendix: list[AppendixDomain]
    evidence: list[tuple[Criterion, Evidence]]
    consultant_firm: str  # the REPORT_CONSULTANT_FIRM setting: who stands behind the review
    trend: Trend | None  # the organisation's approved assessments and this one; None when it is the first
    closed_since_baseline: list[ClosedGapRow] | None  # None: not a re-assessment

    @property
    def is_draft(self) -> bool:
        """Not approved: every page of the PDF carries a DRAFT mark."""
        return self.assessment.state != workflow.State.APPROVED


def _report_date(assessment: Assessment) -> date:
    """An approved report carries its approval date, so regenerating it later gives the same document."""
    moment = assessment.decided_at if assessment.state == workflow.State.APPROVED else None
    return timezone.localdate(moment) if moment else timezone.localdate()


def _structure(
    model: CapabilityModel,
) -> tuple[list[Domain], dict[str, list[CapabilityItem]], dict[int, str]]:
    domains = list(
        Domain.objects.filter(capability_model=model)
        .prefetch_related(Prefetch("items", queryset=CapabilityItem.objects.order_by("order", "code")))
        .order_by("order", "code")
    )
    items = {d.code: list(d.items.all()) for d in domains}
    levels = {lv.level: lv.name for lv in LevelDefinition.objects.filter(capability_model=model)}
    return domains, items, levels


def _answers(assessment: Assessment) -> list[Answer]:
    return list(
        Answer.objects.filter(assessment=assessment)
        .select_related(
            "criterion", "criterion__item", "criterion__item__domain", "updated_by", "reviewed_by"
        )
        .prefetch_related(
            Prefetch(
                "evidence",
                queryset=Evidence.objects.select_related("uploaded_by").order_by("uploaded_at", "pk"),
            )
        )
        .order_by(*ANSWER_MODEL_ORDER)
    )


def report_build(*, assessment: Assessment) -> Report:
    """The whole report of one assessment in the active language, from its own model version."""
    # One read of everything the cover names, so the count of queries never depends on the state.
    assessment = Assessment.objects.select_related(
        "organisation", "capability_model", "reviewer", "baseline"
    ).get(pk=assessment.pk)
    model = assessment.capability_model
    spec = model_spec_for_locked(model=model)
    answers = _answers(assessment)
    if not workflow.is_decided(assessment.state):
        # Until the consultant returns or approves it, the organisation sees no verified rating (issue 16
        # item 11), and the report is one document for every reader (its PDF is cached by content): so it
        # carries the self-assessment alone. The loaded answers are only read here, never saved.
        for answer in answers:
            answer.verified_rating, answer.review_comment = "", ""
    scores = snapshot_from_rows(spec, [answer_row(a) for a in answers], assessment.target_level).scores
    official_ratings = scores.verified_ratings if scores.verified_ratings is not None else scores.self_ratings
    official = scores.official
    target = assessment.target_level
    domains, items_by_domain, level_names = _structure(model)
    gaps = gap_rules.gaps(spec, official_ratings, target)

    sections = []
    for domain in domains:
        rows = []
        for item in items_by_domain[domain.code]:
            item_gap = gaps.get(item.code, ())
            rows.append(
                ItemRow(
                    item=item,
                    self_score=scores.self_score.item(item.code),
                    verified=scores.verified_score.item(item.code) if scores.verified_score else None,
                    official=official.item(item.code),
                    gap_criteria=len(item_gap),
                    gap_steps=sum(g.steps for g in item_gap),
                )
            )
        sections.append(
            DomainSection(
                domain=domain,
                self_score=scores.self_score.domain(domain.code),
                verified=scores.verified_score.domain(domain.code) if scores.verified_score else None,
                official=official.domain(domain.code),
                target=target,
                items=rows,
            )
        )

    criteria = {a.criterion.code: a.criterion for a in answers}
    items = {i.code: i for group in items_by_domain.values() for i in group}
    domain_by_code = {d.code: d for d in domains}
    plan_entries = gap_rules.improvement_plan(spec, official_ratings, target)
    groups: dict[int, list[PlanRow]] = {}
    for entry in plan_entries:
        gap = entry.gap
        groups.setdefault(gap.level, []).append(
            PlanRow(entry, criteria[gap.criterion], items[gap.item], domain_by_code[gap.domain])
        )
    plan = [
        PlanGroup(level, level_names.get(level, str(level)), rows) for level, rows in sorted(groups.items())
    ]

    appendix: dict[str, list[AppendixRow]] = {d.code: [] for d in domains}
    evidence: list[tuple[Criterion, Evidence]] = []
    for answer in answers:
        files = list(answer.evidence.all())
        appendix[answer.criterion.item.domain.code].append(AppendixRow(answer.criterion, answer, files))
        evidence.extend((answer.criterion, f) for f in files)

    return Report(
        assessment=assessment,
        model=model,
        language=get_language() or "zh-hans",
        report_date=_report_date(assessment),
        reviewed=scores.verified_score is not None,
        scores=scores,
        official=official,
        domains=sections,
        radar=_radar(sections, target, reviewed=scores.verified_score is not None),
        plan=plan,
        plan_size=len(plan_entries),
        appendix=[AppendixDomain(d, appendix[d.code]) for d in domains],
        evidence=evidence,
        consultant_firm=settings.REPORT_CONSULTANT_FIRM,
        trend=organisation_trend(
            assessment=assessment, domains=[(d.code, d.name) for d in domains], official=official
        ),
        closed_since_baseline=gaps_closed_since_baseline(
            assessment=assessment,
            items=[(i.code, i.name) for i in items.values()],
            official_ratings=official_ratings,
        ),
    )


def _radar(sections: list[DomainSection], target: int, *, reviewed: bool) -> str:
    axes = [f"{s.domain.code} {s.domain.name}" for s in sections]
    series = [
        Series(
            _("Self-assessed"),
            tuple(s.self_score.index for s in sections),
            SELF_COLOUR,
            line="dashed" if reviewed else "solid",
            marker="square",
        )
    ]
    if reviewed:
        series.append(
            Series(
                _("Verified"),
                tuple(s.verified.index if s.verified else None for s in sections),
                VERIFIED_COLOUR,
            )
        )
    series.append(
        Series(
            _("Target"),
            tuple(float(target) for _s in sections),
            TARGET_COLOUR,
            line="dotted",
            filled=False,
            marker="triangle",
        )
    )
    return radar_svg(title=_("Capability domains: index by domain"), axes=axes, series=series)


# --- comparison ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChangeRow:
    code: str
    name: str
    before: scoring.ItemScore | scoring.DomainScore | None  # None: not in that assessment's model
    after: scoring.ItemScore | scoring.DomainScore | None

    @property
    def level_change(self) -> int | None:
        if self.before is None or self.after is None or self.before.level is None or self.after.level is None:
            return None
        return self.after.level - self.before.level

    @property
    def index_change(self) -> float | None:
        if self.before is None or self.after is None or self.before.index is None or self.after.index is None:
            return None
        return scoring.format_index(self.after.index) - scoring.format_index(self.before.index)


@dataclass(frozen=True, slots=True)
class ComparisonDomain:
    row: ChangeRow
    items: list[ChangeRow]


@dataclass(frozen=True, slots=True)
class Comparison:
    before: Assessment
    after: Assessment
    overall: ChangeRow
    domains: list[ComparisonDomain]
    radar: str
    language: str
    report_date: date

    @property
    def is_draft(self) -> bool:
        """Either side not approved: the PDF carries a DRAFT mark."""
        return any(s != workflow.State.APPROVED for s in (self.before.state, self.after.state))


def _official(assessment: Assessment) -> scoring.ModelScore:
    return assessment_snapshot(assessment=assessment).scores.official


def _find(scores: tuple[Any, ...], code: str) -> Any:
    return next((s for s in scores if s.code == code), None)


def comparison_build(*, before: Assessment, after: Assessment) -> Comparison:
    """Official levels and indices of two assessments side by side, per domain and item, with the change.

    The two may use different model versions: rows follow the later assessment's structure, and a domain or
    item the earlier one lacks is shown without a change.
    """
    before_score, after_score = _official(before), _official(after)
    domains, items_by_domain, _levels = _structure(after.capability_model)
    result = []
    for domain in domains:
        before_domain = _find(before_score.domains, domain.code)
        after_domain = after_score.domain(domain.code)
        item_rows = [
            ChangeRow(
                item.code,
                item.name,
                _find(before_domain.items, item.code) if before_domain else None,
                after_domain.item(item.code),
            )
            for item in items_by_domain[domain.code]
        ]
        result.append(
            ComparisonDomain(ChangeRow(domain.code, domain.name, before_domain, after_domain), item_rows)
        )
    overall = ChangeRow("", _("Overall"), _overall(before_score), _overall(after_score))
    radar = radar_svg(
        title=_("Capability domains: index by domain"),
        axes=[f"{d.code} {d.name}" for d in domains],
        series=[
            Series(
                Truncator(before.title).chars(32),
                tuple(c.row.before.index if c.row.before else None for c in result),
                BEFORE_COLOUR,
                line="dashed",
                marker="square",
            ),
            Series(
                Truncator(after.title).chars(32),
                tuple(c.row.after.index if c.row.after else None for c in result),
                VERIFIED_COLOUR,
            ),
        ],
    )
    return Comparison(
        before=before,
        after=after,
        overall=overall,
        domains=result,
        radar=radar,
        language=get_language() or "zh-hans",
        report_date=timezone.localdate(),
    )


def _overall(score: scoring.ModelScore) -> scoring.DomainScore:
    """The overall result in the shape of a row (code, level, index)."""
    return scoring.DomainScore("", score.level, score.index, ())

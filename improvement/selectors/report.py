"""The action plan as the report and its PDF show it: a one-page summary of the top actions per domain,
foundations first, then every action with its owner, due date, status and priority.

The report is one document for every reader (its PDF is cached under its HTML's hash), so it shows the
official ratings (verified once reviewed) like the rest of the report, and it names no "overdue": that
depends on the day it is read, the due dates are there.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Case, IntegerField, Value, When

from assessments import workflow
from assessments.models import Assessment
from assessments.selectors import assessment_scores
from capability_model.gaps import improvement_plan
from capability_model.models import CapabilityItem

from ..models import OPEN_STATUSES, Action, Priority
from ..planning import suggest_actions
from .actions import ratings_for

TOP_PER_DOMAIN = 3

_PRIORITY_ORDER = Case(
    When(priority=Priority.HIGH, then=Value(0)),
    When(priority=Priority.MEDIUM, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


@dataclass(frozen=True, slots=True)
class TopAction:
    """One line of the summary: an action of the plan, or (without a plan) one suggested from the gaps."""

    title: str
    item: CapabilityItem
    phase: int
    criteria: tuple[str, ...]
    action: Action | None  # None: a suggestion


@dataclass(frozen=True, slots=True)
class DomainTopActions:
    code: str
    name: str
    actions: list[TopAction]
    more: int  # open actions (or suggestions) of the domain not shown in the summary


@dataclass(frozen=True, slots=True)
class ReportActionPlan:
    summary: list[DomainTopActions]
    actions: list[Action] = field(default_factory=list)  # the whole plan, in phase order
    suggested: bool = False  # no action plan yet: the summary shows suggestions from the gaps


def _top(groups: dict[str, list[TopAction]], items: dict[str, CapabilityItem]) -> list[DomainTopActions]:
    domains = {item.domain.code: item.domain for item in items.values()}
    ordered = sorted(domains.values(), key=lambda d: (d.order, d.code))
    return [
        DomainTopActions(
            d.code, d.name, groups[d.code][:TOP_PER_DOMAIN], max(0, len(groups[d.code]) - TOP_PER_DOMAIN)
        )
        for d in ordered
        if groups.get(d.code)
    ]


def report_action_plan(*, assessment: Assessment) -> ReportActionPlan:
    """The plan for the report; three queries with actions, two more without (the suggestions)."""
    actions = list(
        Action.objects.filter(assessment=assessment)
        .select_related("item__domain", "owner")
        .prefetch_related("criteria")
        .order_by("phase", _PRIORITY_ORDER, "effort", "pk")
    )
    items = {a.item.code: a.item for a in actions}
    groups: dict[str, list[TopAction]] = {}
    if actions:
        for action in actions:
            if action.status in OPEN_STATUSES:
                codes = tuple(sorted(c.code for c in action.criteria.all()))
                groups.setdefault(action.item.domain.code, []).append(
                    TopAction(action.title, action.item, action.phase, codes, action)
                )
        return ReportActionPlan(_top(groups, items), actions)
    scores = assessment_scores(assessment=assessment)
    # Verified ratings only once decided, like the rest of the report (reports.selectors.report_build).
    decided = workflow.is_decided(assessment.state)
    plan = improvement_plan(scores.spec, ratings_for(scores, with_verified=decided), assessment.target_level)
    suggestions = suggest_actions(plan)
    items = {
        i.code: i
        for i in CapabilityItem.objects.filter(
            domain__capability_model=assessment.capability_model_id, code__in={s.item for s in suggestions}
        ).select_related("domain")
    }
    for suggestion in suggestions:
        item = items[suggestion.item]
        groups.setdefault(suggestion.domain, []).append(
            TopAction(f"{item.code} {item.name}", item, suggestion.phase, suggestion.criteria, None)
        )
    return ReportActionPlan(_top(groups, items), [], suggested=True)

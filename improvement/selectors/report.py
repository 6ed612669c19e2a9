"""The action plan as the report shows it (page and PDF): the top open actions of each domain on one page,
then every action with its owner and due date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from assessments.models import Assessment
from capability_model.models import Domain

from ..models import OPEN_STATUSES, Action, Priority

TOP_PER_DOMAIN = 3
_PRIORITY_RANK = {Priority.HIGH: 0, Priority.MEDIUM: 1, Priority.LOW: 2}


@dataclass(frozen=True, slots=True)
class DomainActions:
    domain: Domain
    top: list[Action]
    open_count: int


@dataclass(frozen=True, slots=True)
class ReportActions:
    domains: list[DomainActions]
    actions: list[Action]  # every action, in the plan's order


def _urgency(action: Action) -> tuple[int, int, date, int]:
    """High priority first, then foundations (lower phase), then the earliest due date."""
    return (
        _PRIORITY_RANK.get(Priority(action.priority), 1),
        action.phase,
        action.due_date or date.max,
        action.pk,
    )


def report_actions(*, assessment: Assessment) -> ReportActions:
    """Three queries whatever the plan's size."""
    actions = list(
        assessment.actions.select_related("item__domain", "owner")
        .prefetch_related("criteria")
        .order_by("phase", "effort", "pk")
    )
    domains = Domain.objects.filter(capability_model=assessment.capability_model_id).order_by("order")
    by_domain: dict[int, list[Action]] = {}
    for action in actions:
        if action.status in OPEN_STATUSES:
            by_domain.setdefault(action.item.domain_id, []).append(action)
    return ReportActions(
        domains=[
            DomainActions(d, sorted(by_domain[d.pk], key=_urgency)[:TOP_PER_DOMAIN], len(by_domain[d.pk]))
            for d in domains
            if d.pk in by_domain
        ],
        actions=actions,
    )

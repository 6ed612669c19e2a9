"""The action plan as pages, exports and reminders read it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Case, Count, F, Q, QuerySet, Value, When

from assessments.models import Assessment, Organisation
from assessments.selectors import AssessmentScores, assessment_scores
from capability_model.gaps import improvement_plan
from capability_model.scoring import Rating

from ..models import OPEN_STATUSES, Action
from ..planning import SuggestedAction, suggest_actions


@dataclass(frozen=True, slots=True)
class ActionFilters:
    status: str = ""
    owner: int | None = None
    phase: int | None = None
    domain: str = ""
    overdue: bool = False


@dataclass(frozen=True, slots=True)
class ActionPlanSummary:
    total: int
    open: int
    done: int
    overdue: int


def action_list(*, assessment: Assessment, today: date, filters: ActionFilters | None = None) -> list[Action]:
    """The plan in phase order (quick wins first), with owners, items and criteria; three queries."""
    filters = filters or ActionFilters()
    queryset = Action.objects.filter(assessment=assessment)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.owner is not None:
        queryset = queryset.filter(owner=filters.owner)
    if filters.phase is not None:
        queryset = queryset.filter(phase=filters.phase)
    if filters.domain:
        queryset = queryset.filter(item__domain__code=filters.domain)
    if filters.overdue:
        queryset = queryset.filter(status__in=OPEN_STATUSES, due_date__lt=today)
    return list(queryset.select_related("item__domain", "owner", "carried_from").prefetch_related("criteria"))


def action_plan_summary(*, assessment: Assessment, today: date) -> ActionPlanSummary:
    counts = Action.objects.filter(assessment=assessment).aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        done=Count("pk", filter=Q(status="done")),
        overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, due_date__lt=today)),
    )
    return ActionPlanSummary(**counts)


def actions_overdue(today: date) -> QuerySet[Action]:
    """Open actions (open, in progress, blocked) due before ``today``, oldest due first, with what a
    reminder names: owner, assessment and organisation. For the reminders command."""
    return (
        Action.objects.filter(status__in=OPEN_STATUSES, due_date__lt=today)
        .select_related("owner", "assessment__organisation")
        .order_by("due_date", "pk")
    )


def actions_for_owner(*, user: User, today: date, limit: int = 10) -> list[Action]:
    """The user's open actions in the organisations they belong to: overdue first, then by due date
    (undated last); for the dashboard's "my actions"."""
    overdue = Case(When(due_date__lt=today, then=Value(0)), default=Value(1))
    return list(
        Action.objects.filter(
            owner=user,
            status__in=OPEN_STATUSES,
            assessment__organisation__memberships__user=user,
        )
        .select_related("assessment__organisation")
        .order_by(overdue, F("due_date").asc(nulls_last=True), "pk")[:limit]
    )


def criteria_in_actions(*, assessment: Assessment) -> set[str]:
    """Codes of the criteria some action of the plan already addresses (whatever its status)."""
    return set(
        Action.criteria.through.objects.filter(action__assessment=assessment).values_list(
            "criterion__code", flat=True
        )
    )


def ratings_for(scores: AssessmentScores, *, with_verified: bool) -> Mapping[str, Rating]:
    """The official ratings (verified once reviewed) for those who may see them (``can_see_verified``);
    the self ratings for the organisation's members while a review is undecided."""
    if with_verified and scores.verified_ratings is not None:
        return scores.verified_ratings
    return scores.self_ratings


def suggestions_preview(*, assessment: Assessment, with_verified: bool) -> tuple[SuggestedAction, ...]:
    """What ``actions_suggest`` would add now (criteria already planned left out)."""
    scores = assessment_scores(assessment=assessment)
    plan = improvement_plan(
        scores.spec, ratings_for(scores, with_verified=with_verified), assessment.target_level
    )
    return suggest_actions(plan, skip=criteria_in_actions(assessment=assessment))


def owner_choices(*, organisation: Organisation) -> QuerySet[User]:
    """The members of the organisation, who may own actions."""
    return User.objects.filter(memberships__organisation=organisation).order_by("username")


_HISTORY_FIELDS = ("title", "status", "owner", "owner_name", "due_date", "priority", "notes")


@dataclass(frozen=True, slots=True)
class ActionHistoryEntry:
    when: Any
    who: str
    action: str  # "+" created, "~" changed
    changes: list[tuple[str, str, str]]  # (field, old, new)


def _field(name: str) -> Any:
    return Action._meta.get_field(name)


def _shown(row: Any, name: str) -> str:
    if row is None:
        return ""
    if name == "owner":
        return row.owner.get_username() if row.owner else ""
    value = getattr(row, name)
    choices = dict(_field(name).flatchoices)
    return "" if value in ("", None) else str(choices.get(value, value))


def action_history(*, action: Action) -> list[ActionHistoryEntry]:
    """Who changed what and when in one action, newest first (criteria changes show as their own rows)."""
    rows = list(
        Action.history.filter(id=action.pk)
        .select_related("history_user", "owner")
        .order_by("history_date", "history_id")
    )
    entries = []
    before = None
    for row in rows:
        changes = [
            (str(_field(name).verbose_name), _shown(before, name), _shown(row, name))
            for name in _HISTORY_FIELDS
            if _shown(before, name) != _shown(row, name)
        ]
        before = row
        who = row.history_user.get_username() if row.history_user else (row.history_username or "—")
        entries.append(ActionHistoryEntry(row.history_date, who, row.history_type, changes))
    entries.reverse()
    return entries

"""Who should be reminded of what today: one function per kind of reminder, each a read (no writes).

``SOURCES`` lists them; ``reminders.services`` sends what they find, once per occasion. A new kind of
reminder is a new function here, added to ``SOURCES``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from assessments.models import Assessment, AssessmentState, ConsultantAssignment, Membership, Role
from improvement.selectors import actions_overdue as overdue_actions
from teams.selectors import assignments_due_soon

DRAFT_UNTOUCHED = timedelta(days=14)
REVIEW_WAITING = timedelta(days=5)
ASSIGNMENT_DUE_WITHIN_DAYS = 2


@dataclass(frozen=True)
class Reminder:
    kind: str
    subject_key: str
    occasion: str
    recipients: tuple[str, ...]
    subject: str
    body: str


def _link(assessment: Assessment) -> str:
    return f"{settings.SITE_URL}{reverse('assessments:detail', args=[assessment.pk])}"


def _bilingual(text: str, params: dict[str, object]) -> str:
    lines = []
    for language in ("zh-hans", "en"):
        with override(language):
            lines.append(_(text) % params)
    return "\n".join(lines)


def drafts_untouched(now: datetime) -> list[Reminder]:
    """Drafts nobody changed for 14 days: their organisation's managers."""
    drafts = list(
        Assessment.objects.filter(state=AssessmentState.DRAFT, updated_at__lt=now - DRAFT_UNTOUCHED)
        .select_related("organisation")
        .order_by("pk")
    )
    managers: dict[int, list[str]] = defaultdict(list)
    for organisation_id, email in Membership.objects.filter(
        organisation__in={a.organisation_id for a in drafts}, role=Role.MANAGER
    ).values_list("organisation_id", "user__email"):
        managers[organisation_id].append(email)
    return [
        Reminder(
            kind="draft_untouched",
            subject_key=f"assessment:{a.pk}",
            occasion=a.updated_at.isoformat(),
            recipients=tuple(sorted({e for e in managers[a.organisation_id] if e})),
            subject=f"[Maturity Portal] {a.organisation.name}: {a.title}",
            body=_bilingual(
                "The draft “%(title)s” has not been changed for %(days)s days.",
                {"title": a.title, "days": (now - a.updated_at).days},
            )
            + f"\n\n{_link(a)}\n",
        )
        for a in drafts
    ]


def submissions_waiting(now: datetime) -> list[Reminder]:
    """Submissions waiting for review more than 5 days: the organisation's consultants."""
    waiting = list(
        Assessment.objects.filter(state=AssessmentState.SUBMITTED, submitted_at__lt=now - REVIEW_WAITING)
        .select_related("organisation")
        .order_by("pk")
    )
    consultants: dict[int, list[str]] = defaultdict(list)
    for organisation_id, email in ConsultantAssignment.objects.filter(
        organisation__in={a.organisation_id for a in waiting}
    ).values_list("organisation_id", "consultant__email"):
        consultants[organisation_id].append(email)
    return [
        Reminder(
            kind="review_waiting",
            subject_key=f"assessment:{a.pk}",
            occasion=a.submitted_at.isoformat() if a.submitted_at else "",
            recipients=tuple(sorted({e for e in consultants[a.organisation_id] if e})),
            subject=f"[Maturity Portal] {a.organisation.name}: {a.title}",
            body=_bilingual(
                "“%(title)s” of %(organisation)s has waited %(days)s days for review.",
                {
                    "title": a.title,
                    "organisation": a.organisation.name,
                    "days": (now - a.submitted_at).days if a.submitted_at else 0,
                },
            )
            + f"\n\n{_link(a)}\n",
        )
        for a in waiting
    ]


def actions_overdue(now: datetime) -> list[Reminder]:
    """Open actions of an action plan past their due date: their owner (an owner named outside the portal
    has no address and is left out). The due date is the occasion: a new due date is a new occasion."""
    overdue = [a for a in overdue_actions(timezone.localdate(now)) if a.owner is not None and a.owner.email]
    return [
        Reminder(
            kind="action_overdue",
            subject_key=f"action:{a.pk}",
            occasion=a.due_date.isoformat() if a.due_date else "",
            recipients=(a.owner.email,) if a.owner else (),
            subject=f"[Maturity Portal] {a.assessment.organisation.name}: {a.title}",
            body=_bilingual(
                "The action “%(title)s” was due on %(date)s.",
                {"title": a.title, "date": a.due_date.isoformat() if a.due_date else ""},
            )
            + f"\n\n{settings.SITE_URL}{reverse('improvement:action_edit', args=[a.pk])}\n",
        )
        for a in overdue
    ]


def assignments_due(now: datetime) -> list[Reminder]:
    """Parts of an assessment assigned to someone, unfinished and due within two days: their assignee.
    The due date is the occasion, so a part is reminded once per due date."""
    rows = assignments_due_soon(today=timezone.localdate(now), within_days=ASSIGNMENT_DUE_WITHIN_DAYS)
    return [
        Reminder(
            kind="assignment_due",
            subject_key=f"assignment:{row.assignment.pk}",
            occasion=row.assignment.due_date.isoformat() if row.assignment.due_date else "",
            recipients=(row.assignment.assignee.email,) if row.assignment.assignee.email else (),
            subject=f"[Maturity Portal] {row.assignment.assessment.title}: {row.assignment.part_code}",
            body=_bilingual(
                "%(part)s of “%(title)s”, assigned to you, is due on %(date)s: %(answered)s of %(required)s "
                "answered.",
                {
                    "part": row.assignment.part_code,
                    "title": row.assignment.assessment.title,
                    "date": row.assignment.due_date.isoformat() if row.assignment.due_date else "",
                    "answered": row.answered,
                    "required": row.required,
                },
            )
            + f"\n\n{_link(row.assignment.assessment)}\n",
        )
        for row in rows
    ]


SOURCES: list[Callable[[datetime], list[Reminder]]] = [
    drafts_untouched,
    submissions_waiting,
    actions_overdue,
    assignments_due,
]

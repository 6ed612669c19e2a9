"""Sending the day's reminders: each occasion once, its record and its queued emails committed together."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from common.mail import mail_after_commit

from .models import ReminderSent
from .sources import SOURCES, Reminder


@dataclass(frozen=True)
class Outcome:
    sent: list[Reminder]
    already: int


def _send_once(reminder: Reminder) -> bool:
    """True when this occasion was not reminded before (and now is)."""
    try:
        with transaction.atomic():
            ReminderSent.objects.create(
                kind=reminder.kind,
                subject_key=reminder.subject_key,
                occasion=reminder.occasion,
                recipients=", ".join(reminder.recipients),
            )
            mail_after_commit(
                subject=reminder.subject, body=reminder.body, recipients=list(reminder.recipients)
            )
    except IntegrityError:
        return False
    return True


def reminders_send(*, now: datetime | None = None, dry_run: bool = False) -> Outcome:
    """What the sources find today that was not reminded yet; ``dry_run`` only says what it would send."""
    now = now or timezone.now()
    due = [r for source in SOURCES for r in source(now) if r.recipients]
    if dry_run:
        done = set(ReminderSent.objects.values_list("kind", "subject_key", "occasion"))
        fresh = [r for r in due if (r.kind, r.subject_key, r.occasion) not in done]
        return Outcome(sent=fresh, already=len(due) - len(fresh))
    sent = [r for r in due if _send_once(r)]
    return Outcome(sent=sent, already=len(due) - len(sent))

"""Daily reminders: stale drafts to managers, waiting submissions to consultants, each occasion once."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from assessments.models import Assessment
from reminders.models import ReminderSent
from reminders.services import Outcome, reminders_send
from tests.assessments import conftest as assessment_fixtures
from tests.assessments.conftest import Org, set_state

pytestmark = pytest.mark.django_db

org = assessment_fixtures.org
other_org = assessment_fixtures.other_org
assessment = assessment_fixtures.assessment


def _age(assessment: Assessment, **fields: Any) -> None:
    """Moves the assessment's clocks back (``updated_at`` is bookkeeping; ``submitted_at`` is saved)."""
    audited = {k: v for k, v in fields.items() if k != "updated_at"}
    if audited:
        fresh = Assessment.objects.get(pk=assessment.pk)
        for name, value in audited.items():
            setattr(fresh, name, value)
        fresh.save(update_fields=list(audited))
    if "updated_at" in fields:
        Assessment.objects.filter(pk=assessment.pk).update(updated_at=fields["updated_at"])


def _run() -> str:
    out = io.StringIO()
    with TestCase.captureOnCommitCallbacks(execute=True):  # the command's transactions commit
        call_command("send_reminders", stdout=out)
    return out.getvalue()


def _send() -> Outcome:
    with TestCase.captureOnCommitCallbacks(execute=True):
        return reminders_send()


def test_a_draft_untouched_for_two_weeks_reminds_its_managers_once(org: Org, assessment: Assessment) -> None:
    _age(assessment, updated_at=timezone.now() - timedelta(days=13))
    assert "sent 0 reminders" in _run()
    _age(assessment, updated_at=timezone.now() - timedelta(days=15))
    assert "sent 1 reminders" in _run()
    assert [m.to for m in mail.outbox] == [[org.manager.email]]
    assert assessment.title in mail.outbox[0].subject
    assert "15 days" in str(mail.outbox[0].body)
    assert "sent 0 reminders; 1 already sent before" in _run()
    assert len(mail.outbox) == 1
    # Touched again and left again: a new occasion.
    _age(assessment, updated_at=timezone.now() - timedelta(days=20))
    assert "sent 1 reminders" in _run()
    assert len(mail.outbox) == 2


def test_a_submission_waiting_five_days_reminds_the_consultant(
    org: Org, other_org: Org, assessment: Assessment
) -> None:
    set_state(assessment, "submitted")
    _age(assessment, submitted_at=timezone.now() - timedelta(days=4))
    assert _send().sent == []
    _age(assessment, submitted_at=timezone.now() - timedelta(days=6))
    outcome = _send()
    assert [(r.kind, r.recipients) for r in outcome.sent] == [("review_waiting", (org.consultant.email,))]
    assert [m.to for m in mail.outbox] == [[org.consultant.email]]  # not the other organisation's
    assert _send().sent == []
    assert ReminderSent.objects.count() == 1


def test_dry_run_sends_and_records_nothing(org: Org, assessment: Assessment) -> None:
    _age(assessment, updated_at=timezone.now() - timedelta(days=30))
    out = io.StringIO()
    call_command("send_reminders", "--dry-run", stdout=out)
    assert "would send 1 reminders" in out.getvalue()
    assert mail.outbox == []
    assert ReminderSent.objects.count() == 0


def test_approved_and_fresh_assessments_are_left_alone(org: Org, assessment: Assessment) -> None:
    set_state(assessment, "approved")
    _age(assessment, updated_at=timezone.now() - timedelta(days=90))
    assert _send().sent == []


def test_an_overdue_action_reminds_its_owner_once_per_due_date(org: Org, assessment: Assessment) -> None:
    from dataclasses import replace

    from improvement.access import action_plan_get_for_user
    from improvement.services import ActionInput, action_create, action_update

    access = action_plan_get_for_user(user=org.manager, pk=assessment.pk)
    today = timezone.localdate()
    data = ActionInput(title="Write the strategy", criteria="SP1-1-01", owner=org.contributor)
    action = action_create(access=access, user=org.manager, data=data)
    # Done though late, and open but not yet due: nothing to remind.
    for due, status in [(today - timedelta(days=2), "done"), (today + timedelta(days=2), "open")]:
        action = action_update(
            access=access, action=action, user=org.manager, data=replace(data, due_date=due, status=status)
        )
        assert "sent 0 reminders" in _run()
    action_update(
        access=access, action=action, user=org.manager, data=replace(data, due_date=today - timedelta(days=1))
    )
    assert "sent 1 reminders" in _run()
    assert [m.to for m in mail.outbox] == [[org.contributor.email]]
    assert "Write the strategy" in mail.outbox[0].subject
    assert "sent 0 reminders; 1 already sent before" in _run()

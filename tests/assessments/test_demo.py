"""``load_demo``: the accounts and assessments the README promises, and a second run changes nothing."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.http import HttpRequest
from django.test import Client
from django_tasks_db.models import DBTaskResult

from assessments.demo import DEMO_ORGANISATION, DEMO_PASSWORD, OTHER_ORGANISATION
from assessments.models import Answer, Assessment, AssessmentState, ConsultantAssignment, Membership
from capability_model.models import CapabilityModel

pytestmark = pytest.mark.django_db


def _state() -> list[tuple[object, ...]]:
    return [
        *sorted(Assessment.objects.values_list("title", "state")),
        (Answer.objects.exclude(rating="").count(),),
        (Membership.objects.count(),),
        (ConsultantAssignment.objects.count(),),
    ]


def test_demo_is_complete_and_idempotent(shipped_model: CapabilityModel, client: Client) -> None:
    call_command("load_demo", stdout=io.StringIO())
    first = _state()
    call_command("load_demo", stdout=io.StringIO())
    assert _state() == first

    demo = Assessment.objects.filter(organisation__name=DEMO_ORGANISATION)
    assert set(demo.values_list("state", flat=True)) == {
        AssessmentState.DRAFT,
        AssessmentState.SUBMITTED,
        AssessmentState.IN_REVIEW,
        AssessmentState.APPROVED,
    }
    in_review = demo.get(state=AssessmentState.IN_REVIEW)
    differing = [a for a in in_review.answers.exclude(verified_rating="") if a.verified_rating != a.rating]
    assert differing, "the demo shows verified ratings that differ from the self ratings"
    approved = demo.get(state=AssessmentState.APPROVED)
    assert not approved.answers.exclude(rating="").filter(verified_rating="").exists()
    draft = demo.get(state=AssessmentState.DRAFT)
    answered = draft.answers.exclude(rating="").count()
    assert 0.4 < answered / draft.answers.count() < 0.6  # half answered
    submitted = demo.get(state=AssessmentState.SUBMITTED)
    assert not submitted.answers.filter(criterion__level__lte=submitted.target_level, rating="").exists()

    for username in ("demo-manager", "demo-contributor", "demo-viewer", "other-manager", "demo-consultant"):
        # django-axes needs the request it throttles by.
        assert client.login(request=HttpRequest(), username=username, password=DEMO_PASSWORD), username
    assert ConsultantAssignment.objects.filter(
        consultant__username="demo-consultant", organisation__name=DEMO_ORGANISATION
    ).exists()
    assert not ConsultantAssignment.objects.filter(
        consultant__username="demo-consultant", organisation__name=OTHER_ORGANISATION
    ).exists()
    assert Membership.objects.get(user__username="other-manager").organisation.name == OTHER_ORGANISATION


def test_demo_set_up_is_quiet_and_titles_carry_no_state(
    shipped_model: CapabilityModel, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert len(out.getvalue().strip().splitlines()) == 1
    assert "Subject:" not in capsys.readouterr().out  # no raw emails from the demo's submissions
    for title in Assessment.objects.values_list("title", flat=True):
        assert not any(word in title.lower() for word in ("approved", "review", "progress", "draft"))


def test_demo_set_up_leaves_no_email_or_render_in_the_queue_for_the_worker_to_print(
    shipped_model: CapabilityModel, settings: Any
) -> None:
    # `make run`: the database queue, then a worker with the console mail backend. Nothing of the demo
    # may wait there (its emails would be printed in full, its approvals would queue 38 PDF renders).
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "reports", "emails"]}
    }
    settings.REPORTS_PREPARE_ON_APPROVAL = True
    call_command("load_demo", stdout=io.StringIO())
    assert Assessment.objects.filter(state=AssessmentState.APPROVED).count() > 1
    assert list(DBTaskResult.objects.values_list("task_path", flat=True)) == []

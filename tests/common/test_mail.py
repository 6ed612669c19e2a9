"""Email through the queue: sent after commit, retried when the server fails, never an error page."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction
from django.test import Client
from django.urls import reverse

from assessments import services
from assessments.access import assessment_get_for_user
from assessments.models import Assessment
from common.mail import mail_after_commit
from tests.assessments import conftest as assessment_fixtures
from tests.assessments.conftest import Org, set_state

pytestmark = pytest.mark.django_db

org = assessment_fixtures.org
assessment = assessment_fixtures.assessment


class FlakyBackend(EmailBackend):
    """Refuses the first ``failures`` messages (a mail server down for a while), then delivers."""

    failures: ClassVar[int] = 0
    attempts: ClassVar[int] = 0

    def send_messages(self, messages: Any) -> int:
        type(self).attempts += 1
        if type(self).attempts <= type(self).failures:
            raise ConnectionRefusedError("mail server down")
        return super().send_messages(messages)


def _send(**kwargs: Any) -> None:
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        mail_after_commit(**kwargs)


@pytest.fixture
def flaky(settings: Any) -> type[FlakyBackend]:
    settings.EMAIL_BACKEND = f"{__name__}.FlakyBackend"
    FlakyBackend.failures = 0
    FlakyBackend.attempts = 0
    return FlakyBackend


def test_a_message_is_retried_until_it_is_sent(flaky: type[FlakyBackend], settings: Any) -> None:
    settings.EMAIL_SEND_ATTEMPTS = 5
    flaky.failures = 2
    _send(subject="Hello", body="Body", recipients=["a@example.com"])
    assert flaky.attempts == 3
    assert [m.to for m in mail.outbox] == [["a@example.com"]]


def test_retries_stop_after_the_last_attempt(flaky: type[FlakyBackend], settings: Any) -> None:
    settings.EMAIL_SEND_ATTEMPTS = 3
    flaky.failures = 99
    _send(subject="Hello", body="Body", recipients=["a@example.com"])  # raises nothing
    assert flaky.attempts == 3
    assert mail.outbox == []


def test_nothing_is_sent_for_a_rolled_back_change(django_capture_on_commit_callbacks: Any) -> None:
    def change_then_fail() -> None:
        with transaction.atomic():
            mail_after_commit(subject="Hello", body="Body", recipients=["a@example.com"])
            raise RuntimeError

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        change_then_fail()
    assert mail.outbox == []


def test_a_line_break_in_a_subject_is_a_space() -> None:
    _send(subject="Line one\nline two\u202e", body="Body", recipients=["a@example.com"])
    assert mail.outbox[0].subject == "Line one line two"


def test_a_broken_mail_server_never_turns_a_decision_into_an_error_page(
    client: Client,
    org: Org,
    assessment: Assessment,
    flaky: type[FlakyBackend],
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.EMAIL_SEND_ATTEMPTS = 2
    flaky.failures = 99
    assessment.title = "Title with\na line break"
    assessment.save()
    set_state(assessment, "submitted")
    services.assessment_start_review(
        access=assessment_get_for_user(user=org.consultant, pk=assessment.pk), user=org.consultant
    )
    client.force_login(org.consultant)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("assessments:decide", args=[assessment.pk]), {"decision": "return", "note": "rework"}
        )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.state == "returned"
    assert flaky.attempts == 2  # tried, retried, given up — and logged, not raised

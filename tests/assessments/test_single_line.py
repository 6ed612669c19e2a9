"""Titles and names are single lines without control characters, and mail never turns a committed decision
into an error page (issue 23 item 4)."""

from __future__ import annotations

import smtplib
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from assessments import services
from assessments.models import Assessment, AssessmentState, Organisation
from capability_model.models import CapabilityModel
from common.validators import to_single_line, validate_single_line
from tests.assessments.conftest import Org, make_org, set_state
from tests.factories import StaffFactory

HOSTILE = [
    "FY26\nBcc: everyone@example.com",
    "FY26\r\nX",
    "FY\t26",
    "invoice\u202egnp.exe",  # right-to-left override
    "FY\u206626\u2069",  # isolates
    "FY\u200e26",  # left-to-right mark
    "FY26\u2028next",  # line separator
    "\ufeffFY26",  # byte order mark
    "FY\x0726",
    "FY\x8526",  # C1 next line
]
FINE = ["FY26", "客服能力评估 2026", "Ünïcode — “quoted” (v2)", "👩\u200d💻 team", "می\u200cخواهم"]


@pytest.mark.parametrize("text", HOSTILE)
def test_the_validator_refuses_control_and_direction_characters(text: str) -> None:
    with pytest.raises(ValidationError) as refused:
        validate_single_line(text)
    assert refused.value.code == "control_character"


@pytest.mark.parametrize("text", FINE)
def test_the_validator_accepts_ordinary_text_of_any_script(text: str) -> None:
    validate_single_line(text)


@pytest.mark.parametrize("text", HOSTILE + FINE)
def test_the_mail_header_rule_is_the_validator_rule(text: str) -> None:
    # One definition serves both: what mail writes into a subject always passes the field validator,
    # and text the validator accepts keeps its words (joiners included).
    header = to_single_line(text)
    validate_single_line(header)
    if text in FINE:
        assert header == " ".join(text.split())


@pytest.mark.django_db
class TestEveryWayIn:
    @pytest.mark.parametrize("title", HOSTILE)
    def test_the_start_form_refuses_it(self, client: Client, org: Org, title: str) -> None:
        client.force_login(org.manager)
        model = CapabilityModel.objects.get(state="published")
        response = client.post(
            reverse("assessments:start", args=[org.organisation.pk]),
            {"capability_model": model.pk, "title": title, "target_level": 2},
        )
        assert response.status_code == 400
        assert "single line without control characters" in response.content.decode()
        assert not Assessment.objects.filter(organisation=org.organisation).exists()

    def test_the_service_refuses_it(self, org: Org) -> None:
        with pytest.raises(ValidationError):
            services.assessment_start(
                organisation=org.organisation,
                user=org.manager,
                capability_model=CapabilityModel.objects.get(state="published"),
                title="FY26\u202e",
                target_level=2,
                allow_retired=True,
            )

    def test_the_admin_refuses_it_for_an_organisation_name(self, client: Client, org: Org) -> None:
        client.force_login(StaffFactory.create())
        url = reverse("admin:assessments_organisation_change", args=[org.organisation.pk])
        response = client.post(
            url,
            {
                "name": "Alpha\u202eertneC",
                "industry": "other",
                "size": "small",
                **{f"memberships-{k}": v for k, v in _empty_inline().items()},
                **{f"consultant_assignments-{k}": v for k, v in _empty_inline().items()},
            },
        )
        assert response.status_code == 200
        assert "single line without control characters" in response.content.decode()
        assert Organisation.objects.get(pk=org.organisation.pk).name == "Alpha Contact Centre"

    def test_the_admin_refuses_it_in_a_persons_name(self, client: Client, org: Org) -> None:
        client.force_login(StaffFactory.create(is_superuser=True))
        user = org.viewer
        url = reverse("admin:auth_user_change", args=[user.pk])
        data = {
            "username": user.username,
            "first_name": "Ann\u202eeoD",
            "last_name": "Lee\nBcc: x@example.com",
            "email": user.email,
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
            "initial-date_joined_0": "2026-01-01",
            "initial-date_joined_1": "00:00:00",
        }
        response = client.post(url, data)
        assert response.status_code == 200
        assert response.content.decode().count("single line without control characters") == 2
        user.refresh_from_db()
        assert "\u202e" not in user.first_name
        assert "\n" not in user.last_name

    def test_the_admin_refuses_it_for_an_assessment_title(
        self, client: Client, assessment: Assessment
    ) -> None:
        client.force_login(StaffFactory.create())
        url = reverse("admin:assessments_assessment_change", args=[assessment.pk])
        response = client.post(
            url,
            {
                "title": "FY26\nSubject: hi",
                "scope": "",
                **{f"answers-{k}": v for k, v in _empty_inline().items()},
            },
        )
        assert response.status_code == 200
        assert "single line without control characters" in response.content.decode()
        assert Assessment.objects.get(pk=assessment.pk).title == "FY26"


def _empty_inline() -> dict[str, str]:
    return {"TOTAL_FORMS": "0", "INITIAL_FORMS": "0", "MIN_NUM_FORMS": "0", "MAX_NUM_FORMS": "1000"}


# Real transactions, so that the mail is sent after the commit inside the request, as in production.
@pytest.mark.django_db(transaction=True)
class TestMailNeverUndoesADecision:
    @pytest.fixture
    def in_review(self, shipped_model: CapabilityModel) -> tuple[Org, Assessment]:
        org = make_org("Mail Centre")
        assessment = services.assessment_start(
            organisation=org.organisation,
            user=org.manager,
            capability_model=shipped_model,
            title="FY26",
            target_level=1,
            allow_retired=True,
        )
        # A title saved before titles refused line breaks (no data migration cleans old rows).
        set_state(assessment, AssessmentState.IN_REVIEW)
        assessment.title = "FY26\nreview"
        assessment.reviewer = org.consultant
        assessment.save()
        return org, assessment

    def _approve(self, client: Client, org: Org, assessment: Assessment) -> Any:
        client.force_login(org.consultant)
        return client.post(
            reverse("assessments:decide", args=[assessment.pk]),
            {"decision": "approve", "note": "Verified.", "confirm": "on"},
        )

    def test_an_old_title_with_a_line_break_still_sends_on_one_line(
        self, client: Client, in_review: tuple[Org, Assessment]
    ) -> None:
        org, assessment = in_review
        response = self._approve(client, org, assessment)
        assert response.status_code == 302
        assert Assessment.objects.get(pk=assessment.pk).state == AssessmentState.APPROVED
        assert [m.to for m in mail.outbox] == [[org.manager.email]]
        assert mail.outbox[0].subject == "[Maturity Portal] FY26 review: Approved"

    def test_a_failing_mail_server_leaves_the_decision_made_and_says_so_in_the_log(
        self, client: Client, in_review: tuple[Org, Assessment], caplog: pytest.LogCaptureFixture
    ) -> None:
        org, assessment = in_review
        with mock.patch("common.mail.EmailMessage.send", side_effect=smtplib.SMTPException("server down")):
            response = self._approve(client, org, assessment)
        assert response.status_code == 302
        assert Assessment.objects.get(pk=assessment.pk).state == AssessmentState.APPROVED
        failures = [r for r in caplog.records if r.name == "common.mail"]
        assert failures
        assert org.manager.email in failures[0].getMessage()

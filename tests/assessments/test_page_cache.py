"""Whole pages shared between sessions (the questionnaire, the dashboard): each session gets its own CSRF
token, and every write that changes what a page shows raises the assessment's revision, so the next visit
renders afresh."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

import pytest
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from assessments import services
from assessments.access import AssessmentAccess, assessment_get_for_user
from assessments.models import Assessment, Evidence
from maturity_portal.shared_html import _csrf_placeholder
from tests.assessments.conftest import Org, record, set_state

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _questionnaire(client: Client, assessment: Assessment) -> str:
    response = client.get(
        reverse("assessments:questionnaire", args=[assessment.pk, "SP"]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    return str(response.content.decode())


def test_each_session_gets_its_own_csrf_token_in_the_shared_page(org: Org, assessment: Assessment) -> None:
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(org.manager)
    second.force_login(org.contributor)
    _questionnaire(first, assessment)  # renders and caches the page
    assert len(caches["pages"]._cache) == 1  # type: ignore[attr-defined]
    page = _questionnaire(second, assessment)  # served from the cache
    assert _csrf_placeholder() not in page
    tokens = set(TOKEN.findall(page))
    assert len(TOKEN.findall(page)) > 20  # the answers form, the evidence forms, log out
    # The token the page holds is the second session's: an upload with it passes the CSRF check.
    upload = second.post(
        reverse("assessments:evidence_upload", args=[assessment.pk, "SP1-1-01"]),
        {"csrfmiddlewaretoken": tokens.pop(), "file": SimpleUploadedFile("plan.txt", b"the plan")},
    )
    assert upload.status_code == 302
    assert Evidence.objects.filter(answer__assessment=assessment, original_name="plan.txt").exists()
    refused = second.post(
        reverse("assessments:evidence_upload", args=[assessment.pk, "SP1-1-01"]),
        {"csrfmiddlewaretoken": "x" * 64, "file": SimpleUploadedFile("other.txt", b"x")},
    )
    assert refused.status_code == 403


def test_the_placeholder_cannot_be_typed_into_a_page(org: Org, assessment: Assessment) -> None:
    """It is derived from SECRET_KEY: a comment holding the word "csrf" stays as typed."""
    record(assessment, org.manager, "SP1-1-01", "F", comment="csrf-0000 {% csrf_token %}")
    client = Client()
    client.force_login(org.manager)
    page = _questionnaire(client, assessment)
    assert "csrf-0000 {% csrf_token %}" in page


def _access(org: Org, assessment: Assessment, who: str = "manager") -> AssessmentAccess:
    return assessment_get_for_user(user=getattr(org, who), pk=assessment.pk)


def _revision(assessment: Assessment) -> tuple[int, datetime]:
    assessment.refresh_from_db()
    return assessment.revision, assessment.updated_at


def _attach(org: Org, assessment: Assessment) -> None:
    services.evidence_attach(
        access=_access(org, assessment),
        criterion_code="SP1-1-01",
        upload=SimpleUploadedFile("plan.txt", b"plan"),
        user=org.manager,
    )


def _delete(org: Org, assessment: Assessment) -> None:
    _attach(org, assessment)
    evidence = Evidence.objects.get(answer__assessment=assessment)
    services.evidence_delete(access=_access(org, assessment), evidence=evidence, user=org.manager)


def _review(org: Org, assessment: Assessment) -> None:
    set_state(assessment, "in_review")
    services.review_record(
        access=_access(org, assessment, "consultant"),
        criterion_code="SP1-1-01",
        data=services.ReviewInput(verified_rating="P", review_comment="one site"),
        user=org.consultant,
    )


def _approve(org: Org, assessment: Assessment) -> None:
    record(assessment, org.manager, "SP1-1-01", "F")
    set_state(assessment, "in_review")
    services.assessment_approve(access=_access(org, assessment, "consultant"), user=org.consultant, note="")


WRITES: dict[str, Callable[[Org, Assessment], object]] = {
    "answer": lambda org, a: record(a, org.manager, "SP1-1-01", "L"),
    "evidence attached": _attach,
    "evidence removed": _delete,
    "review": _review,
    "approval": _approve,
}


@pytest.mark.parametrize("write", WRITES)
def test_every_write_raises_the_revision(org: Org, assessment: Assessment, write: str) -> None:
    before = _revision(assessment)
    WRITES[write](org, assessment)
    after = _revision(assessment)
    assert after[0] > before[0]
    assert after[1] > before[1]  # the dashboard's "Updated" column shows the last change


def test_a_save_that_changes_nothing_keeps_the_revision(org: Org, assessment: Assessment) -> None:
    record(assessment, org.manager, "SP1-1-01", "F", comment="same")
    before = _revision(assessment)
    record(assessment, org.manager, "SP1-1-01", "F", comment="same")  # a retried autosave
    assert _revision(assessment) == before


def test_the_shared_page_loses_its_indentation_but_no_typed_whitespace(
    org: Org, assessment: Assessment
) -> None:
    typed = "  first line\n\n      indented by the user\n"
    record(assessment, org.contributor, "SP1-1-01", "L", comment=typed)
    client = Client()
    client.force_login(org.manager)
    page = _questionnaire(client, assessment)
    assert f">{typed}</textarea>" in page
    outside = re.sub(r"<textarea\b.*?</textarea>", "", page, flags=re.DOTALL)
    start = outside.index('id="questionnaire-form"')
    body = outside[start : outside.index("</form>", start)]  # the shared body's form; the shell is not shared
    assert not re.search(r"\n[ \t]+\S", body)  # no indented line left in the shared body


def test_the_questionnaire_follows_a_change_made_elsewhere(org: Org, assessment: Assessment) -> None:
    client = Client()
    client.force_login(org.viewer)
    assert "Read-only" in _questionnaire(client, assessment)
    record(assessment, org.contributor, "SP1-1-01", "F", comment="minutes of the QA board")
    assert "minutes of the QA board" in _questionnaire(client, assessment)
    assessment.refresh_from_db()
    assessment.title = "FY26 (renamed)"
    assessment.save()  # the admin's way: no service, but updated_at moves
    assert "FY26 (renamed)" in _questionnaire(client, assessment)


def test_the_dashboard_follows_answers_titles_and_names(org: Org, assessment: Assessment) -> None:
    client = Client()
    client.force_login(org.manager)

    def dashboard() -> str:
        response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        return str(response.content.decode())

    assert "0/" in dashboard()
    record(assessment, org.manager, "SP1-1-01", "F")
    assert ">1/" in dashboard()
    org.organisation.name = "Alpha Contact Centre (Shenzhen)"
    org.organisation.save()
    assert "Alpha Contact Centre (Shenzhen)" in dashboard()
    services.assessment_start(
        organisation=org.organisation,
        user=org.manager,
        capability_model=assessment.capability_model,
        title="FY27",
        target_level=3,
    )
    assert "FY27" in dashboard()
    assert _csrf_placeholder() not in dashboard()

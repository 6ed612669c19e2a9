"""Criterion rows come from the cache until something they show changes: an answer, a review, a file, the
reader's language or whether the reader may edit."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from assessments import services
from assessments.access import assessment_get_for_user
from assessments.models import Assessment
from assessments.selectors import DashboardRow, dashboard_for_user
from tests.assessments.conftest import Org, record, set_state

pytestmark = pytest.mark.django_db


def _row(client: Client, assessment: Assessment, code: str = "SP1-1-01", language: str = "en") -> str:
    url = reverse("assessments:questionnaire", args=[assessment.pk, "SP"]) + f"?open={code}"
    body = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert body.status_code == 200
    html = body.content.decode()
    start = html.index(f'id="criterion-{code}"')
    return html[start : html.index("</article>", start)]


def test_a_saved_answer_shows_at_once(client: Client, org: Org, assessment: Assessment) -> None:
    client.force_login(org.manager)
    assert "QA minutes 2026" not in _row(client, assessment)  # the row is now cached
    record(assessment, org.contributor, "SP1-1-01", "F", comment="QA minutes 2026")
    row = _row(client, assessment)
    assert "QA minutes 2026" in row
    assert f"Last changed by {org.contributor.username}" in row


def test_a_review_and_an_evidence_file_show_at_once(client: Client, org: Org, assessment: Assessment) -> None:
    client.force_login(org.manager)
    record(assessment, org.manager, "SP1-1-01", "F")
    _row(client, assessment)
    access = assessment_get_for_user(user=org.manager, pk=assessment.pk)
    services.evidence_attach(
        access=access,
        criterion_code="SP1-1-01",
        upload=SimpleUploadedFile("plan.txt", b"strategy"),
        user=org.manager,
    )
    assert "plan.txt" in _row(client, assessment)
    set_state(assessment, "in_review")
    consultant = assessment_get_for_user(user=org.consultant, pk=assessment.pk)
    services.review_record(
        access=consultant,
        criterion_code="SP1-1-01",
        data=services.ReviewInput(verified_rating="P", review_comment="Only one site covered."),
        user=org.consultant,
    )
    row = _row(client, assessment)
    assert "disabled" in row  # in review: the organisation can no longer edit
    assert "Only one site covered." not in row  # the verified ratings are the consultant's until decided
    client.force_login(org.consultant)
    assert "Only one site covered." in _row(client, assessment)


def test_the_readers_language_and_rights_are_part_of_the_row(
    client: Client, org: Org, assessment: Assessment
) -> None:
    client.force_login(org.manager)
    english = _row(client, assessment)
    assert "Flag for follow-up" in english
    assert not re.search(r"<fieldset[^>]*\sdisabled", english)
    chinese = _row(client, assessment, language="zh-hans")
    assert "Flag for follow-up" not in chinese
    client.force_login(org.viewer)
    assert re.search(r"<fieldset[^>]*\sdisabled", _row(client, assessment))


def test_a_failed_save_shows_what_was_posted_not_the_cached_row(
    client: Client, org: Org, assessment: Assessment
) -> None:
    client.force_login(org.manager)
    _row(client, assessment)
    response = client.post(
        reverse("assessments:questionnaire", args=[assessment.pk, "SP"]),
        {
            "criteria": ["SP1-1-01"],
            "SP1-1-01-rating": "NA",
            "SP1-1-01-justification": "",
            "SP1-1-01-comment": "typed but not saved",
            "SP1-1-01-revision": "0",
        },
    )
    assert response.status_code in (200, 400)
    assert "typed but not saved" in response.content.decode()


def test_dashboard_levels_follow_every_answer_and_review(org: Org, assessment: Assessment) -> None:
    def row() -> DashboardRow:
        sections = dashboard_for_user(user=org.manager).organisations.object_list
        return next(r for section in sections for r in section.rows if r.assessment.pk == assessment.pk)

    assert (row().progress.answered, row().score.level) == (0, 0)  # scored, then served from the cache
    for answer in assessment.answers.select_related("criterion").filter(criterion__level__lte=2):
        record(assessment, org.manager, answer.criterion.code, "F")
    assert row().progress.complete
    assert row().score.level == 2
    set_state(assessment, "in_review")
    consultant = assessment_get_for_user(user=org.consultant, pk=assessment.pk)
    services.review_record(
        access=consultant,
        criterion_code="SP1-1-01",
        data=services.ReviewInput(verified_rating="N", review_comment=""),
        user=org.consultant,
    )
    assert row().score.level == 2  # in review, the organisation sees its own ratings
    services.assessment_return(access=consultant, reason="Evidence missing for SP1-1-01", user=org.consultant)
    assert row().score.level == 0  # decided: the verified result is the official one now

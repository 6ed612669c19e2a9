"""The admin cannot bypass the workflow (issue 23 item 6): state and organisation are read-only there, and
assessments are not added there."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from assessments.models import Assessment, AssessmentState
from tests.assessments.conftest import Org
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client: Client) -> Client:
    client.force_login(StaffFactory.create(is_superuser=True))
    return client


def _change(admin_client: Client, assessment: Assessment, **fields: object) -> Any:
    data = {
        "title": assessment.title,
        "scope": assessment.scope,
        # The inline's management form, as the change page sends it.
        "answers-TOTAL_FORMS": "0",
        "answers-INITIAL_FORMS": "0",
        "answers-MIN_NUM_FORMS": "0",
        "answers-MAX_NUM_FORMS": "1000",
        **fields,
    }
    return admin_client.post(reverse("admin:assessments_assessment_change", args=[assessment.pk]), data)


def test_the_admin_cannot_approve_a_draft_or_move_it_to_another_organisation(
    admin_client: Client, assessment: Assessment, other_org: Org
) -> None:
    response = _change(
        admin_client,
        assessment,
        title="FY26 (corrected)",
        state=AssessmentState.APPROVED,
        organisation=other_org.organisation.pk,
        target_level=5,
        reviewer=other_org.consultant.pk,
    )
    assert response.status_code == 302  # saved: only what may be edited
    assessment.refresh_from_db()
    assert assessment.title == "FY26 (corrected)"
    assert assessment.state == AssessmentState.DRAFT
    assert assessment.organisation != other_org.organisation
    assert assessment.target_level == 2
    assert assessment.reviewer is None


def test_the_change_page_shows_state_and_organisation_without_inputs(
    admin_client: Client, assessment: Assessment
) -> None:
    page = admin_client.get(reverse("admin:assessments_assessment_change", args=[assessment.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="title"' in html
    for field in ("state", "organisation", "capability_model", "target_level", "reviewer"):
        assert f'name="{field}"' not in html, field


def test_assessments_are_not_added_in_the_admin(
    admin_client: Client, org: Org, shipped_model: object
) -> None:
    url = reverse("admin:assessments_assessment_add")
    assert admin_client.get(url).status_code == 403
    response = admin_client.post(
        url,
        {
            "title": "Sneaked in",
            "organisation": org.organisation.pk,
            "capability_model": shipped_model.pk,  # type: ignore[attr-defined]
            "target_level": 2,
            "state": AssessmentState.APPROVED,
        },
    )
    assert response.status_code == 403
    assert not Assessment.objects.filter(title="Sneaked in").exists()

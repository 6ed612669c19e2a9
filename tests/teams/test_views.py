"""The team pages through their URLs: what each role sees and may post, conflicts as 409, and the team
parts of the assessments' and reports' pages."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from assessments.models import Assessment
from teams.access import team_get_for_user
from teams.models import Assignment, Response
from teams.services import PanelInput, panel_open
from tests.assessments.conftest import Org, set_state

from .conftest import respond

pytestmark = pytest.mark.django_db


@pytest.fixture
def panel(org: Org, assessment: Assessment) -> None:
    team = team_get_for_user(user=org.manager, pk=assessment.pk)
    panel_open(
        team=team, data=PanelInput("SP1", [org.manager, org.contributor], blind=False), user=org.manager
    )
    respond(assessment, org.manager, "SP1-1-01", "F", comment="all documented")
    respond(assessment, org.contributor, "SP1-1-01", "P", comment="not on the floor")


def test_manager_assigns_through_the_page(client: Client, org: Org, assessment: Assessment) -> None:
    client.force_login(org.manager)
    page = client.get(reverse("teams:team", args=[assessment.pk]))
    assert page.status_code == 200
    assert b'id="assignment-form"' in page.content
    response = client.post(
        reverse("teams:assignment_set", args=[assessment.pk]),
        {"assign-part": "MI", "assign-assignee": org.contributor.pk, "assign-due_date": "2030-01-31"},
    )
    assert response.status_code == 302
    assert Assignment.objects.get().assignee == org.contributor
    detail = client.get(reverse("assessments:detail", args=[assessment.pk])).content.decode()
    assert 'id="team-card"' in detail
    assert "2030-01-31" in detail


def test_contributor_cannot_assign(client: Client, org: Org, assessment: Assessment) -> None:
    client.force_login(org.contributor)
    page = client.get(reverse("teams:team", args=[assessment.pk]))
    assert b'id="assignment-form"' not in page.content
    response = client.post(
        reverse("teams:assignment_set", args=[assessment.pk]),
        {"assign-part": "MI", "assign-assignee": org.contributor.pk},
    )
    assert response.status_code == 400
    assert not Assignment.objects.exists()


def test_assigned_to_me_on_the_dashboard(client: Client, org: Org, assessment: Assessment) -> None:
    client.force_login(org.manager)
    client.post(
        reverse("teams:assignment_set", args=[assessment.pk]),
        {"assign-part": "SP1", "assign-assignee": org.contributor.pk, "assign-due_date": "2020-01-01"},
    )
    client.force_login(org.contributor)
    body = client.get(reverse("home")).content.decode()
    assert 'id="assigned-to-me"' in body
    assert "SP1" in body
    assert "overdue since" in body
    client.force_login(org.viewer)
    assert 'id="assigned-to-me"' not in client.get(reverse("home")).content.decode()
    # The questionnaire says who holds which item of the domain.
    questionnaire = client.get(
        reverse("assessments:questionnaire", args=[assessment.pk, "SP"])
    ).content.decode()
    assert 'id="team-holders"' in questionnaire
    assert f"SP1 → {org.contributor.username}" in questionnaire


@pytest.mark.usefixtures("panel")
def test_respondent_saves_and_a_stale_page_gets_409(client: Client, org: Org, assessment: Assessment) -> None:
    client.force_login(org.contributor)
    url = reverse("teams:item", args=[assessment.pk, "SP1"])
    page = client.get(url).content.decode()
    assert "Respondent 1" in page  # a contributor sees no names
    assert org.manager.username not in page.split("<main", 1)[-1].split("</main>")[0]
    post = {
        "action": "respond",
        "criterion": "SP1-1-01",
        "rating": "L",
        "comment": "",
        "evidence": "",
        "revision": 1,
    }
    assert client.post(url, post).status_code == 302
    stale = client.post(url, {**post, "rating": "N"})
    assert stale.status_code == 409
    assert "changed meanwhile" in stale.content.decode()
    assert Response.objects.get(respondent=org.contributor).rating == "L"
    # Consolidating is not the contributor's (the item is not assigned to them).
    consolidate = {"action": "consolidate", "criterion": "SP1-1-01", "rating": "L", "revision": 0}
    assert client.post(url, consolidate).status_code == 403


@pytest.mark.usefixtures("panel")
def test_manager_consolidates_from_the_median(client: Client, org: Org, assessment: Assessment) -> None:
    client.force_login(org.manager)
    url = reverse("teams:item", args=[assessment.pk, "SP1"])
    page = client.get(url).content.decode()
    assert org.contributor.username in page  # managers see names
    assert 'data-role="disputed"' in page
    consolidation = page.split('id="c-SP1-1-01-rating"', 1)[1].split("</select>", 1)[0]
    # The median of F and P (an even count: the lower middle one) is pre-selected.
    assert re.findall(r'<option value="(\w*)"\s+selected', consolidation) == ["P"]
    revision = assessment.answers.get(criterion__code="SP1-1-01").revision
    post = {"action": "consolidate", "criterion": "SP1-1-01", "rating": "P", "revision": revision}
    assert client.post(url, post).status_code == 302
    assert assessment.answers.get(criterion__code="SP1-1-01").rating == "P"
    assert client.post(url, {**post, "rating": "F"}).status_code == 409


@pytest.mark.usefixtures("panel")
def test_disputed_filter_review_spread_and_report(client: Client, org: Org, assessment: Assessment) -> None:
    client.force_login(org.manager)
    page = client.get(reverse("assessments:questionnaire", args=[assessment.pk, "SP"]), {"show": "disputed"})
    body = page.content.decode()
    assert 'id="filter-disputed"' in body
    assert "Disputed (1)" in body
    assert 'id="criterion-SP1-1-01"' in body
    assert 'id="criterion-SP1-1-02"' not in body
    set_state(assessment, "in_review")
    client.force_login(org.consultant)
    review = client.get(reverse("assessments:review", args=[assessment.pk, "SP"])).content.decode()
    assert 'id="team-spread"' in review
    assert org.contributor.username in review  # the consultant sees who said what
    report = client.get(reverse("reports:report", args=[assessment.pk])).content.decode()
    assert 'id="disputes"' in report


def test_unknown_item_is_404(client: Client, org: Org, assessment: Assessment) -> None:
    client.force_login(org.manager)
    assert client.get(reverse("teams:item", args=[assessment.pk, "ZZ9"])).status_code == 404

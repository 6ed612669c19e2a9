"""The assessment's history page shows team work — parts assigned and removed, panels opened,
respondents' answers — through the registry of history sources (``assessments`` never imports
``teams``), without the ratings of a blind panel."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from assessments.models import Assessment
from assessments.selectors import assessment_history, history_people
from teams import services
from teams.access import team_get_for_user
from tests.assessments.conftest import Org

from .conftest import respond
from .test_services import assign, open_panel

pytestmark = pytest.mark.django_db


def test_assignments_and_responses_are_in_the_history(
    client: Client, org: Org, assessment: Assessment
) -> None:
    assignment = assign(assessment, org.manager, "SP1", org.contributor, date(2030, 6, 30))
    services.assignment_remove(
        team=team_get_for_user(user=org.manager, pk=assessment.pk), assignment=assignment, user=org.manager
    )
    open_panel(assessment, org.manager, "CB", [org.contributor, org.manager], blind=True)
    respond(assessment, org.contributor, "CB1-1-01", "F", comment="secret until others answer")

    entries = assessment_history(assessment=assessment)
    team = [(e.what, e.subject, e.action, e.who) for e in entries if e.what in {"assignment", "response"}]
    assert ("assignment", "SP1", "+", org.manager.username) in team
    assert ("assignment", "SP1", "-", org.manager.username) in team
    assert ("response", "CB1-1-01", "+", org.contributor.username) in team
    opened = next(e for e in entries if e.what == "panel")
    assert (opened.subject, opened.action, opened.changes) == ("CB", "+", [("blind", "", "Yes")])
    made = next(e for e in entries if e.what == "assignment" and e.action == "+")
    assert ("assigned to", "", org.contributor.username) in made.changes
    # A blind panel's rating and comment are not shown to every member.
    assert all(not e.changes for e in entries if e.what == "response")
    # The criterion and person filters apply to team entries too.
    assert {e.what for e in assessment_history(assessment=assessment, criterion="SP1-1")} == {"assignment"}
    only = assessment_history(assessment=assessment, person=org.contributor.username)
    assert {e.what for e in only} <= {"answer", "response"}
    assert org.contributor.username in history_people(assessment=assessment)

    client.force_login(org.viewer)
    url = reverse("assessments:history", args=[assessment.pk])
    page = client.get(url).content.decode()
    assert "Assignment SP1" in page
    assert "Response CB1-1-01" in page
    assert "Respondent panel CB" in page
    assert "secret until others answer" not in page
    zh = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "分工 SP1" in zh
    assert "个人答复 CB1-1-01" in zh
    assert "多人答题组 CB" in zh

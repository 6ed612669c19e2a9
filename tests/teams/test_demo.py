"""``load_demo_team``: the draft demo assessment has a domain assigned to demo-contributor and an item
answered by two respondents who disagree; a second run changes nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from assessments.demo import DRAFT_TITLE, load_demo
from assessments.models import Assessment
from capability_model.models import CapabilityModel
from teams import selectors
from teams.models import Assignment, Panel, Response

pytestmark = pytest.mark.django_db


def test_demo_team_work(shipped_model: CapabilityModel) -> None:
    load_demo()
    call_command("load_demo_team", stdout=io.StringIO())
    draft = Assessment.objects.get(title=DRAFT_TITLE)
    assignment = Assignment.objects.get(assessment=draft)
    assert (assignment.part_code, assignment.assignee.username) == ("MI", "demo-contributor")
    assert assignment.due_date is not None
    assert Panel.objects.get(assessment=draft).item.code == "SP1"  # type: ignore[union-attr]
    assert len(selectors.disputed_codes(assessment=draft)) == 1
    call_command("load_demo_team", stdout=io.StringIO())
    assert (Assignment.objects.count(), Panel.objects.count(), Response.objects.count()) == (1, 1, 4)

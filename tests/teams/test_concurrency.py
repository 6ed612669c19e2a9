"""Two windows of one respondent save the same response at the same moment, on separate connections: one
save lands, the other is reported as a conflict; nothing is silently lost (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from capability_model.models import CapabilityModel
from teams.access import team_get_for_user
from teams.models import Response
from teams.services import PanelInput, ResponseInput, panel_open, response_write
from tests.assessments.conftest import make_org
from tests.assessments.test_concurrency import _race

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_first_saves_of_one_response_race(shipped_model: CapabilityModel) -> None:
    from assessments import services

    org = make_org("Race Team Centre")
    assessment = services.assessment_start(
        organisation=org.organisation,
        user=org.manager,
        capability_model=shipped_model,
        title="R",
        target_level=2,
        allow_retired=True,  # version 1 is retired where a test loaded version 2
    )
    team = team_get_for_user(user=org.manager, pk=assessment.pk)
    panel_open(team=team, data=PanelInput("SP1", [org.manager, org.contributor], False), user=org.manager)
    mine = team_get_for_user(user=org.contributor, pk=assessment.pk)

    def save(rating: str) -> object:
        return response_write(
            team=mine, criterion_code="SP1-1-01", data=ResponseInput(rating, "", "", 0), user=org.contributor
        )

    outcomes = _race(first=lambda: save("F"), second=lambda: save("P"))
    assert sorted(outcomes.values()) == ["conflict", "done"]
    stored = Response.objects.get()
    winner = "F" if outcomes["first"] == "done" else "P"
    assert (stored.rating, stored.revision) == (winner, 1)

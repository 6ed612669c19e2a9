"""Team fixtures: the assessments fixtures (an organisation with every role, another organisation)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User

from assessments.models import Assessment
from teams.access import team_get_for_user
from teams.services import ResponseInput, response_write
from tests.assessments.conftest import assessment, org, other_org  # noqa: F401  (fixtures)


def respond(target: Assessment, user: User, code: str, rating: str, **fields: Any) -> Any:
    """Saves the user's own response as the page would, against its current revision."""
    mine = target.team_responses.filter(criterion__code=code, respondent=user).first()
    data = ResponseInput(
        rating=rating,
        comment=fields.get("comment", "because" if rating == "NA" else ""),
        evidence=fields.get("evidence", ""),
        revision=fields.get("revision", mine.revision if mine else 0),
    )
    team = team_get_for_user(user=user, pk=target.pk)
    return response_write(team=team, criterion_code=code, data=data, user=user)[0]

"""Team work travels with its organisation: exported, erased and restored with its assessments —
assignments, panels and their respondents, responses, and the history of each — though ``assessments``
never imports ``teams`` (the registry of archive parts)."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date
from typing import Any

import pytest
from django.apps import apps

from assessments.data_protection import organisation_delete, organisation_export, organisation_restore
from assessments.models import Assessment, Role
from teams.models import Assignment, Panel, Response
from tests.assessments.conftest import Org
from tests.factories import MembershipFactory

from .conftest import respond
from .test_services import assign, open_panel

pytestmark = pytest.mark.django_db


def _history_counts() -> tuple[int, ...]:
    respondents = apps.get_model("teams", "HistoricalPanel_respondents")
    return (
        Assignment.history.count(),
        Panel.history.count(),
        respondents.objects.count(),
        Response.history.count(),
    )


def test_team_work_is_exported_erased_and_restored(
    org: Org, assessment: Assessment, django_capture_on_commit_callbacks: Any
) -> None:
    colleague = MembershipFactory.create(organisation=org.organisation, role=Role.CONTRIBUTOR).user
    assign(assessment, org.manager, "SP1", org.contributor, date(2030, 6, 30))
    removed = assign(assessment, org.manager, "MI", colleague)
    removed.delete()  # a removed assignment lives on in the history only
    open_panel(assessment, org.manager, "CB", [org.contributor, colleague], blind=True)
    respond(assessment, org.contributor, "CB1-1-01", "L", comment="我们的做法")
    respond(assessment, colleague, "CB1-1-01", "P")
    history = _history_counts()
    assert all(history)

    data = organisation_export(organisation=org.organisation)
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(data)).read("manifest.json"))
    assert manifest["counts"]["team_assignments"] == 1
    assert manifest["counts"]["team_panels"] == 1
    assert manifest["counts"]["team_responses"] == 2
    with django_capture_on_commit_callbacks(execute=True):
        organisation_delete(organisation=org.organisation, delete_accounts=False)
    assert not Assignment.objects.exists()
    assert not Response.objects.exists()
    assert _history_counts() == (0, 0, 0, 0)

    organisation_restore(data=data)
    assignment = Assignment.objects.get()
    assert (assignment.part_code, assignment.assignee.username, assignment.due_date) == (
        "SP1", org.contributor.username, date(2030, 6, 30),
    )  # fmt: skip
    panel = Panel.objects.get()
    assert panel.blind
    assert sorted(u.username for u in panel.respondents.all()) == sorted(
        [org.contributor.username, colleague.username]
    )
    assert sorted(
        (r.respondent.username, r.rating, r.comment)
        for r in Response.objects.filter(criterion__code="CB1-1-01")
    ) == sorted([(org.contributor.username, "L", "我们的做法"), (colleague.username, "P", "")])
    # The history comes back as it was: no change recorded by the restore itself.
    assert _history_counts() == history

"""The action plan's XLSX round trip: owners and dates come back, every bad row is named and nothing is
applied while any row is bad, and a row changed in the portal since the export is refused (who, when)."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from assessments.models import Assessment
from improvement import services
from improvement.access import action_plan_get_for_user
from improvement.exports import action_plan_xlsx
from improvement.models import Action
from tests.assessments.conftest import Org

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(org: Org, assessment: Assessment) -> list[Action]:
    access = action_plan_get_for_user(user=org.manager, pk=assessment.pk)
    return [
        services.action_create(
            access=access,
            user=org.manager,
            data=services.ActionInput(title="Write the strategy", criteria="SP1-1-01", owner=org.contributor),
        ),
        services.action_create(
            access=access,
            user=org.manager,
            data=services.ActionInput(title="Measure", criteria="SP1-1-02", owner_name="Ms Outside"),
        ),
    ]


def _edited(
    assessment: Assessment, edit: dict[tuple[int, int], object], add: list[object] | None = None
) -> SimpleUploadedFile:
    workbook = openpyxl.load_workbook(io.BytesIO(action_plan_xlsx(assessment=assessment)))
    sheet = workbook.worksheets[0]
    for (row, column), value in edit.items():
        sheet.cell(row=row, column=column, value=value)
    if add:
        sheet.append(add)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile("plan.xlsx", out.getvalue())


def _post(client: Client, assessment: Assessment, upload: SimpleUploadedFile) -> object:
    return client.post(reverse("improvement:actions_import", args=[assessment.pk]), {"file": upload})


def test_round_trip_applies_owners_dates_and_new_rows(
    client: Client, org: Org, assessment: Assessment, plan: list[Action]
) -> None:
    client.force_login(org.manager)
    upload = _edited(
        assessment,
        {(2, 5): org.viewer.username, (2, 6): "2027-03-31", (2, 7): "Done", (3, 8): "高"},
        add=[
            "Train agents",
            "",
            "SP1-2-01",
            "",
            "Mr External",
            date(2027, 6, 30),
            "进行中",
            "Low",
            "from Excel",
        ],
    )
    response = _post(client, assessment, upload)
    assert response.status_code == 302  # type: ignore[attr-defined]
    first, second = (Action.objects.get(pk=a.pk) for a in plan)
    assert (first.owner, first.due_date, first.status) == (org.viewer, date(2027, 3, 31), "done")
    assert (second.owner_name, second.priority) == ("Ms Outside", "high")
    new = Action.objects.get(title="Train agents")
    assert (new.owner_name, new.due_date, new.status, new.priority) == (
        "Mr External",
        date(2027, 6, 30),
        "in_progress",
        "low",
    )
    assert first.history.first().history_user == org.manager  # through the services, in the history


def test_a_bad_row_is_named_and_nothing_is_applied(
    client: Client, org: Org, assessment: Assessment, plan: list[Action]
) -> None:
    client.force_login(org.manager)
    upload = _edited(
        assessment,
        {(2, 7): "done", (3, 3): "SP1-1-02 XX9-9-99", (3, 6): "next week"},
        add=["", "", "SP1-2-01", "", "", "", "sometime", "", ""],
    )
    response = _post(client, assessment, upload)
    assert response.status_code == 400  # type: ignore[attr-defined]
    page = response.content.decode()  # type: ignore[attr-defined]
    assert "Row 3:" in page
    assert "XX9-9-99" in page
    assert "next week" in page
    assert "Row 4:" in page
    assert "the title is empty" in page
    assert "sometime" in page
    assert "Row 2:" not in page
    assert Action.objects.get(pk=plan[0].pk).status == "open"  # the good row was not applied either
    assert Action.objects.count() == 2


def test_a_row_changed_since_the_export_is_refused_with_who_and_when(
    client: Client, org: Org, assessment: Assessment, plan: list[Action]
) -> None:
    upload = _edited(assessment, {(2, 7): "done"})
    consultant_plan = action_plan_get_for_user(user=org.consultant, pk=assessment.pk)
    services.action_status_set(access=consultant_plan, action=plan[0], user=org.consultant, status="blocked")
    client.force_login(org.manager)
    response = _post(client, assessment, upload)
    assert response.status_code == 409  # type: ignore[attr-defined]
    page = response.content.decode()  # type: ignore[attr-defined]
    assert f"by {org.consultant.username} on" in page
    assert Action.objects.get(pk=plan[0].pk).status == "blocked"


@pytest.mark.parametrize("content", [b"", b"not a workbook", b"PK\x03\x04broken"])
def test_hostile_files_are_400(client: Client, org: Org, assessment: Assessment, content: bytes) -> None:
    client.force_login(org.manager)
    response = _post(client, assessment, SimpleUploadedFile("plan.xlsx", content))
    assert response.status_code == 400  # type: ignore[attr-defined]


def test_another_plans_workbook_is_refused(
    client: Client, org: Org, other_org: Org, assessment: Assessment, plan: list[Action]
) -> None:
    from assessments.services import assessment_start

    other = assessment_start(
        organisation=other_org.organisation,
        user=other_org.manager,
        capability_model=assessment.capability_model,
        title="Theirs",
        target_level=2,
        allow_retired=True,  # the fixtures' version 1
    )
    client.force_login(other_org.manager)
    response = _post(client, other, _edited(assessment, {(2, 7): "done"}))
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "not the action plan of this assessment" in response.content.decode()  # type: ignore[attr-defined]


@pytest.mark.parametrize("who", ["contributor", "viewer"])
def test_only_editors_import(
    client: Client, org: Org, assessment: Assessment, plan: list[Action], who: str
) -> None:
    client.force_login(getattr(org, who))
    url = reverse("improvement:actions_import", args=[assessment.pk])
    assert client.get(url).status_code == 404
    assert _post(client, assessment, _edited(assessment, {(2, 7): "done"})).status_code == 404  # type: ignore[attr-defined]

"""The offline round trip per respondent: export, fill in, import; unedited rows left alone, all or
nothing, conflicts with the portal refused, and another person's or assessment's file refused."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from assessments.models import Assessment
from teams import workbook
from teams.access import team_get_for_user
from teams.models import Response
from teams.services import PanelInput, panel_open
from tests.assessments.conftest import Org

from .conftest import respond

pytestmark = pytest.mark.django_db


@pytest.fixture
def panel(org: Org, assessment: Assessment) -> None:
    team = team_get_for_user(user=org.manager, pk=assessment.pk)
    panel_open(
        team=team, data=PanelInput("SP1", [org.manager, org.contributor], blind=True), user=org.manager
    )


def _export(assessment: Assessment, user: User) -> openpyxl.Workbook:
    data = workbook.respondent_workbook(team=team_get_for_user(user=user, pk=assessment.pk), user=user)
    return openpyxl.load_workbook(io.BytesIO(data))


def _edit(book: openpyxl.Workbook, code: str, **values: str) -> None:
    sheet = book[workbook.SHEET]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == code:
            for key, value in values.items():
                cell = row[workbook.HEADERS.index(key)]
                cell.value = value
                cell.data_type = "s"  # typed as text (a person would type a leading ' in Excel)


def _import(assessment: Assessment, user: User, book: openpyxl.Workbook) -> workbook.ImportOutcome:
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("mine.xlsx", buffer.getvalue())
    return workbook.respondent_import(
        team=team_get_for_user(user=user, pk=assessment.pk), user=user, upload=upload
    )


@pytest.mark.usefixtures("panel")
def test_round_trip_saves_edited_rows_only(org: Org, assessment: Assessment) -> None:
    respond(assessment, org.contributor, "SP1-1-02", "L", comment="kept")
    book = _export(assessment, org.contributor)
    codes = [row[0].value for row in book[workbook.SHEET].iter_rows(min_row=2)]
    assert codes[:2] == ["SP1-1-01", "SP1-1-02"]
    assert len(codes) == 12  # every criterion of SP1, not another item's
    _edit(book, "SP1-1-01", rating="P", comment="=1+1", evidence="minutes 2026-03")
    outcome = _import(assessment, org.contributor, book)
    assert outcome == workbook.ImportOutcome(1, [])
    saved = Response.objects.get(respondent=org.contributor, criterion__code="SP1-1-01")
    assert (saved.rating, saved.comment, saved.evidence) == ("P", "=1+1", "minutes 2026-03")
    assert Response.objects.get(respondent=org.contributor, criterion__code="SP1-1-02").revision == 1
    # The export wrote the formula-like text as text.
    again = _export(assessment, org.contributor)
    cell = next(r for r in again[workbook.SHEET].iter_rows(min_row=2) if r[0].value == "SP1-1-01")[5]
    assert (cell.value, cell.data_type) == ("=1+1", "s")


@pytest.mark.usefixtures("panel")
def test_all_or_nothing_and_conflicts(org: Org, assessment: Assessment) -> None:
    book = _export(assessment, org.contributor)
    _edit(book, "SP1-1-01", rating="F")
    _edit(book, "SP1-1-02", rating="X")
    outcome = _import(assessment, org.contributor, book)
    assert outcome.saved == 0
    assert len(outcome.problems) == 1
    assert "SP1-1-02" in outcome.problems[0]
    assert not Response.objects.exists()
    # Changed in the portal after the export: the edited row is a conflict, and nothing is applied.
    book = _export(assessment, org.contributor)
    respond(assessment, org.contributor, "SP1-1-01", "L")
    _edit(book, "SP1-1-01", rating="N")
    _edit(book, "SP1-1-02", rating="F")
    outcome = _import(assessment, org.contributor, book)
    assert outcome.saved == 0
    assert "changed meanwhile" in outcome.problems[0]
    assert list(Response.objects.values_list("criterion__code", "rating")) == [("SP1-1-01", "L")]


@pytest.mark.usefixtures("panel")
def test_another_persons_file_is_refused(org: Org, assessment: Assessment) -> None:
    book = _export(assessment, org.manager)
    _edit(book, "SP1-1-01", rating="F")
    with pytest.raises(ValidationError, match="not your export"):
        _import(assessment, org.contributor, book)
    with pytest.raises(ValidationError):
        workbook.respondent_import(
            team=team_get_for_user(user=org.contributor, pk=assessment.pk),
            user=org.contributor,
            upload=SimpleUploadedFile("x.xlsx", b"not a workbook"),
        )


@pytest.mark.usefixtures("panel")
def test_views(client: Client, org: Org, assessment: Assessment) -> None:
    client.force_login(org.contributor)
    response = client.get(reverse("teams:respondent_export", args=[assessment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    _edit(book, "SP1-1-01", rating="L")
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("mine.xlsx", buffer.getvalue())
    response = client.post(reverse("teams:respondent_import", args=[assessment.pk]), {"file": upload})
    assert response.status_code == 302
    assert Response.objects.get(respondent=org.contributor).rating == "L"
    # Someone who answers nothing gets a message, not a file.
    client.force_login(org.viewer)
    assert client.get(reverse("teams:respondent_export", args=[assessment.pk])).status_code == 302

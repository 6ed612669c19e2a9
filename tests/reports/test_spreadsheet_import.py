"""The offline questionnaire through its URL: export → fill in → upload → preview → apply, every bad row,
every bad file, who may import, and the signed list of changes between preview and apply."""

from __future__ import annotations

import io
import os
import zipfile
from typing import Any
from unittest import mock

import openpyxl
import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from assessments import services
from assessments.models import Answer, Assessment
from capability_model.models import CapabilityModel
from reports import imports, spreadsheets, workbook_reader
from reports.spreadsheets import COLUMN_INDEX
from tests.assessments.conftest import Org, make_org, record, set_state
from tests.reports.spreadsheet_helpers import apply, export, fill, find_row, messages_of, page_text, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_client(client: Client, org: Org) -> Client:
    client.force_login(org.manager)
    return client


def _answers(assessment: Assessment) -> list[tuple[Any, ...]]:
    """Everything an import could change, and the size of the audit trail."""
    return [
        *Answer.objects.filter(assessment=assessment)
        .order_by("pk")
        .values_list("criterion__code", "rating", "comment", "justification", "flagged", "revision"),
        (Answer.history.filter(assessment_id=assessment.pk).count(),),
    ]


def _answer(assessment: Assessment, code: str) -> Answer:
    return Answer.objects.get(assessment=assessment, criterion__code=code)


class TestRoundTrip:
    def test_export_fill_upload_preview_apply(
        self, manager_client: Client, org: Org, assessment: Assessment
    ) -> None:
        record(assessment, org.contributor, "SP1-2-01", "P", comment="as before")
        record(assessment, org.contributor, "CB1-1-01", "L", comment="keep")
        content = fill(
            export(manager_client, assessment),
            {
                "SP1-1-01": {"rating": "F", "comment": "目标已书面化\n见年度计划"},
                "SP1-1-02": {"rating": "na", "justification": "No self-service channel yet."},
                "SP1-2-01": {"rating": "L"},  # the comment stays
                "CB1-1-01": {"comment": "=1+1 is text, not a formula"},  # rating stays
                "OP1-1-01": {"comment": None},  # an empty cell where there was nothing: no change
            },
        )
        response = upload(manager_client, assessment, content)
        assert response.status_code == 200, messages_of(response)
        preview = response.context["preview"]
        assert preview.problems == []
        assert [(c.code, c.before_rating, c.rating) for c in preview.changes] == [
            ("SP1-1-01", "", "F"),
            ("SP1-1-02", "", "NA"),
            ("SP1-2-01", "P", "L"),
            ("CB1-1-01", "L", "L"),
        ]
        sp201 = preview.changes[2]
        assert (sp201.comment, sp201.comment_changed, sp201.rating_changed) == ("as before", False, True)
        assert preview.changes[3].comment_changed
        assert preview.changes[0].sheet == "SP Strategic planning"
        page = page_text(response)
        assert "目标已书面化" in page
        assert "4 answers will change" in page
        assert _answer(assessment, "SP1-1-01").rating == ""  # the preview saves nothing

        response = apply(manager_client, assessment, response)
        assert response.status_code == 302
        assert response["Location"] == reverse("assessments:detail", args=[assessment.pk])
        followed = manager_client.get(response["Location"])
        assert "Offline questionnaire imported: 4 answers changed." in messages_of(followed)

        stored = {
            code: _answer(assessment, code) for code in ("SP1-1-01", "SP1-1-02", "SP1-2-01", "CB1-1-01")
        }
        assert (stored["SP1-1-01"].rating, stored["SP1-1-01"].comment) == ("F", "目标已书面化\n见年度计划")
        assert (stored["SP1-1-02"].rating, stored["SP1-1-02"].justification) == (
            "NA",
            "No self-service channel yet.",
        )
        assert (stored["SP1-2-01"].rating, stored["SP1-2-01"].comment) == ("L", "as before")
        assert (stored["CB1-1-01"].rating, stored["CB1-1-01"].comment) == ("L", "=1+1 is text, not a formula")
        for answer in stored.values():
            assert answer.updated_by == org.manager
            latest = answer.history.latest()
            assert latest.history_user == org.manager
        assert _answer(assessment, "OP1-1-01").revision == 0

        # Exported again and uploaded untouched: nothing to change.
        again = upload(manager_client, assessment, export(manager_client, assessment))
        assert again.status_code == 200
        assert again.context["preview"].changes == []
        assert again.context["apply_form"] is None
        assert "Nothing to change" in page_text(again)

    def test_contributor_may_import_in_the_other_language(
        self, client: Client, org: Org, assessment: Assessment
    ) -> None:
        client.force_login(org.contributor)
        content = fill(export(client, assessment, HTTP_ACCEPT_LANGUAGE="en"), {"MI1-1-01": {"rating": " f "}})
        response = client.post(
            reverse("reports:import_xlsx", args=[assessment.pk]),
            {"file": io.BytesIO(content)},
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
        assert response.status_code == 200
        assert [(c.code, c.rating) for c in response.context["preview"].changes] == [("MI1-1-01", "F")]
        assert apply(client, assessment, response).status_code == 302
        assert _answer(assessment, "MI1-1-01").rating == "F"

    def test_a_cleared_rating_clears_the_answer(
        self, manager_client: Client, org: Org, assessment: Assessment
    ) -> None:
        record(assessment, org.manager, "SP1-1-01", "F", comment="old")
        content = fill(export(manager_client, assessment), {"SP1-1-01": {"rating": None}})
        response = upload(manager_client, assessment, content)
        [change] = response.context["preview"].changes
        assert (change.before_rating, change.rating, change.comment) == ("F", "", "old")
        assert apply(manager_client, assessment, response).status_code == 302
        assert (_answer(assessment, "SP1-1-01").rating, _answer(assessment, "SP1-1-01").comment) == (
            "",
            "old",
        )

    def test_untouched_rows_ignore_changes_made_in_the_portal_since(
        self, manager_client: Client, org: Org, assessment: Assessment
    ) -> None:
        content = fill(export(manager_client, assessment), {"SP1-1-01": {"rating": "F"}})
        record(assessment, org.contributor, "SP1-1-02", "P", comment="typed in the portal")
        response = upload(manager_client, assessment, content)
        assert [c.code for c in response.context["preview"].changes] == ["SP1-1-01"]
        assert apply(manager_client, assessment, response).status_code == 302
        assert (_answer(assessment, "SP1-1-02").rating, _answer(assessment, "SP1-1-02").comment) == (
            "P",
            "typed in the portal",
        )

    def test_edited_row_equal_to_the_portal_is_no_change_and_no_conflict(
        self, manager_client: Client, org: Org, assessment: Assessment
    ) -> None:
        content = fill(export(manager_client, assessment), {"SP1-1-01": {"rating": "L", "comment": "same"}})
        record(assessment, org.contributor, "SP1-1-01", "L", comment="same")
        response = upload(manager_client, assessment, content)
        assert response.status_code == 200
        assert response.context["preview"].changes == []

    def test_windows_line_ends_stored_by_the_browser_are_not_a_change(
        self, manager_client: Client, org: Org, assessment: Assessment
    ) -> None:
        record(assessment, org.manager, "SP1-1-01", "F", comment="line one\r\nline two")
        content = fill(export(manager_client, assessment), {"SP1-1-01": {"rating": "F"}})  # touched, same
        response = upload(manager_client, assessment, content)
        assert response.context["preview"].changes == []


def _copy_row(code: str, new_code: str | None = None) -> Any:
    def change(workbook: Any) -> None:
        ws, row = find_row(workbook, code)
        target = ws.max_row + 1
        for column in range(1, len(spreadsheets.COLUMNS) + 1):
            ws.cell(row=target, column=column).value = ws.cell(row=row, column=column).value
        if new_code is not None:
            ws.cell(row=target, column=1).value = new_code
        ws.cell(row=target, column=COLUMN_INDEX["comment"]).value = "the copy"

    return change


# Each bad row, with one good change in the same file that must not be applied either.
BAD_ROWS: dict[str, tuple[dict[str, dict[str, object]], Any, str, str]] = {
    "unknown criterion code": (
        {"SP1-1-02": {"code": "SP1-1-99", "rating": "F"}},
        None,
        "unknown_criterion",
        "Unknown criterion code SP1-1-99",
    ),
    "missing criterion code": (
        {"SP1-1-02": {"code": None, "rating": "F"}},
        None,
        "missing_code",
        "The row has no criterion code.",
    ),
    "criterion of another domain's sheet": (
        {"SP1-1-02": {"code": "CB1-1-02", "rating": "F"}},
        None,
        "wrong_sheet",
        "Criterion CB1-1-02 belongs to domain CB, not to this sheet (SP).",
    ),
    "invalid rating": ({"SP1-1-02": {"rating": "X"}}, None, "invalid_rating", "“X” is not a rating"),
    "numeric rating": ({"SP1-1-02": {"rating": 3}}, None, "invalid_rating", "“3” is not a rating"),
    "NA without justification": (
        {"SP1-1-02": {"rating": "NA", "justification": "   "}},
        None,
        "na_justification",
        "A rating of NA needs a written justification.",
    ),
    "duplicate criterion code": (
        {},
        _copy_row("SP1-1-02"),
        "duplicate_code",
        "Criterion SP1-1-02 appears more than once; its first row is SP Strategic planning, row 3.",
    ),
    "over-long comment": (
        {"SP1-1-02": {"comment": "长" * 5001}},
        None,
        "text_too_long",
        "The comment has 5001 characters; at most 5000 are accepted.",
    ),
    "over-long justification": (
        {"SP1-1-02": {"rating": "NA", "justification": "x" * 6000}},
        None,
        "text_too_long",
        "The justification has 6000 characters",
    ),
    "revision missing": (
        {"SP1-1-02": {"rating": "F", "revision": None}},
        None,
        "bad_revision",
        "The hidden revision column of this row is missing or was changed.",
    ),
    "revision not a number": (
        {"SP1-1-02": {"rating": "F", "revision": "abc"}},
        None,
        "bad_revision",
        "The hidden revision column",
    ),
}


class TestBadRows:
    @pytest.mark.parametrize("case", list(BAD_ROWS))
    def test_bad_row_is_named_and_nothing_applied(
        self, manager_client: Client, assessment: Assessment, case: str
    ) -> None:
        edits, change, kind, reason = BAD_ROWS[case]
        content = fill(export(manager_client, assessment), {"SP1-1-01": {"rating": "F"}, **edits}, change)
        before = _answers(assessment)
        response = upload(manager_client, assessment, content)
        assert response.status_code == 400
        [problem] = response.context["problems"]
        assert problem.kind == kind
        assert problem.sheet == "SP Strategic planning"
        if kind != "duplicate_code":  # the copy is added below the last row
            assert problem.row == 3
        assert reason in problem.reason
        page = page_text(response)
        assert "nothing was applied" in page
        assert response.context["apply_form"] is None
        assert _answers(assessment) == before

    def test_every_bad_row_is_listed_at_once(self, manager_client: Client, assessment: Assessment) -> None:
        content = fill(
            export(manager_client, assessment),
            {
                "SP1-1-01": {"rating": "Y"},
                "SP1-1-02": {"code": "ZZ9-1-01"},
                "CB1-1-01": {"rating": "NA"},
                "OP1-1-01": {"rating": "F"},
            },
        )
        response = upload(manager_client, assessment, content)
        assert response.status_code == 400
        assert [(p.sheet.split()[0], p.row, p.kind) for p in response.context["problems"]] == [
            ("SP", 2, "invalid_rating"),
            ("SP", 3, "unknown_criterion"),
            ("CB", 2, "na_justification"),
        ]
        assert "3 problems in the file; nothing was applied." in messages_of(response)[0]

    def test_row_changed_in_the_portal_after_the_export_is_a_conflict(
        self, manager_client: Client, org: Org, assessment: Assessment
    ) -> None:
        content = fill(
            export(manager_client, assessment), {"SP1-1-01": {"rating": "F"}, "SP1-1-02": {"rating": "L"}}
        )
        record(assessment, org.contributor, "SP1-1-01", "P", comment="portal")
        before = _answers(assessment)
        response = upload(manager_client, assessment, content)
        assert response.status_code == 400
        [problem] = response.context["problems"]
        assert (problem.code, problem.kind) == ("SP1-1-01", "conflict")
        assert (
            f"changed in the portal after the export (by {org.contributor.username}, now “P”)"
            in problem.reason
        )
        assert _answers(assessment) == before


class TestApply:
    def test_change_in_the_portal_after_the_preview_rolls_everything_back(
        self, manager_client: Client, org: Org, assessment: Assessment
    ) -> None:
        content = fill(
            export(manager_client, assessment), {"SP1-1-01": {"rating": "F"}, "SP1-1-02": {"rating": "L"}}
        )
        preview = upload(manager_client, assessment, content)
        assert preview.status_code == 200
        record(assessment, org.contributor, "SP1-1-02", "N")
        before = _answers(assessment)
        response = apply(manager_client, assessment, preview)
        assert response.status_code == 409
        [problem] = response.context["problems"]
        assert (problem.code, problem.kind) == ("SP1-1-02", "conflict")
        assert "after the preview" in problem.reason
        assert "Nothing was applied" in messages_of(response)[0]
        assert _answers(assessment) == before  # SP1-1-01 was saved, then rolled back

    def test_submitted_between_preview_and_apply(
        self, manager_client: Client, assessment: Assessment
    ) -> None:
        preview = upload(
            manager_client,
            assessment,
            fill(export(manager_client, assessment), {"SP1-1-01": {"rating": "F"}}),
        )
        set_state(assessment, "submitted")
        before = _answers(assessment)
        response = apply(manager_client, assessment, preview)
        assert response.status_code == 403
        assert "cannot be changed in its current state (Submitted)" in messages_of(response)[0]
        assert _answers(assessment) == before

    def test_service_rolls_back_when_the_assessment_is_locked_meanwhile(
        self, org: Org, assessment: Assessment
    ) -> None:
        from assessments.access import assessment_get_for_user

        access = assessment_get_for_user(user=org.manager, pk=assessment.pk)
        set_state(assessment, "approved")  # after the access was read: the service re-reads under a lock
        change = imports.ImportChange("SP", 2, "SP1-1-01", "F", "", "", False, 0)
        with pytest.raises(ValidationError) as caught:
            imports.questionnaire_import_apply(access=access, changes=[change], user=org.manager)
        assert caught.value.code == "not_editable"
        assert _answer(assessment, "SP1-1-01").rating == ""

    @pytest.mark.parametrize("tamper", ["flip", "garbage", "other assessment", "other user", "expired"])
    def test_a_bad_payload_is_refused(
        self, client: Client, org: Org, assessment: Assessment, shipped_model: CapabilityModel, tamper: str
    ) -> None:
        client.force_login(org.manager)
        preview = upload(client, assessment, fill(export(client, assessment), {"SP1-1-01": {"rating": "F"}}))
        token = preview.context["apply_form"].initial["payload"]
        url = reverse("reports:import_xlsx", args=[assessment.pk])
        if tamper == "flip":
            token = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
        elif tamper == "garbage":
            token = "not-a-token"
        elif tamper == "other assessment":
            other = services.assessment_start(
                organisation=org.organisation,
                user=org.manager,
                capability_model=shipped_model,
                title="FY27",
                target_level=2,
                allow_retired=True,
            )
            url = reverse("reports:import_xlsx", args=[other.pk])
        elif tamper == "other user":
            client.force_login(org.contributor)
        if tamper == "expired":
            later = signing.time.time() + imports.PAYLOAD_MAX_AGE + 60  # type: ignore[attr-defined]
            with mock.patch("django.core.signing.time.time", return_value=later):
                response = client.post(url, {"payload": token})
        else:
            response = client.post(url, {"payload": token})
        assert response.status_code == 400
        message = messages_of(response)[0]
        expected = "more than an hour old" if tamper == "expired" else "is not valid"
        assert expected in message
        assert _answer(assessment, "SP1-1-01").rating == ""

    def test_changes_too_long_to_post_back_are_refused_at_the_preview(
        self, manager_client: Client, assessment: Assessment, settings: Any
    ) -> None:
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024  # leaves ~4 KB for the list of changes
        noise = "".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(3000))  # compresses badly
        content = fill(export(manager_client, assessment), {"SP1-1-01": {"rating": "F", "comment": noise}})
        response = upload(manager_client, assessment, content)
        assert response.status_code == 400
        assert "too much text to apply in one go" in messages_of(response)[0]
        assert response.context["apply_form"] is None
        assert _answer(assessment, "SP1-1-01").rating == ""

    def test_forged_payload_cannot_skip_the_rules(
        self, manager_client: Client, org: Org, assessment: Assessment
    ) -> None:
        """Even a correctly signed list goes through ``answer_record``: NA without justification fails."""
        from assessments.access import assessment_get_for_user

        access = assessment_get_for_user(user=org.manager, pk=assessment.pk)
        changes = [
            imports.ImportChange("SP", 2, "SP1-1-01", "F", "", "", False, 0),
            imports.ImportChange("SP", 3, "SP1-1-02", "NA", "", "", False, 0),
        ]
        token = imports.import_changes_sign(access=access, user=org.manager, changes=changes)
        response = manager_client.post(
            reverse("reports:import_xlsx", args=[assessment.pk]), {"payload": token}
        )
        assert response.status_code == 400
        assert [p.kind for p in response.context["problems"]] == ["na_justification"]
        assert _answer(assessment, "SP1-1-01").rating == ""


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _empty_workbook() -> bytes:
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    return buffer.getvalue()


def _foreign_workbook() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(["Criterion code", "Self rating"])
    workbook.active.append(["SP1-1-01", "F"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rename_header(workbook: Any) -> None:
    workbook["CB Capability building"].cell(row=1, column=COLUMN_INDEX["rating"]).value = "My rating"


def _drop_about(workbook: Any) -> None:
    del workbook.defined_names[spreadsheets.ASSESSMENT_ID_NAME]


def _too_many_rows(workbook: Any) -> None:
    workbook["MI Multimodal interaction"].cell(
        row=workbook_reader.MAX_ROWS_PER_SHEET + 5, column=1
    ).value = "x"


def _no_domain_sheets(workbook: Any) -> None:
    for ws in workbook.worksheets[1:]:
        ws.title = "Sheet " + ws.title[:2]


BAD_FILES: dict[str, tuple[Any, str]] = {
    "random bytes": (lambda _good: os.urandom(4096), "not an Excel workbook"),
    "a CSV": (lambda _good: b"Criterion code,Self rating\nSP1-1-01,F\n", "not an Excel workbook"),
    "a zip that is not xlsx": (lambda _good: _zip({"readme.txt": b"hello"}), "not an Excel workbook"),
    "a docx": (
        lambda _good: _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"}),
        "not an Excel workbook",
    ),
    "an xlsx with broken XML": (
        lambda _good: _zip({"[Content_Types].xml": b"<Types", "xl/workbook.xml": b"<<<"}),
        "damaged",
    ),
    "a truncated export": (lambda good: good[: len(good) // 2], "damaged"),
    "an empty file": (lambda _good: b"", "The file is empty."),
    "an encrypted workbook": (
        lambda _good: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(2048),
        "password-protected or in the old .xls format",
    ),
    "a file over the limit": (
        lambda _good: b"PK\x03\x04" + b"\0" * workbook_reader.MAX_UPLOAD_BYTES,
        "the limit is 5.0 MB",
    ),
    "a zip bomb": (
        lambda _good: _zip(
            {
                "[Content_Types].xml": b"",
                "xl/workbook.xml": b"\0" * (workbook_reader.MAX_UNCOMPRESSED_BYTES + 1),
            }
        ),
        "far larger than an exported questionnaire",
    ),
    "an empty workbook": (lambda _good: _empty_workbook(), "The workbook is empty."),
    "someone else's workbook": (lambda _good: _foreign_workbook(), "not exported from the portal"),
    "an export without its assessment id": (
        lambda good: fill(good, change=_drop_about),
        "not exported from the portal",
    ),
    "wrong headers": (
        lambda good: fill(good, change=_rename_header),
        "Sheet “CB Capability building” does not have the exported column headers in row 1; missing: "
        "“Self rating (N/P/L/F/NA)”",
    ),
    "too many rows": (lambda good: fill(good, change=_too_many_rows), "has more than 1000 rows"),
    "no questionnaire sheets": (lambda good: fill(good, change=_no_domain_sheets), "no questionnaire sheets"),
}


class TestBadFiles:
    @pytest.mark.parametrize("case", list(BAD_FILES))
    def test_refused_with_400_and_a_message(
        self, manager_client: Client, assessment: Assessment, case: str
    ) -> None:
        make, message = BAD_FILES[case]
        good = fill(export(manager_client, assessment), {"SP1-1-01": {"rating": "F"}})
        before = _answers(assessment)
        response = upload(manager_client, assessment, make(good))
        assert response.status_code == 400
        assert any(message in text for text in messages_of(response)), messages_of(response)
        assert response.context["upload_form"] is not None  # the page is shown again to retry
        assert _answers(assessment) == before

    def test_file_of_another_assessment(
        self, manager_client: Client, org: Org, assessment: Assessment, shipped_model: CapabilityModel
    ) -> None:
        other = services.assessment_start(
            organisation=org.organisation,
            user=org.manager,
            capability_model=shipped_model,
            title="FY27",
            target_level=2,
            allow_retired=True,
        )
        content = fill(export(manager_client, other), {"SP1-1-01": {"rating": "F"}})
        before = _answers(assessment)
        response = upload(manager_client, assessment, content)
        assert response.status_code == 400
        expected = f"belongs to another assessment (id {other.pk}), not to this one (id {assessment.pk})."
        assert expected in messages_of(response)[0]
        assert _answers(assessment) == before

    def test_no_file_chosen(self, manager_client: Client, assessment: Assessment) -> None:
        response = manager_client.post(reverse("reports:import_xlsx", args=[assessment.pk]), {})
        assert response.status_code == 400
        assert "Choose the filled-in workbook (.xlsx) to upload." in messages_of(response)


class TestWhoMayImport:
    def test_writers_see_the_upload_form(self, client: Client, org: Org, assessment: Assessment) -> None:
        for user in (org.manager, org.contributor):
            client.force_login(user)
            response = client.get(reverse("reports:import_xlsx", args=[assessment.pk]))
            assert response.status_code == 200
            assert 'enctype="multipart/form-data"' in page_text(response)

    @pytest.mark.parametrize("role", ["viewer", "consultant"])
    def test_readers_get_404(self, client: Client, org: Org, assessment: Assessment, role: str) -> None:
        content = fill(
            export(client_for(client, getattr(org, role)), assessment), {"SP1-1-01": {"rating": "F"}}
        )
        assert client.get(reverse("reports:import_xlsx", args=[assessment.pk])).status_code == 404
        assert upload(client, assessment, content).status_code == 404
        assert _answer(assessment, "SP1-1-01").rating == ""

    def test_other_organisation_gets_404(self, client: Client, org: Org, assessment: Assessment) -> None:
        content = fill(export(client_for(client, org.manager), assessment), {"SP1-1-01": {"rating": "F"}})
        other = make_org("Beta Contact Centre")
        client.force_login(other.manager)
        assert client.get(reverse("reports:import_xlsx", args=[assessment.pk])).status_code == 404
        assert upload(client, assessment, content).status_code == 404
        assert _answer(assessment, "SP1-1-01").rating == ""

    @pytest.mark.parametrize("state", ["submitted", "in_review", "approved"])
    def test_assessment_not_editable_refuses_import(
        self, manager_client: Client, assessment: Assessment, state: str
    ) -> None:
        content = fill(export(manager_client, assessment), {"SP1-1-01": {"rating": "F"}})
        set_state(assessment, state)
        response = manager_client.get(reverse("reports:import_xlsx", args=[assessment.pk]))
        assert response.status_code == 403
        assert "cannot be changed in its current state" in messages_of(response)[0]
        assert response.context["upload_form"] is None
        response = upload(manager_client, assessment, content)
        assert response.status_code == 403
        assert _answer(assessment, "SP1-1-01").rating == ""

    def test_returned_assessment_can_be_imported_again(
        self, manager_client: Client, assessment: Assessment
    ) -> None:
        set_state(assessment, "returned")
        content = fill(export(manager_client, assessment), {"SP1-1-01": {"rating": "F"}})
        preview = upload(manager_client, assessment, content)
        assert apply(manager_client, assessment, preview).status_code == 302
        assert _answer(assessment, "SP1-1-01").rating == "F"


def client_for(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client

"""The XLSX export: structure, language, formula escaping, and the file name; the export view's access."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from assessments import services
from assessments.models import Assessment
from capability_model.models import CapabilityModel, Criterion
from reports import spreadsheets
from reports.spreadsheets import COLUMN_INDEX, COLUMNS
from tests.assessments.conftest import Org, make_org, record
from tests.reports.spreadsheet_helpers import export, find_row

pytestmark = pytest.mark.django_db


def _workbook(content: bytes) -> Any:
    return openpyxl.load_workbook(io.BytesIO(content))


def _column(key: str) -> str:
    return openpyxl.utils.get_column_letter(COLUMN_INDEX[key])


class TestStructure:
    def test_about_sheet_then_one_sheet_per_domain(
        self, client: Client, org: Org, assessment: Assessment
    ) -> None:
        client.force_login(org.manager)
        workbook = _workbook(export(client, assessment))
        assert workbook.sheetnames == [
            "About",
            "SP Strategic planning",
            "CB Capability building",
            "OP Diversified operations",
            "MI Multimodal interaction",
        ]
        about = workbook["About"]
        about_values = [cell for row in about.iter_rows(values_only=True) for cell in row if cell is not None]
        assert "Alpha Contact Centre" in about_values
        assert "FY26" in about_values
        assert "gbt43045-1-2023 v1 — " + assessment.capability_model.name_en in about_values
        assert "Draft" in about_values
        assert "How to fill it in" in about_values
        # The assessment id, found through the defined name the import reads.
        [(sheet, reference)] = list(workbook.defined_names[spreadsheets.ASSESSMENT_ID_NAME].destinations)
        assert workbook[sheet][reference.replace("$", "")].value == assessment.pk

    def test_domain_sheet_rows_headers_and_formatting(
        self, client: Client, org: Org, assessment: Assessment
    ) -> None:
        record(assessment, org.manager, "SP1-1-01", "L", comment="多渠道 plan")
        client.force_login(org.manager)
        workbook = _workbook(export(client, assessment))
        ws = workbook["SP Strategic planning"]
        assert [cell.value for cell in ws[1]] == [str(column.label) for column in COLUMNS]
        assert ws.freeze_panes == "B2"
        codes = [ws.cell(row=r, column=1).value for r in range(2, ws.max_row + 1)]
        assert codes == list(
            Criterion.objects.filter(capability_model=assessment.capability_model, item__domain__code="SP")
            .order_by("item__order", "item__code", "level", "order")
            .values_list("code", flat=True)
        )
        _ws, row = find_row(workbook, "SP1-1-01")
        assert ws.cell(row=row, column=COLUMN_INDEX["rating"]).value == "L"
        assert ws.cell(row=row, column=COLUMN_INDEX["comment"]).value == "多渠道 plan"
        assert ws.cell(row=row, column=COLUMN_INDEX["revision"]).value == 1
        # Hidden machine columns, visible and sized human ones.
        assert ws.column_dimensions[_column("revision")].hidden
        assert ws.column_dimensions[_column("checksum")].hidden
        assert not ws.column_dimensions[_column("rating")].hidden
        assert ws.column_dimensions[_column("statement")].width >= 40
        # Read-only columns are shaded; the ones to fill in are not.
        assert ws.cell(row=row, column=COLUMN_INDEX["statement"]).fill.fgColor.rgb.endswith("EDEDED")
        assert ws.cell(row=row, column=COLUMN_INDEX["verified_rating"]).fill.fill_type == "solid"
        assert ws.cell(row=row, column=COLUMN_INDEX["rating"]).fill.fill_type is None
        assert ws.cell(row=row, column=COLUMN_INDEX["statement"]).alignment.wrap_text
        assert ws["A1"].font.bold

    def test_rating_column_has_a_list_validation(
        self, client: Client, org: Org, assessment: Assessment
    ) -> None:
        client.force_login(org.viewer)
        workbook = _workbook(export(client, assessment))
        for ws in workbook.worksheets[1:]:
            [validation] = ws.data_validations.dataValidation
            assert validation.type == "list"
            assert validation.formula1 == '"N,P,L,F,NA"'
            assert validation.allow_blank
            assert validation.showErrorMessage
            rating = _column("rating")
            assert str(validation.sqref) == f"{rating}2:{rating}{ws.max_row}"

    def test_texts_follow_the_readers_language(
        self, client: Client, org: Org, assessment: Assessment
    ) -> None:
        client.force_login(org.manager)
        workbook = _workbook(export(client, assessment, HTTP_ACCEPT_LANGUAGE="zh-hans"))
        assert workbook.sheetnames[1] == "SP 战略规划"
        ws, row = find_row(workbook, "SP1-1-01")
        criterion = Criterion.objects.get(capability_model=assessment.capability_model, code="SP1-1-01")
        assert ws.cell(row=row, column=COLUMN_INDEX["statement"]).value == criterion.statement_zh


class TestUserTextIsNeverAFormula:
    @pytest.mark.parametrize(
        "text",
        [
            '=HYPERLINK("http://evil.example","click")',
            "+1+2",
            "-1+2",
            "@SUM(A1:A2)",
            "=cmd|' /C calc'!A0",
            # Issue 23 item 9: full-width signs, a leading space and a DDE pipe were written unquoted.
            "＝1+1",
            "＋1+2",
            "－1+2",
            "＠SUM(A1:A2)",
            " =1+1",
            "\u3000=1+1",
            "|cmd /C calc",
            "｜cmd /C calc",
        ],
    )
    def test_formula_like_text_is_a_quoted_string(
        self, client: Client, org: Org, assessment: Assessment, text: str
    ) -> None:
        record(assessment, org.manager, "SP1-1-01", "NA", comment=text, justification=text)
        client.force_login(org.manager)
        content = export(client, assessment)
        workbook = _workbook(content)
        ws, row = find_row(workbook, "SP1-1-01")
        for key in ("comment", "justification"):
            cell = ws.cell(row=row, column=COLUMN_INDEX[key])
            assert cell.value == text  # the round trip keeps the text exactly
            assert cell.data_type == "s"
            assert cell.quotePrefix  # and Excel keeps it text when the cell is edited
        # In the file itself: no formula anywhere.
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            for name in archive.namelist():
                if name.startswith("xl/worksheets/"):
                    assert b"<f>" not in archive.read(name)
                    assert b"<f " not in archive.read(name)

    def test_organisation_and_title_are_escaped_too(
        self, client: Client, shipped_model: CapabilityModel
    ) -> None:
        org = make_org("=1+1 Contact Centre")
        assessment = services.assessment_start(
            organisation=org.organisation,
            user=org.manager,
            capability_model=shipped_model,
            title="@Title",
            target_level=2,
            allow_retired=True,
        )
        client.force_login(org.manager)
        about = _workbook(export(client, assessment))["About"]
        cells = {cell.value: cell for row in about.iter_rows() for cell in row if cell.value is not None}
        for text in ("=1+1 Contact Centre", "@Title"):
            assert cells[text].data_type == "s"
            assert cells[text].quotePrefix

    def test_characters_a_cell_cannot_hold_are_dropped(
        self, client: Client, org: Org, assessment: Assessment
    ) -> None:
        record(assessment, org.manager, "SP1-1-01", "F", comment="bell\x07 form\x0c feed\r\nnext line")
        client.force_login(org.manager)
        ws, row = find_row(_workbook(export(client, assessment)), "SP1-1-01")
        assert ws.cell(row=row, column=COLUMN_INDEX["comment"]).value == "bell form feed\nnext line"


class TestNames:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("SP Strategic planning", "SP Strategic planning"),
            ("OP Diversified operations and a very long tail", "OP Diversified operations and a"),
            ("CB a[b]:c*d?e/f\\g", "CB a b c d e f g"),
            ("MI 'quoted'", "MI 'quoted"),
        ],
    )
    def test_sheet_titles_are_legal(self, text: str, expected: str) -> None:
        title = spreadsheets.sheet_title(text)
        assert title == expected
        assert len(title) <= 31
        assert not re.search(r"[\[\]:*?/\\]", title)

    def test_file_name_has_id_and_slug(self, assessment: Assessment) -> None:
        assert spreadsheets.export_filename(assessment) == f"assessment-{assessment.pk}-fy26.xlsx"
        assessment.title = "2026 年度评估"
        assert spreadsheets.export_filename(assessment) == f"assessment-{assessment.pk}-2026-年度评估.xlsx"
        assessment.title = "!!!"
        assert spreadsheets.export_filename(assessment) == f"assessment-{assessment.pk}.xlsx"


class TestExportView:
    def test_download_headers(self, client: Client, org: Org, assessment: Assessment) -> None:
        assessment.title = "年度评估"
        assessment.save()
        client.force_login(org.manager)
        response = client.get(reverse("reports:export_xlsx", args=[assessment.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == spreadsheets.XLSX_CONTENT_TYPE
        # RFC 5987: the non-ASCII name travels percent-encoded in filename*.
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment;")
        assert f"filename*=utf-8''assessment-{assessment.pk}-%E5%B9%B4" in disposition
        assert "private" in response["Cache-Control"]

    @pytest.mark.parametrize("role", ["manager", "contributor", "viewer", "consultant"])
    def test_everyone_who_sees_it_may_export(
        self, client: Client, org: Org, assessment: Assessment, role: str
    ) -> None:
        client.force_login(getattr(org, role))
        assert client.get(reverse("reports:export_xlsx", args=[assessment.pk])).status_code == 200

    def test_other_organisation_gets_404(self, client: Client, assessment: Assessment) -> None:
        other = make_org("Beta Contact Centre")
        for user in (other.manager, other.consultant):
            client.force_login(user)
            assert client.get(reverse("reports:export_xlsx", args=[assessment.pk])).status_code == 404

    def test_anonymous_goes_to_login_and_post_is_refused(
        self, client: Client, org: Org, assessment: Assessment
    ) -> None:
        url = reverse("reports:export_xlsx", args=[assessment.pk])
        assert client.get(url).status_code == 302
        client.force_login(org.manager)
        assert client.post(url).status_code == 405

    def test_detail_page_links(self, client: Client, org: Org, assessment: Assessment) -> None:
        export_url = reverse("reports:export_xlsx", args=[assessment.pk]).encode()
        import_url = reverse("reports:import_xlsx", args=[assessment.pk]).encode()
        client.force_login(org.manager)
        page = client.get(reverse("assessments:detail", args=[assessment.pk])).content
        assert export_url in page
        assert import_url in page
        client.force_login(org.viewer)
        page = client.get(reverse("assessments:detail", args=[assessment.pk])).content
        assert export_url in page
        assert import_url not in page


def test_export_uses_a_constant_number_of_queries(
    django_assert_max_num_queries: Any, assessment: Assessment
) -> None:
    with translation.override("en"), django_assert_max_num_queries(4):
        spreadsheets.assessment_workbook(assessment=assessment)

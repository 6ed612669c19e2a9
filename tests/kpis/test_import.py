"""Importing KPI values from CSV and XLSX: every bad row named with its line and reason, nothing applied
while any row is bad; a good file applies every row and a second import corrects values in place."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments.access import organisation_get_for_user
from kpis.models import KpiValue
from kpis.services import ImportRowsError, kpi_values_import
from tests.assessments.conftest import Org
from tests.kpis.conftest import KpiModel

pytestmark = pytest.mark.django_db


def _csv(text: str, name: str = "export.csv", encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding))


def _import(org: Org, upload: SimpleUploadedFile) -> int:
    return kpi_values_import(
        access=organisation_get_for_user(user=org.manager, pk=org.organisation.pk),
        user=org.manager,
        upload=upload,
    )


def test_a_good_csv_applies_every_row(org: Org, kpi_model: KpiModel) -> None:
    count = _import(
        org,
        _csv("kpi_code,period,value,source\nTFCR,2026-01,71.5,ACD\nTFCR,2026-02,73%,ACD\nTSEC,2026-Q1,0,\n"),
    )
    assert count == 3
    values = {(v.kpi.code, v.period_start): v for v in KpiValue.objects.filter(organisation=org.organisation)}
    assert values[("TFCR", date(2026, 2, 1))].value == Decimal("73")
    assert values[("TSEC", date(2026, 1, 1))].source == "import: export.csv"
    # Imported again with a correction: the same row changes, and the history keeps both.
    _import(org, _csv("kpi_code,period,value\nTFCR,2026-02,74\n"))
    row = KpiValue.objects.get(organisation=org.organisation, kpi__code="TFCR", period_start=date(2026, 2, 1))
    assert row.value == Decimal("74")
    assert row.history.count() == 2
    assert row.history.first().history_user == org.manager


def test_bad_rows_are_each_named_and_nothing_is_applied(org: Org, kpi_model: KpiModel) -> None:
    text = (
        "指标代码,周期,数值\n"  # Chinese headers
        "TFCR,2026-01,71\n"  # good
        "NOPE,2026-01,50\n"  # 3: unknown code
        "TFCR,2026-13,50\n"  # 4: no such month
        "TFCR,2026-02,abc\n"  # 5: not a number
        "TFCR,2026-03,120\n"  # 6: percentage over 100
        "TSEC,2026-02,1\n"  # 7: a month for a quarterly KPI
        "TSEC,2026-Q1,1.5\n"  # 8: a count is whole
        "TFCR,2026-01,72\n"  # 9: repeats line 2
        "TFCR,2099-01,72\n"  # 10: future
    )
    with pytest.raises(ImportRowsError) as caught:
        _import(org, _csv(text, encoding="gb18030"))
    problems = {p.line: p.message for p in caught.value.problems}
    assert sorted(problems) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert "Unknown KPI code “NOPE”" in problems[3]
    assert "not a month" in problems[4]
    assert "not a number" in problems[5]
    assert "between 0 and 100" in problems[6]
    assert "not a quarter" in problems[7]
    assert "whole number" in problems[8]
    assert "already on line 2" in problems[9]
    assert "has not begun" in problems[10]
    assert not KpiValue.objects.filter(organisation=org.organisation).exists()


def test_xlsx_in_the_shape_systems_export(org: Org, kpi_model: KpiModel) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["KPI", "Period", "Value", "Source"])
    sheet.append(["tfcr", "2026-04", 0.5 * 140, "CRM"])
    sheet.append([None, None, None, None])
    sheet.append(["TSEC", "2026Q2", 2, "SOC register"])
    data = io.BytesIO()
    workbook.save(data)
    assert _import(org, SimpleUploadedFile("kpis.xlsx", data.getvalue())) == 2
    assert KpiValue.objects.get(kpi__code="TFCR").value == Decimal("70")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("values.txt", b"kpi,period,value\n", "Upload a .csv or .xlsx file."),
        ("values.csv", b"code,when,amount\nTFCR,2026-01,1\n", "missing: period, value"),
        ("values.csv", b"kpi,period,value\n", "The file has no rows."),
        ("values.xlsx", b"not a workbook", "not an Excel workbook"),
    ],
)
def test_unusable_files_say_why(
    org: Org, kpi_model: KpiModel, name: str, content: bytes, message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        _import(org, SimpleUploadedFile(name, content))
    assert message in " ".join(caught.value.messages)


def test_only_managers_import(org: Org, kpi_model: KpiModel) -> None:
    access = organisation_get_for_user(user=org.contributor, pk=org.organisation.pk)
    with pytest.raises(ValidationError, match="Only a manager"):
        kpi_values_import(
            access=access, user=org.contributor, upload=_csv("kpi,period,value\nTFCR,2026-01,1\n")
        )

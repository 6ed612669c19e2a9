"""KPI values from a CSV or XLSX file in the shape contact-centre systems export: one row per KPI code and
period, with a header row. Every bad row is named with its line and reason; the service applies nothing
while any row is bad.

Accepted headers (either language, case-insensitive): KPI code (``kpi``, ``kpi_code``, ``code``, 指标代码,
指标), period (``period``, ``month``, ``quarter``, 周期, 期间, 月份), value (``value``, 数值, 值), and
optionally source (``source``, 来源, 数据来源). Periods: ``2026-03`` (monthly KPIs), ``2026-Q1`` (quarterly).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Final

from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils.translation import gettext_lazy as _

from reports.workbook_reader import MAX_ROWS_PER_SHEET, MAX_UPLOAD_BYTES, cell_text, workbook_sheet_rows

HEADERS: Final = {
    "kpi": ("kpi", "kpi_code", "kpi code", "code", "指标代码", "指标"),
    "period": ("period", "month", "quarter", "周期", "期间", "月份", "季度"),
    "value": ("value", "数值", "值", "指标值"),
    "source": ("source", "来源", "数据来源"),
}
REQUIRED: Final = ("kpi", "period", "value")

NOT_CSV_OR_XLSX = _("Upload a .csv or .xlsx file.")
FILE_EMPTY = _("The file has no rows.")
TOO_LARGE = _("The file is larger than 5 MB; a monthly export is far smaller.")
TOO_MANY_ROWS = _("The file has more than %(limit)s rows.")
NOT_TEXT = _("The CSV file is not UTF-8 or GB18030 text.")
MISSING_HEADERS = _(
    "The first row must name the columns KPI code, period and value (source is optional); "
    "missing: %(missing)s."
)


@dataclass(frozen=True, slots=True)
class ImportRow:
    line: int  # as the spreadsheet program or a text editor numbers it
    kpi_code: str
    period: str
    value: str
    source: str


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):  # Chinese Excel saves CSV as GB18030 (GBK) by default
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(NOT_TEXT, code="not_text")


def _table(upload: File[bytes]) -> list[tuple[object, ...]]:
    name = (upload.name or "").lower()
    if name.endswith(".xlsx"):
        sheets = workbook_sheet_rows(upload=upload)
        return next((rows for _title, rows in sheets if rows), [])
    if not name.endswith(".csv"):
        raise ValidationError(NOT_CSV_OR_XLSX, code="bad_extension")
    upload.seek(0)
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError(TOO_LARGE, code="too_large")
    text = _decode(data)
    try:
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [tuple(row) for row in csv.reader(io.StringIO(text), dialect)]


def parse_rows(*, upload: File[bytes]) -> list[ImportRow]:
    """The data rows (entirely empty rows skipped), or ``ValidationError`` for an unusable file."""
    table = _table(upload)
    if len(table) > MAX_ROWS_PER_SHEET:
        raise ValidationError(TOO_MANY_ROWS, code="too_many_rows", params={"limit": MAX_ROWS_PER_SHEET})
    if not table:
        raise ValidationError(FILE_EMPTY, code="empty")
    labels = {label: key for key, names in HEADERS.items() for label in names}
    header = [labels.get(cell_text(v).strip().casefold(), "") for v in table[0]]
    missing = [key for key in REQUIRED if key not in header]
    if missing:
        raise ValidationError(MISSING_HEADERS, code="headers", params={"missing": ", ".join(missing)})
    position = {key: header.index(key) for key in HEADERS if key in header}

    def at(values: tuple[object, ...], key: str) -> str:
        index = position.get(key)
        return cell_text(values[index]).strip() if index is not None and index < len(values) else ""

    rows = [
        ImportRow(
            number, at(values, "kpi").upper(), at(values, "period"), at(values, "value"), at(values, "source")
        )
        for number, values in enumerate(table[1:], start=2)
        if any(cell_text(v).strip() for v in values)
    ]
    if not rows:
        raise ValidationError(FILE_EMPTY, code="empty")
    return rows

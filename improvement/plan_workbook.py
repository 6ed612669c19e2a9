"""The action plan's workbook read back (``exports.action_plan_xlsx`` wrote it): ``plan_workbook_parse``
turns an upload into plain rows, or raises ``ValidationError`` with one message for a file that cannot be
used at all (not an XLSX, damaged, too large, another assessment's plan). The rules for each row are in
``improvement.services.plan_import``.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Final

import openpyxl
from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils.translation import gettext_lazy as _

from reports.workbook_reader import cell_text

from .exports import PLAN_IDENTIFIER

MAX_UPLOAD_BYTES: Final = 5 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES: Final = 50 * 1024 * 1024  # a zip bomb stops here
MAX_ROWS: Final = 2_000
COLUMNS: Final = 11  # title, item, criteria, phase, owner, due date, status, priority, notes, id, version

NOT_XLSX = _("This is not an Excel workbook (.xlsx). Upload the action plan exported here, saved as .xlsx.")
TOO_LARGE = _("The file is larger than an exported action plan can be (5 MB).")
DAMAGED = _("The workbook is damaged and cannot be read. Save it again as .xlsx and retry.")
NOT_THIS_PLAN = _(
    "This workbook is not the action plan of this assessment. Use “Export to Excel” on this plan, edit that "
    "file and upload it."
)
TOO_MANY_ROWS = _("The workbook has more than %(limit)s rows; an action plan has far fewer.")


@dataclass(frozen=True, slots=True)
class PlanRow:
    number: int  # the row in the sheet, as the person sees it
    title: str
    criteria: str
    owner: str
    due_date: str
    status: str
    priority: str
    notes: str
    action_id: str
    version: str


def _read(upload: File[bytes]) -> bytes:
    upload.seek(0)
    data: bytes = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError(TOO_LARGE, code="too_large")
    if not data.startswith(b"PK\x03\x04"):
        raise ValidationError(NOT_XLSX, code="not_xlsx")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(part.file_size for part in archive.infolist()) > MAX_UNCOMPRESSED_BYTES:
                raise ValidationError(TOO_LARGE, code="too_large")
    except zipfile.BadZipFile:
        raise ValidationError(DAMAGED, code="corrupt") from None
    return data


def plan_workbook_parse(upload: File[bytes], *, assessment_id: int) -> list[PlanRow]:
    data = _read(upload)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for damaged parts
        raise ValidationError(DAMAGED, code="corrupt") from None
    try:
        if workbook.properties.identifier != PLAN_IDENTIFIER.format(pk=assessment_id):
            raise ValidationError(NOT_THIS_PLAN, code="not_this_plan")
        sheet = workbook.worksheets[0]
        rows: list[PlanRow] = []
        for number, values in enumerate(sheet.iter_rows(min_row=2, max_col=COLUMNS, values_only=True), 2):
            if number > MAX_ROWS:
                raise ValidationError(TOO_MANY_ROWS, code="too_many_rows", params={"limit": MAX_ROWS})
            cells = [cell_text(value) for value in (*values, *([None] * COLUMNS))[:COLUMNS]]
            if not any(cells):
                continue
            title, _item, criteria, _phase, owner, due, status, priority, notes, action_id, version = cells
            rows.append(
                PlanRow(number, title, criteria, owner, due, status, priority, notes, action_id, version)
            )
    finally:
        workbook.close()
    return rows

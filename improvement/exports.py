"""The action plan as CSV and XLSX: one row per action with owners and dates, in the reader's language.

Text from people is written as text, never as a formula (a leading ``=``, ``+``, ``-``, ``@``, tab or CR
gets a quote: an apostrophe in CSV, Excel's quote prefix in XLSX), as the assessment workbook does.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.styles import Font

from assessments.models import Assessment
from reports.spreadsheets import clean_text

from .models import Action

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _header() -> list[str]:
    return [
        _("Title"),
        _("Capability item"),
        _("Criteria"),
        _("Phase"),
        _("Owner"),
        _("Due date"),
        _("Status"),
        _("Priority"),
        _("Notes"),
    ]


def action_plan_rows(*, assessment: Assessment) -> list[list[str]]:
    """The plan in its order (phase, then quick wins), as text; two queries."""
    actions = assessment.actions.select_related("item", "owner").prefetch_related("criteria")
    return [
        [
            a.title,
            a.item.code,
            " ".join(sorted(c.code for c in a.criteria.all())),
            str(a.phase),
            a.owner_label,
            a.due_date.isoformat() if a.due_date else "",
            str(a.get_status_display()),
            str(a.get_priority_display()),
            a.notes,
        ]
        for a in actions
    ]


def _safe(text: str) -> str:
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def table_csv(header: list[str], rows: list[list[Any]]) -> bytes:
    """UTF-8 with a BOM (spreadsheet programs then read it as UTF-8), formulas neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([_safe("" if value is None else str(value)) for value in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode()


def action_plan_csv(*, assessment: Assessment) -> bytes:
    return table_csv(_header(), action_plan_rows(assessment=assessment))


# The workbook names its assessment in its properties, and each row its action and the version exported,
# so that the re-import (``improvement.plan_workbook``) refers to the right rows and refuses stale ones.
PLAN_IDENTIFIER = "maturity-portal-action-plan:{pk}"


def action_version(action: Action) -> str:
    """What the re-import compares: the action's last change, to the microsecond."""
    return action.updated_at.isoformat(timespec="microseconds")


def action_plan_xlsx(*, assessment: Assessment) -> bytes:
    """The plan with two more columns than the CSV: the action's id and version (for the re-import)."""
    workbook = openpyxl.Workbook()
    workbook.properties.identifier = PLAN_IDENTIFIER.format(pk=assessment.pk)
    sheet = workbook.active
    assert sheet is not None  # noqa: S101 - a new workbook always has one sheet
    sheet.title = clean_text(_("Action plan"))[:31]
    header = [*_header(), _("Action id (do not change)"), _("Version (do not change)")]
    for column, label in enumerate(header, 1):
        sheet.cell(row=1, column=column, value=label).font = Font(bold=True)
    actions = assessment.actions.order_by("phase", "effort", "pk")
    keys = [[str(a.pk), action_version(a)] for a in actions]
    for row, values in enumerate(
        [[*r, *k] for r, k in zip(action_plan_rows(assessment=assessment), keys, strict=True)], 2
    ):
        for column, value in enumerate(values, 1):
            text = clean_text(value)
            cell = sheet.cell(row=row, column=column)
            if text:
                cell.value = text
                cell.data_type = "s"  # text, never a formula
                cell.quotePrefix = text.startswith(_FORMULA_START)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

"""Helpers for the spreadsheet tests: export through the URL, fill in like a user with openpyxl, upload."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from assessments.models import Assessment
from reports.spreadsheets import COLUMN_INDEX

Workbook = Any


def export(client: Client, assessment: Assessment, **headers: Any) -> bytes:
    response = client.get(reverse("reports:export_xlsx", args=[assessment.pk]), **headers)
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]


def find_row(workbook: Workbook, code: str) -> tuple[Any, int]:
    """The sheet and row number of a criterion."""
    for ws in workbook.worksheets[1:]:
        for row in range(2, ws.max_row + 1):
            if ws.cell(row=row, column=COLUMN_INDEX["code"]).value == code:
                return ws, row
    raise AssertionError(f"{code} not in the workbook")


def fill(
    content: bytes,
    edits: dict[str, dict[str, object]] | None = None,
    change: Callable[[Workbook], None] | None = None,
) -> bytes:
    """The workbook with cells changed as a user would: ``{code: {column key: value}}``, then ``change``."""
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    for code, values in (edits or {}).items():
        ws, row = find_row(workbook, code)
        for key, value in values.items():
            cell = ws.cell(row=row, column=COLUMN_INDEX[key])
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # typed as text, as Excel keeps a cell exported as text
    if change is not None:
        change(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client: Client, assessment: Assessment, content: bytes, name: str = "questionnaire.xlsx") -> Any:
    return client.post(
        reverse("reports:import_xlsx", args=[assessment.pk]), {"file": SimpleUploadedFile(name, content)}
    )


def apply(client: Client, assessment: Assessment, preview_response: Any) -> Any:
    token = preview_response.context["apply_form"].initial["payload"]
    return client.post(reverse("reports:import_xlsx", args=[assessment.pk]), {"payload": token})


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def page_text(response: Any) -> str:
    return response.content.decode()

"""The offline questionnaire read back: ``workbook_parse`` turns an upload into plain rows or raises
``ValidationError`` with one message for a file that cannot be used at all (not an XLSX, encrypted, corrupt,
too large, wrong headers…). The rules for the rows are in ``reports.imports``; the format is written by
``reports.spreadsheets``.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

import openpyxl
from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils import translation
from django.utils.translation import gettext_lazy

from assessments.evidence import human_size

from .spreadsheets import ASSESSMENT_ID_NAME, COLUMN_INDEX, COLUMNS, REQUIRED_KEYS, clean_text

# Limits of what an upload may be: a real export is ~60 KB with ~250 rows on five sheets.
MAX_UPLOAD_BYTES: Final = 5 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES: Final = 50 * 1024 * 1024  # sum of the parts' declared sizes (zip bombs)
MAX_PARTS: Final = 1_000
MAX_SHEETS: Final = 30
MAX_ROWS_PER_SHEET: Final = 1_000
MAX_COLUMNS: Final = 40

FILE_EMPTY: Final = gettext_lazy("The file is empty.")
FILE_TOO_LARGE: Final = gettext_lazy("The file is %(size)s; the limit is %(limit)s.")
NOT_XLSX: Final = gettext_lazy(
    "This is not an Excel workbook (.xlsx). Upload the file exported from this assessment, saved as .xlsx."
)
ENCRYPTED_OR_XLS: Final = gettext_lazy(
    "The file is password-protected or in the old .xls format. Save it as an unprotected .xlsx workbook "
    "and upload it again."
)
CORRUPT: Final = gettext_lazy("The workbook is damaged and cannot be read. Save it again as .xlsx and retry.")
TOO_MANY_PARTS: Final = gettext_lazy("The workbook is far larger than an exported questionnaire.")
TOO_MANY_ROWS: Final = gettext_lazy(
    "Sheet “%(sheet)s” has more than %(limit)s rows; an exported questionnaire has far fewer."
)
WORKBOOK_EMPTY: Final = gettext_lazy("The workbook is empty.")
NO_QUESTIONNAIRE_SHEETS: Final = gettext_lazy(
    "The workbook has no questionnaire sheets (one per domain, named by the domain code, e.g. “SP …”)."
)
NOT_AN_EXPORT: Final = gettext_lazy(
    "This workbook was not exported from the portal (it does not name its assessment). Use “Export to "
    "Excel” on the assessment's page, fill in that file and upload it."
)
OTHER_ASSESSMENT: Final = gettext_lazy(
    "This workbook belongs to another assessment (id %(found)s), not to this one (id %(expected)s)."
)
WRONG_HEADERS: Final = gettext_lazy(
    "Sheet “%(sheet)s” does not have the exported column headers in row 1; missing: %(missing)s. "
    "Export the questionnaire again and fill that in."
)

_CFB_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE2: encrypted OOXML and legacy .xls
_ZIP_MAGIC: Final = b"PK\x03\x04"


@dataclass(frozen=True, slots=True)
class ParsedRow:
    sheet: str
    row: int  # as the spreadsheet program numbers it
    sheet_domain: str
    code: str
    rating: str  # stripped and upper-cased; validated by the import service
    comment: str
    justification: str
    revision: object  # the raw cell value
    checksum: str


def _header_labels() -> dict[str, str]:
    """Accepted header text (case-folded) → column key, in every language, so that a file exported in
    English imports on a Chinese page and the other way round."""
    labels: dict[str, str] = {}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            for column in COLUMNS:
                labels[str(column.label).strip().casefold()] = column.key
    return labels


def cell_text(value: object) -> str:
    """A cell's value as text: numbers without a spurious ``.0``, dates in ISO form, nothing for empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return clean_text(str(value))


def _check_package(data: bytes) -> None:
    if not data:
        raise ValidationError(FILE_EMPTY, code="file_empty")
    if data.startswith(_CFB_MAGIC):
        raise ValidationError(ENCRYPTED_OR_XLS, code="encrypted")
    if not data.startswith(_ZIP_MAGIC):
        raise ValidationError(NOT_XLSX, code="not_xlsx")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
            if len(parts) > MAX_PARTS or sum(part.file_size for part in parts) > MAX_UNCOMPRESSED_BYTES:
                raise ValidationError(TOO_MANY_PARTS, code="too_large")
            names = {part.filename.lower() for part in parts}
    except ValidationError:
        raise
    except Exception:  # any damage to the directory: zipfile raises half a dozen types
        raise ValidationError(CORRUPT, code="corrupt") from None
    if "xl/workbook.xml" not in names or "[content_types].xml" not in names:
        raise ValidationError(NOT_XLSX, code="not_xlsx")


def _read_upload(upload: File[bytes]) -> bytes:
    size = upload.size
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            FILE_TOO_LARGE,
            code="too_large",
            params={"size": human_size(size), "limit": human_size(MAX_UPLOAD_BYTES)},
        )
    upload.seek(0)
    data: bytes = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError(
            FILE_TOO_LARGE,
            code="too_large",
            params={"size": human_size(len(data)), "limit": human_size(MAX_UPLOAD_BYTES)},
        )
    return data


def workbook_parse(
    *, upload: File[bytes], assessment_id: int, domain_codes: Collection[str]
) -> list[ParsedRow]:
    """The rows of the domain sheets of an uploaded workbook, or ``ValidationError`` for an unusable file.

    The file must be an export of the assessment ``assessment_id``. Sheets are recognised by a title
    starting with one of ``domain_codes``; other sheets (the About sheet, a user's own notes) are ignored.
    Rows that are entirely empty are skipped.
    """
    data = _read_upload(upload)
    _check_package(data)
    try:
        # data_only: what the user sees in a cell, not a formula behind it.
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises KeyError, ValueError, TypeError, XML errors… for damaged files
        raise ValidationError(CORRUPT, code="corrupt") from None
    try:
        return _parse_workbook(workbook, assessment_id, set(domain_codes))
    except ValidationError:
        raise
    except Exception:  # sheets are parsed lazily, so damage can surface only now
        raise ValidationError(CORRUPT, code="corrupt") from None
    finally:
        workbook.close()


def workbook_sheet_rows(*, upload: File[bytes]) -> list[tuple[str, list[tuple[object, ...]]]]:
    """Every sheet of an uploaded workbook as (title, rows of cell values), after the same checks as
    ``workbook_parse`` (size, package, damage); for other imports of plain tables (KPI values)."""
    data = _read_upload(upload)
    _check_package(data)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises KeyError, ValueError, TypeError, XML errors… for damaged files
        raise ValidationError(CORRUPT, code="corrupt") from None
    try:
        if len(workbook.worksheets) > MAX_SHEETS:
            raise ValidationError(TOO_MANY_PARTS, code="too_large")
        return [(str(ws.title), _sheet_rows(ws, str(ws.title))) for ws in workbook.worksheets]
    except ValidationError:
        raise
    except Exception:  # sheets are parsed lazily, so damage can surface only now
        raise ValidationError(CORRUPT, code="corrupt") from None
    finally:
        workbook.close()


def _parse_workbook(workbook: Any, assessment_id: int, domain_codes: set[str]) -> list[ParsedRow]:
    worksheets = workbook.worksheets
    if len(worksheets) > MAX_SHEETS:
        raise ValidationError(TOO_MANY_PARTS, code="too_large")
    sheets = [(str(ws.title), _sheet_rows(ws, str(ws.title))) for ws in worksheets]
    if not any(v not in (None, "") for _title, cells in sheets for values in cells for v in values):
        raise ValidationError(WORKBOOK_EMPTY, code="empty")
    found = _assessment_id(workbook)
    if found is None:
        raise ValidationError(NOT_AN_EXPORT, code="not_an_export")
    if found != assessment_id:
        raise ValidationError(
            OTHER_ASSESSMENT, code="other_assessment", params={"found": found, "expected": assessment_id}
        )
    labels = _header_labels()
    rows: list[ParsedRow] = []
    domain_sheets = 0
    for title, cells in sheets:
        domain = title.split(" ", 1)[0].strip()
        if domain not in domain_codes:
            continue
        domain_sheets += 1
        header = [labels.get(cell_text(v).strip().casefold(), "") for v in (cells[0] if cells else ())]
        missing = [key for key in REQUIRED_KEYS if key not in header]
        if missing:
            names = ", ".join(f"“{COLUMNS[COLUMN_INDEX[key] - 1].label}”" for key in missing)
            raise ValidationError(
                WRONG_HEADERS, code="wrong_headers", params={"sheet": title, "missing": names}
            )
        position = {key: header.index(key) for key in REQUIRED_KEYS}
        for number, values in enumerate(cells[1:], start=2):
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue

            rows.append(
                ParsedRow(
                    sheet=title,
                    row=number,
                    sheet_domain=domain,
                    code=cell_text(_at(values, position, "code")).strip().upper(),
                    rating=cell_text(_at(values, position, "rating")).strip().upper(),
                    comment=cell_text(_at(values, position, "comment")),
                    justification=cell_text(_at(values, position, "justification")),
                    revision=_at(values, position, "revision"),
                    checksum=cell_text(_at(values, position, "checksum")).strip(),
                )
            )
    if not domain_sheets:
        raise ValidationError(NO_QUESTIONNAIRE_SHEETS, code="no_sheets")
    return rows


def _at(values: tuple[object, ...], position: dict[str, int], key: str) -> object:
    index = position[key]
    return values[index] if index < len(values) else None


def _sheet_rows(ws: Any, title: str) -> list[tuple[object, ...]]:
    cells = []
    for number, values in enumerate(ws.iter_rows(values_only=True, max_col=MAX_COLUMNS), start=1):
        if number > MAX_ROWS_PER_SHEET:
            raise ValidationError(
                TOO_MANY_ROWS, code="too_many_rows", params={"sheet": title, "limit": MAX_ROWS_PER_SHEET}
            )
        cells.append(tuple(values))
    return cells


def _assessment_id(workbook: Any) -> int | None:
    """The id the export wrote under ``PortalAssessmentId``; None when the name or its cell is missing."""
    defined = workbook.defined_names.get(ASSESSMENT_ID_NAME)
    if defined is None:
        return None
    for sheet, reference in defined.destinations:
        if sheet not in workbook.sheetnames or ":" in reference:
            return None
        value = workbook[sheet][reference.replace("$", "")].value
        text = cell_text(value).strip()
        return int(text) if text.isdigit() else None
    return None


def workbook_open(*, upload: File[bytes]) -> Any:
    """An uploaded XLSX opened read-only (values, not formulas) after the same checks as the offline
    questionnaire (size, zip bombs, encryption, damage); the caller closes it. Other round trips (the
    teams app's workbook per respondent) read their own sheets from it."""
    data = _read_upload(upload)
    _check_package(data)
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises KeyError, ValueError, TypeError, XML errors… for damaged files
        raise ValidationError(CORRUPT, code="corrupt") from None


def workbook_assessment_id(workbook: Any) -> int | None:
    """The assessment id an export wrote under ``PortalAssessmentId`` (None when missing)."""
    return _assessment_id(workbook)

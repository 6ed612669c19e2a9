"""The assessment as an XLSX workbook, and that workbook read back (the offline questionnaire).

Export: a first sheet "About" with what the file is and how to fill it in, then one sheet per domain with a
row per criterion, in the reader's active language. Only the self rating, justification and comment are
meant to be edited; the other columns are shaded. Two hidden columns make the file safe to import later:
``revision`` (the answer's revision when exported: the same optimistic-concurrency rule as the questionnaire)
and ``checksum`` (of the row's code and answer as exported: an unedited row is recognised as such even
when the answer moved on in the portal meanwhile, so that a colleague's change is never reported as a
conflict on a row nobody touched). The workbook carries the assessment id in the defined name
``PortalAssessmentId``, so a file exported from another assessment is refused.

Text from people (titles, comments, criteria) is written as a string cell; a value that a spreadsheet
program could read as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or CR) also gets Excel's
"quote prefix", so that it stays text when the cell is edited too. Characters that XML cannot carry are
dropped, and line ends normalised, on the way out and on the way back in.

Import: ``workbook_parse`` turns an upload into plain rows or raises ``ValidationError`` with one message
for a file that cannot be used at all (not an XLSX, encrypted, corrupt, too large, wrong headers…). The
rules for rows are in ``reports.imports``.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

import openpyxl
from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from assessments.evidence import human_size
from assessments.models import RATING_CHOICES, RATING_VALUES, Answer, Assessment
from assessments.selectors import ANSWER_MODEL_ORDER
from capability_model.models import Domain

XLSX_CONTENT_TYPE: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ASSESSMENT_ID_NAME: Final = "PortalAssessmentId"

# Limits of what an upload may be: a real export is ~60 KB with ~250 rows on five sheets.
MAX_UPLOAD_BYTES: Final = 5 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES: Final = 50 * 1024 * 1024  # sum of the parts' declared sizes (zip bombs)
MAX_PARTS: Final = 1_000
MAX_SHEETS: Final = 30
MAX_ROWS_PER_SHEET: Final = 1_000
MAX_COLUMNS: Final = 40
CELL_TEXT_LIMIT: Final = 32_767  # Excel's limit for one cell

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
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")
_SHEET_TITLE_FORBIDDEN: Final = re.compile(r"[\[\]:*?/\\]")
_SHEET_TITLE_LIMIT: Final = 31


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: Any  # a lazy translation, or a plain machine name for the hidden columns
    width: int
    editable: bool = False
    hidden: bool = False


COLUMNS: Final[tuple[Column, ...]] = (
    Column("code", gettext_lazy("Criterion code"), 13),
    Column("item", gettext_lazy("Capability item"), 22),
    Column("level", gettext_lazy("Level"), 7),
    Column("required", gettext_lazy("Required"), 10),
    Column("statement", gettext_lazy("Criterion"), 60),
    Column("guidance", gettext_lazy("Guidance"), 45),
    Column("evidence", gettext_lazy("Evidence examples"), 35),
    Column("rating", gettext_lazy("Self rating (N/P/L/F/NA)"), 14, editable=True),
    Column("justification", gettext_lazy("Justification (needed for NA)"), 35, editable=True),
    Column("comment", gettext_lazy("Comment"), 40, editable=True),
    Column("verified_rating", gettext_lazy("Verified rating"), 11),
    Column("review_comment", gettext_lazy("Review comment"), 35),
    Column("revision", "revision", 9, hidden=True),
    Column("checksum", "checksum", 22, hidden=True),
)
COLUMN_INDEX: Final = {column.key: position for position, column in enumerate(COLUMNS, start=1)}
REQUIRED_KEYS: Final = ("code", "rating", "justification", "comment", "revision", "checksum")

_HEADER_FILL: Final = PatternFill("solid", fgColor="0B5F7A")
_HEADER_FONT: Final = Font(bold=True, color="FFFFFF")
_READ_ONLY_FILL: Final = PatternFill("solid", fgColor="EDEDED")
_WRAP: Final = Alignment(wrap_text=True, vertical="top")


# --- text ----------------------------------------------------------------------------------------------


def clean_text(value: str) -> str:
    """Text as a cell can hold it and as it comes back: no XML-illegal characters, ``\\n`` line ends."""
    text = ILLEGAL_CHARACTERS_RE.sub("", value).replace("\r\n", "\n").replace("\r", "\n")
    return text[:CELL_TEXT_LIMIT]


def row_checksum(*, code: str, rating: str, comment: str, justification: str) -> str:
    """Fingerprint of a row's answer as exported; equal on import means the row was not edited."""
    data = json.dumps([code, rating, clean_text(comment), clean_text(justification)], ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()[:24]


def _put(ws: Worksheet, row: int, column: int, value: object) -> Any:
    """Writes a value; strings always as text, never as a formula (CSV/formula injection)."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        text = clean_text(value)
        if not text:
            cell.value = None
            return cell
        cell.value = text
        cell.data_type = "s"  # the setter reads a leading "=" as a formula; this is text
        if text.startswith(_FORMULA_START):
            cell.quotePrefix = True  # Excel and LibreOffice keep it text when the cell is edited
    else:
        cell.value = value
    return cell


def sheet_title(text: str) -> str:
    """A legal sheet name: at most 31 characters, none of ``[]:*?/\\``, no apostrophe at either end."""
    title = _SHEET_TITLE_FORBIDDEN.sub(" ", clean_text(text))
    return re.sub(r"\s+", " ", title).strip()[:_SHEET_TITLE_LIMIT].strip().strip("'")


def export_filename(assessment: Assessment) -> str:
    slug = slugify(assessment.title, allow_unicode=True)[:60].strip("-")
    return f"assessment-{assessment.pk}-{slug}.xlsx" if slug else f"assessment-{assessment.pk}.xlsx"


# --- export --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExportRow:
    code: str
    item: str
    level: int
    required: bool
    statement: str
    guidance: str
    evidence: str
    rating: str
    justification: str
    comment: str
    verified_rating: str
    review_comment: str
    revision: int

    @property
    def checksum(self) -> str:
        return row_checksum(
            code=self.code, rating=self.rating, comment=self.comment, justification=self.justification
        )


@dataclass(frozen=True, slots=True)
class ExportSheet:
    domain_code: str
    title: str
    rows: list[ExportRow]


def export_sheets(*, assessment: Assessment) -> list[ExportSheet]:
    """The assessment's answers by domain in model order, texts in the active language (two queries)."""
    domains = list(
        Domain.objects.filter(capability_model_id=assessment.capability_model_id).order_by("order", "code")
    )
    rows: dict[int, list[ExportRow]] = {domain.pk: [] for domain in domains}
    answers = (
        Answer.objects.filter(assessment=assessment)
        .select_related("criterion__item")
        .order_by(*ANSWER_MODEL_ORDER)
    )
    for answer in answers:
        criterion = answer.criterion
        rows.setdefault(criterion.item.domain_id, []).append(
            ExportRow(
                code=criterion.code,
                item=f"{criterion.item.code} {criterion.item.name}",
                level=criterion.level,
                required=criterion.level <= assessment.target_level,
                statement=criterion.statement,
                guidance=criterion.guidance,
                evidence="\n".join(criterion.evidence_examples),
                rating=answer.rating,
                justification=answer.justification,
                comment=answer.comment,
                verified_rating=answer.verified_rating,
                review_comment=answer.review_comment,
                revision=answer.revision,
            )
        )
    # The title starts with the code: that is how the import recognises a domain's sheet.
    return [ExportSheet(d.code, sheet_title(f"{d.code} {d.name}") or d.code, rows[d.pk]) for d in domains]


def assessment_workbook(*, assessment: Assessment) -> bytes:
    """The XLSX file of one assessment, in the active language."""
    workbook = openpyxl.Workbook()
    about = workbook.active
    assert about is not None  # noqa: S101 - a new workbook always has one sheet
    id_row = _write_about(about, assessment)
    workbook.defined_names[ASSESSMENT_ID_NAME] = DefinedName(
        ASSESSMENT_ID_NAME, attr_text=f"{quote_sheetname(about.title)}!$B${id_row}"
    )
    for sheet in export_sheets(assessment=assessment):
        _write_domain_sheet(workbook.create_sheet(sheet.title), sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_about(ws: Worksheet, assessment: Assessment) -> int:
    """Fills the first sheet; returns the row of the assessment id."""
    ws.title = sheet_title(_("About")) or "About"
    model = assessment.capability_model
    exported_at = timezone.localtime().strftime("%Y-%m-%d %H:%M %Z")
    _put(ws, 1, 1, _("Offline questionnaire")).font = Font(bold=True, size=14)
    id_row = 5
    facts: list[tuple[str, object]] = [
        (_("Organisation"), assessment.organisation.name),
        (_("Assessment"), assessment.title),
        (_("Assessment id"), assessment.pk),  # row ``id_row``: the defined name points here
        (_("Capability model"), f"{model.code} v{model.version} — {model.name}"),
        (_("State"), str(assessment.get_state_display())),
        (_("Target level"), assessment.target_level),
        (_("Exported at"), exported_at),
    ]
    for row, (label, value) in enumerate(facts, start=3):
        _put(ws, row, 1, label).font = Font(bold=True)
        _put(ws, row, 2, value).alignment = Alignment(horizontal="left", wrap_text=True, vertical="top")
    row = 3 + len(facts) + 1
    _put(ws, row, 1, _("How to fill it in")).font = Font(bold=True, size=12)
    instructions = [
        _("Each domain has its own sheet, one row per criterion."),
        _(
            "Fill in only the white columns: the self rating, the justification (needed for NA) and the "
            "comment. Shaded columns are for reading; changes to them are ignored."
        ),
        _("A rating is one of N, P, L, F or NA; leave it empty for an unanswered criterion."),
        _(
            "Do not rename the sheets or change the first row, and do not use this file for another "
            "assessment."
        ),
        _(
            "Upload the file under “Offline questionnaire (import)” on the assessment's page: you will see "
            "every change before it is applied, and nothing is applied while any row has a problem."
        ),
        _(
            "Rows you did not edit are left alone. A row you edited is refused if the answer was changed in "
            "the portal after this export: export again or edit that answer in the portal."
        ),
    ]
    for text in instructions:
        row += 1
        _put(ws, row, 1, "•")
        _put(ws, row, 2, text).alignment = _WRAP
    row += 2
    _put(ws, row, 1, _("Ratings")).font = Font(bold=True, size=12)
    for rating, meaning in RATING_CHOICES:
        row += 1
        _put(ws, row, 1, rating).font = Font(bold=True)
        _put(ws, row, 2, str(meaning))
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 100
    return id_row


def _write_domain_sheet(ws: Worksheet, sheet: ExportSheet) -> None:
    for position, column in enumerate(COLUMNS, start=1):
        cell = _put(ws, 1, position, str(column.label))
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        dimension = ws.column_dimensions[get_column_letter(position)]
        dimension.width = column.width
        dimension.hidden = column.hidden
    yes, no = _("yes"), _("no")
    for number, row in enumerate(sheet.rows, start=2):
        values = {
            "code": row.code,
            "item": row.item,
            "level": row.level,
            "required": yes if row.required else no,
            "statement": row.statement,
            "guidance": row.guidance,
            "evidence": row.evidence,
            "rating": row.rating,
            "justification": row.justification,
            "comment": row.comment,
            "verified_rating": row.verified_rating,
            "review_comment": row.review_comment,
            "revision": row.revision,
            "checksum": row.checksum,
        }
        for position, column in enumerate(COLUMNS, start=1):
            cell = _put(ws, number, position, values[column.key])
            cell.alignment = _WRAP
            if not column.editable:
                cell.fill = _READ_ONLY_FILL
    last = len(sheet.rows) + 1
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{last}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    if sheet.rows:
        rating = get_column_letter(COLUMN_INDEX["rating"])
        validation = DataValidation(
            type="list",
            formula1=f'"{",".join(RATING_VALUES)}"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=_("Rating"),
            error=_("Choose N, P, L, F or NA, or leave the cell empty."),
            showInputMessage=True,
            promptTitle=_("Rating"),
            prompt=_("N, P, L, F or NA (NA needs a justification)"),
        )
        validation.add(f"{rating}2:{rating}{last}")
        ws.add_data_validation(validation)


# --- import --------------------------------------------------------------------------------------------


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

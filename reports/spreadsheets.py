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
program could read as a formula (starting with ``=``, ``+``, ``-``, ``@``, ``|``, tab or CR, also after
leading spaces and in their full-width forms such as ``＝``) also gets Excel's "quote prefix", so that it
stays text when the cell is edited too. Characters that XML cannot carry are
dropped, and line ends normalised, on the way out and on the way back in.

Reading the workbook back is ``reports.workbook_reader``; the rules for its rows are in ``reports.imports``.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Final

import openpyxl
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from assessments.models import RATING_CHOICES, RATING_VALUES, Answer, Assessment
from assessments.selectors import ANSWER_MODEL_ORDER
from capability_model.models import Domain

XLSX_CONTENT_TYPE: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ASSESSMENT_ID_NAME: Final = "PortalAssessmentId"
CELL_TEXT_LIMIT: Final = 32_767  # Excel's limit for one cell

# "|" starts a DDE call in older Excel and LibreOffice (=cmd|' /C calc'!A0 without its "=").
_FORMULA_START: Final = ("=", "+", "-", "@", "|", "\t", "\r")
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


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet program might read the text as a formula or a DDE call when it is typed or
    pasted: its first character after any spaces (full-width ones included), compared in its NFKC form, so
    that ``＝1+1``, `` =1+1`` and ``|calc`` count as well as ``=1+1``."""
    if text.startswith(_FORMULA_START):
        return True
    stripped = text.lstrip()
    return bool(stripped) and unicodedata.normalize("NFKC", stripped[0]) in _FORMULA_START


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
        if looks_like_formula(text):
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


def cell_write(ws: Worksheet, row: int, column: int, value: object) -> Any:
    """Writes one cell as the exports do (text never a formula): for other apps' workbooks."""
    return _put(ws, row, column, value)

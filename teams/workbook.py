"""The offline round trip per respondent: the criteria a person answers in panels as an XLSX workbook, and
that workbook read back into their own responses.

The file follows the assessment's offline questionnaire (``reports.spreadsheets``): an "About" sheet that
names the assessment (``PortalAssessmentId``) and the respondent (``PortalRespondentId``), one sheet of
rows, text never written as a formula, and two hidden columns per row — the response's revision when
exported (the same optimistic concurrency as the page) and a checksum of the row as exported, so that a
row nobody edited is left alone. The import applies all rows or none: any problem (an unknown code, a
criterion the person does not answer, a bad rating, NA without a comment, a response changed in the
portal since the export) is reported with its row, and nothing is written.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from typing import Any, Final

import openpyxl
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.styles import Font
from openpyxl.utils import quote_sheetname
from openpyxl.workbook.defined_name import DefinedName

from assessments.models import RATING_VALUES
from reports.spreadsheets import ASSESSMENT_ID_NAME, cell_write, clean_text
from reports.workbook_reader import cell_text, workbook_assessment_id, workbook_open

from . import selectors, services
from .access import TeamAccess

RESPONDENT_ID_NAME: Final = "PortalRespondentId"
SHEET: Final = "Responses"
HEADERS: Final = (
    "code",
    "item",
    "level",
    "statement",
    "rating",
    "comment",
    "evidence",
    "revision",
    "checksum",
)
EDITABLE: Final = ("rating", "comment", "evidence")
MAX_ROWS: Final = 1_000

NOT_THIS_FILE = gettext_lazy(
    "This workbook is not your export of this assessment's responses: export yours again and fill that in."
)
NO_SHEET = gettext_lazy("The workbook has no “Responses” sheet with the exported headers.")
ROW_PROBLEM = gettext_lazy("Row %(row)s (%(code)s): %(problem)s")
BAD_RATING = gettext_lazy("the rating must be N, P, L, F, NA or empty")
NOT_YOURS = gettext_lazy("you do not answer this criterion")
NOTHING_TO_EXPORT = gettext_lazy("You are not a respondent for any criterion of this assessment.")


def _checksum(code: str, rating: str, comment: str, evidence: str) -> str:
    data = json.dumps([code, rating, clean_text(comment), clean_text(evidence)], ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()[:24]


def respondent_workbook(*, team: TeamAccess, user: User) -> bytes:
    """The criteria the user answers in this assessment's panels, with their own responses."""
    assessment = team.access.assessment
    rows = selectors.respondent_rows(assessment=assessment, user=user)
    if not rows:
        raise ValidationError(NOTHING_TO_EXPORT, code="not_a_respondent")
    workbook = openpyxl.Workbook()
    about = workbook.active
    assert about is not None  # noqa: S101 - a new workbook always has one sheet
    about.title = "About"
    cell_write(about, 1, 1, _("My responses")).font = Font(bold=True, size=14)
    facts = [
        (_("Assessment"), assessment.title),
        (_("Assessment id"), assessment.pk),
        (_("Respondent"), user.get_username()),
        (_("Respondent id"), user.pk),
    ]
    for number, (label, value) in enumerate(facts, start=3):
        cell_write(about, number, 1, label).font = Font(bold=True)
        cell_write(about, number, 2, value)
    cell_write(
        about,
        8,
        1,
        _("Fill in only your rating (N, P, L, F or NA), comment and evidence; NA needs a comment."),
    )
    workbook.defined_names[ASSESSMENT_ID_NAME] = DefinedName(
        ASSESSMENT_ID_NAME, attr_text=f"{quote_sheetname(about.title)}!$B$4"
    )
    workbook.defined_names[RESPONDENT_ID_NAME] = DefinedName(
        RESPONDENT_ID_NAME, attr_text=f"{quote_sheetname(about.title)}!$B$6"
    )
    sheet = workbook.create_sheet(SHEET)
    for column, header in enumerate(HEADERS, start=1):
        cell_write(sheet, 1, column, header).font = Font(bold=True)
    for number, (criterion, response) in enumerate(rows, start=2):
        rating, comment, evidence = (
            (response.rating, response.comment, response.evidence) if response else ("", "", "")
        )
        values = (
            criterion.code,
            criterion.item.code,
            criterion.level,
            criterion.statement,
            rating,
            comment,
            evidence,
            response.revision if response else 0,
            _checksum(criterion.code, rating, comment, evidence),
        )
        for column, value in enumerate(values, start=1):
            cell_write(sheet, number, column, value)
    for letter in ("H", "I"):
        sheet.column_dimensions[letter].hidden = True
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    saved: int
    problems: list[str]


def _revision(value: object) -> int:
    text = cell_text(value).strip()
    return int(text) if text.isdigit() else -1


def respondent_import(*, team: TeamAccess, user: User, upload: File[bytes]) -> ImportOutcome:
    """Reads a filled-in export back: every edited row saved as the page saves it, or none."""
    services.ensure_can_respond(team)
    workbook = workbook_open(upload=upload)
    try:
        rows = _read(workbook, team, user)
    finally:
        workbook.close()
    mine = {c.code: r for c, r in selectors.respondent_rows(assessment=team.access.assessment, user=user)}
    problems: list[str] = []
    edits: list[tuple[int, str, services.ResponseInput]] = []
    for number, values in rows:
        code = values["code"].strip().upper()
        rating = values["rating"].strip().upper()
        comment, evidence = values["comment"], values["evidence"]
        if _checksum(code, rating, comment, evidence) == values["checksum"].strip():
            continue  # not edited
        problem = ""
        if code not in mine:
            problem = str(NOT_YOURS)
        elif rating not in ("", *RATING_VALUES):
            problem = str(BAD_RATING)
        if problem:
            problems.append(str(ROW_PROBLEM) % {"row": number, "code": code, "problem": problem})
            continue
        edits.append(
            (number, code, services.ResponseInput(rating, comment, evidence, _revision(values["revision"])))
        )
    if problems:
        return ImportOutcome(0, problems)
    saved = 0
    with transaction.atomic():
        for number, code, data in edits:
            try:
                _response, written = services.response_write(
                    team=team, criterion_code=code, data=data, user=user
                )
            except ValidationError as exc:
                problems.append(
                    str(ROW_PROBLEM) % {"row": number, "code": code, "problem": " ".join(exc.messages)}
                )
            else:
                saved += int(written)
        if problems:
            transaction.set_rollback(True)
            return ImportOutcome(0, problems)
    return ImportOutcome(saved, [])


def _read(workbook: Any, team: TeamAccess, user: User) -> list[tuple[int, dict[str, str]]]:
    respondent = _named_int(workbook, RESPONDENT_ID_NAME)
    if workbook_assessment_id(workbook) != team.access.assessment.pk or respondent != user.pk:
        raise ValidationError(NOT_THIS_FILE, code="other_file")
    if SHEET not in workbook.sheetnames:
        raise ValidationError(NO_SHEET, code="no_sheet")
    cells = list(workbook[SHEET].iter_rows(values_only=True, max_col=len(HEADERS), max_row=MAX_ROWS))
    if not cells or tuple(cell_text(v) for v in cells[0]) != HEADERS:
        raise ValidationError(NO_SHEET, code="no_sheet")
    result = []
    for number, values in enumerate(cells[1:], start=2):
        texts = {key: cell_text(values[i] if i < len(values) else None) for i, key in enumerate(HEADERS)}
        if any(texts.values()):
            result.append((number, texts))
    return result


def _named_int(workbook: Any, name: str) -> int | None:
    defined = workbook.defined_names.get(name)
    if defined is None:
        return None
    for sheet, reference in defined.destinations:
        if sheet not in workbook.sheetnames or ":" in reference:
            return None
        text = cell_text(workbook[sheet][reference.replace("$", "")].value).strip()
        return int(text) if text.isdigit() else None
    return None

"""The offline questionnaire: a filled-in export is previewed, then applied in one transaction.

Rules for a row of an uploaded workbook (``reports.spreadsheets`` reads the file):

- A row whose code and answer are exactly as exported (its hidden checksum still matches) was not edited
  and is left alone, even if the answer has changed in the portal since the export.
- An edited row whose values equal the stored answer is not a change either.
- Otherwise it is a change, unless something is wrong with it; every such row is reported with its
  sheet, row number and reason, and then nothing at all is applied: an unknown or missing criterion code,
  a criterion of another domain's sheet, a code that appears twice, a rating other than N/P/L/F/NA or
  empty, text longer than the questionnaire accepts, a missing revision, a conflict (the answer was
  changed in the portal since the export and differs from the row: the rule of ``answer_record``), or NA
  without a justification.
- A blank rating cell means "unanswered": in an edited row it clears a stored rating (the preview shows
  it as “F → —” before anything is applied); in an untouched row it does nothing.
- The flag for follow-up is not in the file and is kept as stored.

The preview's changes travel to the apply step in a form field signed with ``django.core.signing`` (salted
per assessment, bound to the user, valid for an hour), so no server keeps a temporary file. Applying goes
through ``assessments.services.answer_record`` for every change — same permissions, same conflict rule —
inside one transaction that is rolled back when any change fails.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Final

from django.conf import settings
from django.contrib.auth.models import User
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from assessments.access import AssessmentAccess
from assessments.forms import TEXT_LIMIT
from assessments.models import RATING_VALUES, Answer, Assessment
from assessments.services import (
    NA_NEEDS_JUSTIFICATION,
    AnswerConflictError,
    AnswerInput,
    answer_record,
    ensure_answers_editable,
)
from capability_model.models import Domain

from .spreadsheets import clean_text, row_checksum
from .workbook_reader import ParsedRow, workbook_parse

MISSING_CODE: Final = _("The row has no criterion code.")
UNKNOWN_CRITERION: Final = _(
    "Unknown criterion code %(code)s: this assessment's model has no such criterion."
)
WRONG_SHEET: Final = _(
    "Criterion %(code)s belongs to domain %(domain)s, not to this sheet (%(sheet_domain)s)."
)
DUPLICATE_CODE: Final = _(
    "Criterion %(code)s appears more than once; its first row is %(sheet)s, row %(row)s."
)
INVALID_RATING: Final = _("“%(rating)s” is not a rating: use N, P, L, F or NA, or leave the cell empty.")
TEXT_TOO_LONG: Final = _("The %(field)s has %(length)s characters; at most %(limit)s are accepted.")
BAD_REVISION: Final = _(
    "The hidden revision column of this row is missing or was changed. Export the questionnaire again."
)
CONFLICT: Final = _(
    "This answer was changed in the portal after the export (by %(who)s, now “%(rating)s”). Export the "
    "questionnaire again, or edit this answer in the portal."
)
CONFLICT_SINCE_PREVIEW: Final = _(
    "This answer was changed in the portal after the preview (by %(who)s, now “%(rating)s”). Nothing was "
    "applied; upload the file again to see the changes as they are now."
)
PAYLOAD_INVALID: Final = _(
    "The list of changes to apply is not valid (it was altered, or belongs to another assessment or user). "
    "Upload the file again."
)
PAYLOAD_EXPIRED: Final = _("The preview is more than an hour old. Upload the file again.")
PAYLOAD_TOO_LARGE: Final = _(
    "These changes carry too much text to apply in one go. Import the file in parts: keep some domain "
    "sheets (or rows), upload and apply, then do the same with the rest."
)

_FIELD_NAMES: Final = {"comment": _("comment"), "justification": _("justification")}
PAYLOAD_MAX_AGE: Final = 60 * 60


@dataclass(frozen=True, slots=True)
class ImportChange:
    """One answer the import will change: where it came from, the stored values and the new ones."""

    sheet: str
    row: int
    code: str
    rating: str
    comment: str
    justification: str
    flagged: bool  # kept as stored: the file does not carry it
    revision: int  # the stored revision the change is made against
    before_rating: str = ""
    before_comment: str = ""
    before_justification: str = ""

    @property
    def rating_changed(self) -> bool:
        return self.rating != self.before_rating

    @property
    def comment_changed(self) -> bool:
        return self.comment != clean_text(self.before_comment)

    @property
    def justification_changed(self) -> bool:
        return self.justification != clean_text(self.before_justification)


@dataclass(frozen=True, slots=True)
class RowProblem:
    sheet: str
    row: int
    code: str
    reason: str
    kind: str  # a stable code for tests and the page: "unknown_criterion", "conflict", …


@dataclass(frozen=True, slots=True)
class ImportPreview:
    changes: list[ImportChange]
    problems: list[RowProblem]
    rows_read: int

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True, slots=True)
class ImportResult:
    applied: int  # answers actually saved (0 when anything failed: then nothing was)
    problems: list[RowProblem]


def _problem(source: Any, kind: str, message: Any, **params: Any) -> RowProblem:
    """A problem of a parsed row or a change (anything with ``sheet``, ``row`` and ``code``)."""
    text = str(message) % params if params else str(message)
    return RowProblem(source.sheet, source.row, source.code, text, kind)


def questionnaire_import_preview(*, access: AssessmentAccess, upload: File[bytes]) -> ImportPreview:
    """Reads and checks an uploaded workbook against the stored answers; changes nothing.

    Raises ``ValidationError`` when the user may not change the assessment or the file is unusable as a
    whole; problems with single rows are returned, every one of them, with the changes.
    """
    ensure_answers_editable(access)
    assessment = access.assessment
    domain_codes = set(
        Domain.objects.filter(capability_model_id=assessment.capability_model_id).values_list(
            "code", flat=True
        )
    )
    rows = workbook_parse(upload=upload, assessment_id=assessment.pk, domain_codes=domain_codes)
    stored = {
        answer.criterion.code: answer
        for answer in Answer.objects.filter(assessment=assessment).select_related(
            "criterion__item__domain", "updated_by"
        )
    }
    changes: list[ImportChange] = []
    problems: list[RowProblem] = []
    seen: dict[str, ParsedRow] = {}
    for row in rows:
        change, row_problems = _check_row(row, stored, seen)
        problems.extend(row_problems)
        if change is not None:
            changes.append(change)
    return ImportPreview(changes=changes, problems=problems, rows_read=len(rows))


def _check_row(
    row: ParsedRow, stored: dict[str, Answer], seen: dict[str, ParsedRow]
) -> tuple[ImportChange | None, list[RowProblem]]:
    if not row.code:
        return None, [_problem(row, "missing_code", MISSING_CODE)]
    answer = stored.get(row.code)
    if answer is None:
        return None, [_problem(row, "unknown_criterion", UNKNOWN_CRITERION, code=row.code)]
    domain = answer.criterion.item.domain.code
    if domain != row.sheet_domain:
        return None, [
            _problem(
                row, "wrong_sheet", WRONG_SHEET, code=row.code, domain=domain, sheet_domain=row.sheet_domain
            )
        ]
    first = seen.setdefault(row.code, row)
    if first is not row:
        return None, [
            _problem(row, "duplicate_code", DUPLICATE_CODE, code=row.code, sheet=first.sheet, row=first.row)
        ]
    checksum = row_checksum(
        code=row.code, rating=row.rating, comment=row.comment, justification=row.justification
    )
    if row.checksum == checksum:
        return None, []  # not edited since the export
    problems = []
    if row.rating and row.rating not in RATING_VALUES:
        problems.append(_problem(row, "invalid_rating", INVALID_RATING, rating=row.rating[:20]))
    for name in ("comment", "justification"):
        length = len(getattr(row, name))
        if length > TEXT_LIMIT:
            problems.append(
                _problem(
                    row,
                    "text_too_long",
                    TEXT_TOO_LONG,
                    field=_FIELD_NAMES[name],
                    length=length,
                    limit=TEXT_LIMIT,
                )
            )
    if problems:
        return None, problems
    values = (row.rating, row.comment, row.justification)
    if values == (answer.rating, clean_text(answer.comment), clean_text(answer.justification)):
        return None, []
    revision = _revision(row.revision)
    if revision is None:
        return None, [_problem(row, "bad_revision", BAD_REVISION)]
    if revision != answer.revision:
        who = answer.updated_by.get_username() if answer.updated_by else "?"
        return None, [_problem(row, "conflict", CONFLICT, who=who, rating=answer.rating or "—")]
    if row.rating == "NA" and not row.justification.strip():
        return None, [_problem(row, "na_justification", NA_NEEDS_JUSTIFICATION)]
    change = ImportChange(
        sheet=row.sheet,
        row=row.row,
        code=row.code,
        rating=row.rating,
        comment=row.comment,
        justification=row.justification,
        flagged=answer.flagged,
        revision=answer.revision,
        before_rating=answer.rating,
        before_comment=answer.comment,
        before_justification=answer.justification,
    )
    return change, []


def _revision(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float) and value.is_integer() and value >= 0:
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


# --- the signed list of changes between preview and apply ---------------------------------------------


def _salt(assessment: Assessment) -> str:
    return f"reports.imports.questionnaire:{assessment.pk}"


class _CompactJSONSerializer:
    """Django's ``JSONSerializer`` without ``\\uXXXX`` escapes: Chinese text costs half as much."""

    def dumps(self, obj: Any) -> bytes:
        return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()

    def loads(self, data: bytes) -> Any:
        return json.loads(data.decode())


def _payload_limit() -> int | None:
    """The longest token the apply form can post: Django refuses bodies above DATA_UPLOAD_MAX_MEMORY_SIZE."""
    limit: int | None = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return None if limit is None else limit - 16 * 1024  # room for the CSRF token and field names


def import_changes_sign(*, access: AssessmentAccess, user: User, changes: list[ImportChange]) -> str:
    """The changes as a signed, compressed token for the preview page's apply form; ``ValidationError`` when
    it would be too long to post back."""
    payload = {
        "user": user.pk,
        "changes": [
            [c.sheet, c.row, c.code, c.rating, c.comment, c.justification, c.flagged, c.revision]
            for c in changes
        ],
    }
    token = signing.dumps(
        payload, salt=_salt(access.assessment), compress=True, serializer=_CompactJSONSerializer
    )
    limit = _payload_limit()
    if limit is not None and len(token) > limit:
        raise ValidationError(PAYLOAD_TOO_LARGE, code="payload_too_large")
    return token


def import_changes_load(*, access: AssessmentAccess, user: User, token: str) -> list[ImportChange]:
    """The changes of a token made by ``import_changes_sign`` for this assessment and user, at most an hour
    old; ``ValidationError`` otherwise."""
    try:
        payload = signing.loads(
            token, salt=_salt(access.assessment), max_age=PAYLOAD_MAX_AGE, serializer=_CompactJSONSerializer
        )
    except signing.SignatureExpired:
        raise ValidationError(PAYLOAD_EXPIRED, code="payload_expired") from None
    except signing.BadSignature:
        raise ValidationError(PAYLOAD_INVALID, code="payload_invalid") from None
    try:
        if payload["user"] != user.pk:
            raise ValueError
        return [
            ImportChange(
                sheet=str(sheet),
                row=int(row),
                code=str(code),
                rating=str(rating),
                comment=str(comment),
                justification=str(justification),
                flagged=bool(flagged),
                revision=int(revision),
            )
            for sheet, row, code, rating, comment, justification, flagged, revision in payload["changes"]
        ]
    except (KeyError, TypeError, ValueError):
        raise ValidationError(PAYLOAD_INVALID, code="payload_invalid") from None


class _RollBackError(Exception):
    """Leaves the import's transaction so that nothing of a failed import is kept."""


def questionnaire_import_apply(
    *, access: AssessmentAccess, changes: list[ImportChange], user: User
) -> ImportResult:
    """Applies every change through ``answer_record``, all or nothing.

    Each change is tried (so that every failing row is reported), then the whole transaction is rolled
    back if any failed. The assessment row is locked first, so a submission cannot slip in between.
    Raises ``ValidationError`` when the assessment cannot be changed at all.
    """
    problems: list[RowProblem] = []
    applied = 0
    try:
        with transaction.atomic():
            assessment = (
                Assessment.objects.select_for_update()
                .select_related("organisation")
                .get(pk=access.assessment.pk)
            )
            locked = AssessmentAccess(assessment, access.organisation_access)
            ensure_answers_editable(locked)
            for change in changes:
                data = AnswerInput(
                    rating=change.rating,
                    comment=change.comment,
                    justification=change.justification,
                    flagged=change.flagged,
                    revision=change.revision,
                )
                try:
                    answer = answer_record(access=locked, criterion_code=change.code, data=data, user=user)
                except AnswerConflictError as exc:
                    who = exc.current.updated_by.get_username() if exc.current.updated_by else "?"
                    problems.append(
                        _problem(
                            change,
                            "conflict",
                            CONFLICT_SINCE_PREVIEW,
                            who=who,
                            rating=exc.current.rating or "—",
                        )
                    )
                except ValidationError as exc:
                    problems.append(
                        RowProblem(
                            change.sheet, change.row, change.code, " ".join(exc.messages), str(exc.code)
                        )
                    )
                else:
                    applied += int(answer.revision != change.revision)
            if problems:
                raise _RollBackError
    except _RollBackError:
        return ImportResult(applied=0, problems=problems)
    return ImportResult(applied=applied, problems=[])

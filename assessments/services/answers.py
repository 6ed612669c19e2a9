"""Writes of answers: the autosave, the questionnaire's Save, and the revision every change raises."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import answer_rules, extensions, workflow
from ..access import AssessmentAccess
from ..models import Answer, Assessment

NOT_EDITABLE = _("This assessment cannot be changed in its current state (%(state)s).")
NO_PERMISSION = _("You may not change this assessment.")
NA_NEEDS_JUSTIFICATION = _("A rating of NA needs a written justification.")
UNKNOWN_CRITERION = _("Unknown criterion %(code)s.")
ANSWER_CHANGED_MEANWHILE = _(
    "Someone else changed this answer meanwhile: %(who)s set it to “%(rating)s”. Nothing was overwritten."
)

ANSWER_FIELDS = ("rating", "comment", "justification", "flagged")


def answer_for(assessment: Assessment, criterion_code: str, *, lock: bool = False) -> Answer:
    """The assessment's answer to one criterion, or a clear error; ``lock`` holds its row until commit
    (PostgreSQL; SQLite's write transactions already run one at a time)."""
    # No code holds a NUL byte, and PostgreSQL refuses one even in a query: hostile input, unknown code.
    answers = Answer.objects.filter(assessment=assessment, criterion__code=criterion_code)
    if lock:
        answers = answers.select_for_update(of=("self",))
    answer = None if "\x00" in criterion_code else answers.select_related("updated_by").first()
    if answer is None:
        raise ValidationError(UNKNOWN_CRITERION, code="unknown_criterion", params={"code": criterion_code})
    answer.assessment = assessment
    return answer


def assessment_changed(assessment: Assessment, *, only_in: Collection[str] | None = None) -> bool:
    """Raises the assessment's revision (what is cached under the old one is never shown again) and its
    ``updated_at``, in the caller's transaction: every service that changes answers, reviews or evidence
    calls it first. The UPDATE takes the assessment's row lock (on SQLite, the database's write lock), so
    writers to one assessment, and its submission, run one after another.

    With ``only_in``, only while the assessment is in one of those states; False when it is not (the
    caller then changes nothing).
    """
    assessments = Assessment.objects.filter(pk=assessment.pk)
    if only_in is not None:
        assessments = assessments.filter(state__in=sorted(only_in))
    return assessments.update(revision=F("revision") + 1, updated_at=timezone.now()) == 1


def ensure_answers_editable(access: AssessmentAccess) -> None:
    """Answers and evidence may change: the user writes for the organisation and the state allows it."""
    if not access.organisation_access.can_write_answers:
        raise ValidationError(NO_PERMISSION, code="no_permission")
    if not access.can_edit:
        raise _not_editable(access.assessment.get_state_display())


def _not_editable(state: str) -> ValidationError:
    return ValidationError(NOT_EDITABLE, code="not_editable", params={"state": state})


def lock_for_organisation_change(assessment: Assessment) -> None:
    """In the caller's transaction: raise the revision while the organisation may still change the
    assessment, or refuse. Checked under the lock, so nothing lands after a submission."""
    if not assessment_changed(assessment, only_in=workflow.EDITABLE_BY_ORGANISATION):
        state = Assessment.objects.get(pk=assessment.pk).get_state_display()
        raise _not_editable(state)


@dataclass(frozen=True, slots=True)
class AnswerInput:
    rating: str
    comment: str
    justification: str
    flagged: bool
    revision: int  # the revision the user's page was loaded with
    confirm: bool = False  # confirm a carried-over answer without changing it


class AnswerConflictError(ValidationError):
    """The answer changed since the user loaded it; carries the stored answer so the UI can show it."""

    def __init__(self, current: Answer) -> None:
        self.current = current
        who = current.updated_by.get_username() if current.updated_by else "?"
        super().__init__(
            ANSWER_CHANGED_MEANWHILE,
            code="conflict",
            params={"who": who, "rating": current.rating or "—"},
        )


def same_values(answer: Answer, data: AnswerInput) -> bool:
    return all(getattr(answer, name) == getattr(data, name) for name in ANSWER_FIELDS)


def answer_record(*, access: AssessmentAccess, criterion_code: str, data: AnswerInput, user: User) -> Answer:
    """Saves one answer (``answer_write``) and returns it as stored."""
    return answer_write(access=access, criterion_code=criterion_code, data=data, user=user)[0]


def answer_write(
    *, access: AssessmentAccess, criterion_code: str, data: AnswerInput, user: User
) -> tuple[Answer, bool]:
    """Saves one answer if it has not changed since the user loaded it (optimistic concurrency).

    Saving the unchanged values of a carried-over answer confirms it. A save whose values equal the
    stored ones is accepted whatever its revision, so a retried request never reports a false conflict.
    All in one transaction that first raises the assessment's revision while it is editable: concurrent
    saves to the assessment queue there, so the answer read next is the latest, and a save racing the
    submission is refused.
    """
    ensure_answers_editable(access)
    with transaction.atomic():
        lock_for_organisation_change(access.assessment)
        answer = answer_for(access.assessment, criterion_code)
        # After the lookup: the other apps' guards see only criteria that exist (no hostile code reaches
        # their queries; PostgreSQL refuses a NUL byte even there).
        extensions.check_answer_guards(access, criterion_code, user)
        unchanged = same_values(answer, data)
        if answer.revision != data.revision and not unchanged:
            raise AnswerConflictError(answer)
        if answer_rules.needs_justification(data.rating, data.justification):
            raise ValidationError(NA_NEEDS_JUSTIFICATION, code="na_justification")
        if unchanged and not (answer.carried_over and data.confirm):
            transaction.set_rollback(True)  # nothing changed: the revision stays as it was
            return answer, False
        for name in ANSWER_FIELDS:
            setattr(answer, name, getattr(data, name))
        answer.carried_over = False
        answer.updated_by = user
        answer.revision += 1
        # The table's check constraints say what the constraint validation would; the database enforces them.
        answer.full_clean(
            exclude=["assessment", "criterion", "updated_by", "reviewed_by"], validate_constraints=False
        )
        answer._history_user = user  # type: ignore[attr-defined]
        answer.save(update_fields=[*ANSWER_FIELDS, "carried_over", "updated_by", "revision", "updated_at"])
    return answer, True


@dataclass
class PageSaveResult:
    saved: int
    errors: dict[str, list[str]]  # criterion code -> messages (invalid input or conflict)
    values: dict[str, dict[str, object]]  # what the user posted, to show again where it was not saved


def questionnaire_save(
    *, access: AssessmentAccess, data: QueryDict, user: User, codes: list[str]
) -> PageSaveResult:
    """The questionnaire page's Save button (works without JavaScript): every criterion posted with it.

    Each answer is saved as the autosave saves it (``answer_record``); answers that conflict or are
    invalid are reported and their posted values kept for the page to show again.
    """
    from ..forms import AnswerForm  # forms import models only; imported here to keep services free of views

    result = PageSaveResult(saved=0, errors={}, values={})
    for code in dict.fromkeys(codes):  # unique, in page order
        form = AnswerForm(data, prefix=code)
        if not form.is_valid():
            result.errors[code] = [str(m) for errors in form.errors.values() for m in errors]
            result.values[code] = {k: data.get(f"{code}-{k}", "") for k in ANSWER_FIELDS}
            continue
        posted = AnswerInput(**form.cleaned_data)
        try:
            _answer, written = answer_write(access=access, criterion_code=code, data=posted, user=user)
        except ValidationError as exc:
            result.errors[code] = list(exc.messages)
            result.values[code] = dict(form.cleaned_data)
        else:
            result.saved += int(written)
    return result


@dataclass(frozen=True, slots=True)
class CarriedOverConfirmed:
    """How many carried-over answers a confirmation confirmed, and how many it left because the person
    may not write them (a part someone else holds, through the answer guards)."""

    confirmed: int
    left: int = 0


def carried_over_confirm(
    *, access: AssessmentAccess, user: User, domain_code: str, item_code: str = ""
) -> CarriedOverConfirmed:
    """Confirms as they are the carried-over answers of one domain, or of one of its items. Each is written
    like a single confirmation (revision raised, in the history), so it passes the same answer guards: an
    answer the person may not write is left for whoever may."""
    ensure_answers_editable(access)
    with transaction.atomic():
        lock_for_organisation_change(access.assessment)
        answers = (
            Answer.objects.select_for_update(of=("self",))
            .select_related("criterion")
            .filter(
                assessment=access.assessment, carried_over=True, criterion__item__domain__code=domain_code
            )
        )
        if item_code:
            answers = answers.filter(criterion__item__code=item_code)
        confirmed = left = 0
        for answer in answers:
            try:
                extensions.check_answer_guards(access, answer.criterion.code, user)
            except ValidationError:
                left += 1
                continue
            answer.carried_over = False
            answer.updated_by = user
            answer.revision += 1
            answer._history_user = user  # type: ignore[attr-defined]
            answer.save(update_fields=["carried_over", "updated_by", "revision", "updated_at"])
            confirmed += 1
        if not confirmed:
            transaction.set_rollback(True)  # nothing to confirm: the revision stays as it was
    return CarriedOverConfirmed(confirmed=confirmed, left=left)

"""Writes to assessments. Each service checks the rules, runs in one transaction, and raises
``ValidationError`` (or a subclass below) with a message meant for the user."""

from __future__ import annotations

import functools
from collections.abc import Collection
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.http import HttpRequest, QueryDict
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from capability_model.models import CapabilityModel, Criterion, ModelState
from maturity_portal import sql

from . import notifications, workflow
from .access import AssessmentAccess, OrganisationAccess
from .evidence import check_evidence_file, safe_original_name
from .models import Answer, Assessment, AssessmentState, Evidence, Membership, Organisation, Role
from .selectors import SubmissionProblem, submission_problems

MODEL_NOT_PUBLISHED = _("Assessments can only be started on a published model version.")
NOT_EDITABLE = _("This assessment cannot be changed in its current state (%(state)s).")
NO_PERMISSION = _("You may not change this assessment.")
NA_NEEDS_JUSTIFICATION = _("A rating of NA needs a written justification.")
INCOMPLETE = _("The assessment cannot be submitted yet: %(count)s criteria need attention.")
ONLY_MANAGERS_SUBMIT = _("Only a manager of the organisation can submit the assessment.")

ANSWER_CHANGED_MEANWHILE = _(
    "Someone else changed this answer meanwhile: %(who)s set it to “%(rating)s”. Nothing was overwritten."
)

ANSWER_FIELDS = ("rating", "comment", "justification", "flagged")


@transaction.atomic
def assessment_start(
    *,
    organisation: Organisation,
    user: User,
    capability_model: CapabilityModel,
    title: str,
    target_level: int,
    scope: str = "",
    from_baseline: bool = False,
) -> Assessment:
    """A new draft with one (empty) answer per criterion of the model version.

    With ``from_baseline`` the organisation's last assessment of the same model code supplies ratings,
    comments and justifications, each marked as carried over until someone confirms or changes it.
    """
    if capability_model.state != ModelState.PUBLISHED:
        raise ValidationError(MODEL_NOT_PUBLISHED, code="model_not_published")
    baseline = None
    if from_baseline:
        baseline = (
            Assessment.objects.filter(organisation=organisation, capability_model__code=capability_model.code)
            .order_by("-created_at")
            .first()
        )
    assessment = Assessment(
        organisation=organisation,
        capability_model=capability_model,
        title=title,
        target_level=target_level,
        scope=scope,
        created_by=user,
        baseline=baseline,
    )
    assessment.full_clean()
    assessment._history_user = user  # type: ignore[attr-defined]
    assessment.save()
    previous: dict[str, Answer] = {}
    if baseline is not None:
        previous = {a.criterion.code: a for a in baseline.answers.select_related("criterion") if a.rating}
    answers = []
    for criterion in capability_model.criteria.only("pk", "code"):
        carried = previous.get(criterion.code)
        answers.append(
            Answer(
                assessment=assessment,
                criterion=criterion,
                rating=carried.rating if carried else "",
                comment=carried.comment if carried else "",
                justification=carried.justification if carried else "",
                carried_over=carried is not None,
            )
        )
    bulk_create_with_history(
        answers, Answer, default_user=user, custom_historical_attrs={"history_username": user.get_username()}
    )
    return assessment


UNKNOWN_CRITERION = _("Unknown criterion %(code)s.")


def _answer_for(assessment: Assessment, criterion_code: str, *, lock: bool = False) -> Answer:
    """The assessment's answer to one criterion, or a clear error; ``lock`` holds its row until commit.

    In SQL (``maturity_portal.sql``): the autosave runs this on every keystroke's save, and the ORM's
    compiling took longer than the database. SQLite has no row locks, but its write transactions
    (``BEGIN IMMEDIATE``) already run one at a time.
    """
    # No code holds a NUL byte, and PostgreSQL refuses one even in a query: hostile input, unknown code.
    row = (
        None
        if "\x00" in criterion_code
        else sql.fetchone(
            _answer_statement(connection.vendor, lock and connection.features.has_select_for_update_of),
            [assessment.pk, criterion_code],
        )
    )
    if row is None:
        raise ValidationError(UNKNOWN_CRITERION, code="unknown_criterion", params={"code": criterion_code})
    answer: Answer = sql.model_columns(Answer, "a").instance(row)
    Answer.assessment.field.set_cached_value(answer, assessment)
    return answer


@functools.cache
def _answer_statement(vendor: str, lock: bool) -> str:
    criterion = sql.column(Answer, "criterion", "a")
    return (
        f"SELECT {sql.model_columns(Answer, 'a').select} FROM {sql.table(Answer)} a "  # noqa: S608 - names from the models
        f"JOIN {sql.table(Criterion)} c ON {sql.column(Criterion, 'id', 'c')} = {criterion} "
        f"WHERE {sql.column(Answer, 'assessment', 'a')} = %s AND {sql.column(Criterion, 'code', 'c')} = %s"
        + (" FOR UPDATE OF a" if lock else "")
    )


def assessment_changed(assessment: Assessment, *, only_in: Collection[str] | None = None) -> bool:
    """Raises the assessment's revision (what is cached under the old one is never shown again) and its
    ``updated_at``, in the caller's transaction: every service that changes answers, reviews or evidence
    calls it. A row lock on PostgreSQL, so concurrent writers raise it one after the other.

    With ``only_in``, only while the assessment is in one of those states; False when it is not (the
    caller then rolls its change back). Neither field is in the history (they are bookkeeping, not a
    change anyone made), so this is the one write that goes past ``sql.save_with_history``.
    """
    revision = sql.column(Assessment, "revision")
    statement = (
        f"UPDATE {sql.table(Assessment)} SET {revision} = {revision} + 1, "  # noqa: S608 - names from the models
        f"{sql.column(Assessment, 'updated_at')} = %s WHERE {sql.column(Assessment, 'id')} = %s"
    )
    params: list[object] = [sql.db_value(sql.field(Assessment, "updated_at"), timezone.now()), assessment.pk]
    if only_in is not None:
        states = sorted(only_in)
        statement += f" AND {sql.column(Assessment, 'state')} IN ({', '.join('%s' for _ in states)})"
        params.extend(states)
    return sql.execute(statement, params) == 1


def ensure_answers_editable(access: AssessmentAccess) -> None:
    """Answers and evidence may change: the user writes for the organisation and the state allows it."""
    if not access.organisation_access.can_write_answers:
        raise ValidationError(NO_PERMISSION, code="no_permission")
    if not workflow.is_editable_by_organisation(access.assessment.state):
        raise ValidationError(
            NOT_EDITABLE, code="not_editable", params={"state": access.assessment.get_state_display()}
        )


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


def answer_record(*, access: AssessmentAccess, criterion_code: str, data: AnswerInput, user: User) -> Answer:
    """Saves one answer if it has not changed since the user loaded it (optimistic concurrency).

    Saving the unchanged values of a carried-over answer confirms it. A save whose values equal the
    stored ones is accepted whatever its revision, so a retried request never reports a false conflict.

    The answer is read and checked outside the transaction; the write is a compare-and-set on the revision
    that was read, and on the assessment still being editable. So the write lock (SQLite has one for the
    whole database) is held for three statements only, and a save racing another save, or the submission,
    never slips in after it.
    """
    ensure_answers_editable(access)
    answer = _answer_for(access.assessment, criterion_code)
    same_values = _same_values(answer, data)
    if answer.revision != data.revision and not same_values:
        raise AnswerConflictError(answer)
    if data.rating == "NA" and not data.justification.strip():
        raise ValidationError(NA_NEEDS_JUSTIFICATION, code="na_justification")
    if same_values and not (answer.carried_over and data.confirm):
        return answer
    read_revision = answer.revision
    for name in ANSWER_FIELDS:
        setattr(answer, name, getattr(data, name))
    answer.carried_over = False
    answer.updated_by = user
    answer.revision += 1
    # Field validation checks the rating's choices and the text limits; the table's check constraints say
    # the same and the database enforces them, so asking it twice per autosave (two queries) buys nothing.
    answer.full_clean(
        exclude=["assessment", "criterion", "updated_by", "reviewed_by"], validate_constraints=False
    )
    with transaction.atomic():
        saved = sql.save_with_history(
            answer,
            [*ANSWER_FIELDS, "carried_over", "updated_by", "revision", "updated_at"],
            user=user,
            expected={"revision": read_revision},
        )
        if saved and not assessment_changed(access.assessment, only_in=workflow.EDITABLE_BY_ORGANISATION):
            state = Assessment.objects.get(pk=access.assessment.pk).get_state_display()
            raise ValidationError(NOT_EDITABLE, code="not_editable", params={"state": state})
    if saved:
        return answer
    # Someone saved it between our read and our write: the same values are no conflict (a retry).
    current = _answer_for(access.assessment, criterion_code)
    if _same_values(current, data):
        return current
    raise AnswerConflictError(current)


def _same_values(answer: Answer, data: AnswerInput) -> bool:
    return all(getattr(answer, name) == getattr(data, name) for name in ANSWER_FIELDS)


@transaction.atomic
def evidence_attach(
    *, access: AssessmentAccess, criterion_code: str, upload: UploadedFile, user: User
) -> Evidence:
    ensure_answers_editable(access)
    answer = _answer_for(access.assessment, criterion_code)
    checked = check_evidence_file(upload, max_bytes=settings.EVIDENCE_MAX_BYTES)
    evidence = Evidence(
        answer=answer,
        original_name=safe_original_name(checked.original_name),
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=user,
    )
    evidence._history_user = user  # type: ignore[attr-defined]
    evidence.file.save(f"upload.{checked.extension}", upload, save=False)
    # The file is written before the row: if the row fails, remove the orphan so nothing half-exists.
    try:
        evidence.save()
    except Exception:
        evidence.file.delete(save=False)
        raise
    assessment_changed(access.assessment)
    return evidence


@transaction.atomic
def evidence_delete(*, access: AssessmentAccess, evidence: Evidence, user: User) -> None:
    ensure_answers_editable(access)
    storage, name = evidence.file.storage, evidence.file.name
    evidence._history_user = user  # type: ignore[attr-defined]
    evidence.delete()
    assessment_changed(access.assessment)
    # Delete the file only once the row is gone for good.
    transaction.on_commit(lambda: storage.delete(name) if name else None)


class SubmissionIncompleteError(ValidationError):
    def __init__(self, problems: list[SubmissionProblem]) -> None:
        self.problems = problems
        super().__init__(INCOMPLETE, code="incomplete", params={"count": len(problems)})


@transaction.atomic
def assessment_submit(*, access: AssessmentAccess, user: User) -> Assessment:
    """Submits for review when every required criterion is answered and every NA justified."""
    if not access.organisation_access.is_manager:
        raise ValidationError(ONLY_MANAGERS_SUBMIT, code="not_manager")
    assessment = Assessment.objects.select_for_update().get(pk=access.assessment.pk)
    try:
        workflow.ensure_transition(assessment.state, workflow.State.SUBMITTED)
    except workflow.TransitionError:
        raise ValidationError(
            NOT_EDITABLE, code="not_editable", params={"state": assessment.get_state_display()}
        ) from None
    problems = submission_problems(assessment=assessment)
    if problems:
        raise SubmissionIncompleteError(list(problems))
    assessment.state = AssessmentState.SUBMITTED
    assessment.submitted_at = timezone.now()
    assessment._history_user = user  # type: ignore[attr-defined]
    assessment.save(update_fields=["state", "submitted_at", "updated_at"])
    notifications.notify_submitted(assessment)
    return assessment


INVITE_ROLE_NOT_ALLOWED = _("Managers can invite contributors and viewers only.")
REMOVE_NOT_ALLOWED = _(
    "Only contributors and viewers can be removed here; managers are managed by the administrators."
)


@transaction.atomic
def membership_invite(
    *, access: OrganisationAccess, email: str, role: str, request: HttpRequest
) -> Membership:
    """Adds a person to the organisation; a new account gets an email with a link to set its password."""
    if not access.is_manager:
        raise ValidationError(NO_PERMISSION, code="no_permission")
    if role not in (Role.CONTRIBUTOR, Role.VIEWER):
        raise ValidationError(INVITE_ROLE_NOT_ALLOWED, code="role")
    user_model = get_user_model()
    email = user_model.objects.normalize_email(email).lower()
    user = user_model.objects.filter(email__iexact=email).order_by("pk").first()
    created = user is None
    if user is None:
        username = email[:150]
        if user_model.objects.filter(username=username).exists():
            username = f"{email.split('@')[0][:100]}-{get_random_string(6).lower()}"
        user = user_model.objects.create_user(username=username, email=email)
        user.set_unusable_password()
        user.save(update_fields=["password"])
    membership, _created = Membership.objects.get_or_create(
        user=user, organisation=access.organisation, defaults={"role": role}
    )
    if created:
        form = PasswordResetForm({"email": email})
        if form.is_valid():
            # An account without a usable password is skipped by the stock form, so send to it explicitly.
            form.get_users = lambda _email: iter([user])  # type: ignore[method-assign,assignment]
            transaction.on_commit(lambda: form.save(request=request, use_https=request.is_secure()))
    return membership


@transaction.atomic
def membership_remove(*, access: OrganisationAccess, membership: Membership) -> None:
    if not access.is_manager or membership.organisation_id != access.organisation.pk:
        raise ValidationError(NO_PERMISSION, code="no_permission")
    if membership.role == Role.MANAGER:
        raise ValidationError(REMOVE_NOT_ALLOWED, code="manager")
    membership.delete()


@dataclass
class PageSaveResult:
    saved: int
    errors: dict[str, list[str]]  # criterion code -> messages (invalid input or conflict)
    values: dict[str, dict[str, object]]  # what the user posted, to show again where it was not saved


def questionnaire_save(
    *, access: AssessmentAccess, data: QueryDict, user: User, codes: list[str]
) -> PageSaveResult:
    """The questionnaire page's Save button (works without JavaScript): every criterion posted with it.

    Each answer is saved in its own transaction with the same conflict rule as autosave; answers that
    conflict or are invalid are reported and their posted values kept for the page to show again.
    """
    from .forms import AnswerForm  # forms import models only; imported here to keep services free of views

    result = PageSaveResult(saved=0, errors={}, values={})
    for code in dict.fromkeys(codes):  # unique, in page order
        form = AnswerForm(data, prefix=code)
        if not form.is_valid():
            result.errors[code] = [str(m) for errors in form.errors.values() for m in errors]
            result.values[code] = {k: data.get(f"{code}-{k}", "") for k in ANSWER_FIELDS}
            continue
        try:
            before = _answer_for(access.assessment, code).revision
            answer = answer_record(
                access=access, criterion_code=code, data=AnswerInput(**form.cleaned_data), user=user
            )
        except ValidationError as exc:
            result.errors[code] = list(exc.messages)
            result.values[code] = dict(form.cleaned_data)
        else:
            result.saved += int(answer.revision != before)
    return result


NOT_THE_CONSULTANT = _("Only a consultant assigned to this organisation can review it.")
NOT_IN_REVIEW = _("The assessment is not in review (it is %(state)s); reviews can no longer change it.")
REASON_REQUIRED = _("Say why the assessment is returned; the organisation will see it.")
TRANSITION_REFUSED = _(
    "This assessment is %(state)s and cannot be %(action)s — someone may have just decided it."
)


def _locked_for_decision(access: AssessmentAccess, target: workflow.State, action: str) -> Assessment:
    """The assessment row, locked, after checking that the consultant may move it to ``target``.

    The row is re-read under the lock, so a decision made meanwhile by someone else is seen and the
    transition refused, instead of two decisions both being applied.
    """
    if not access.can_review:
        raise ValidationError(NOT_THE_CONSULTANT, code="not_consultant")
    assessment = Assessment.objects.select_for_update().get(pk=access.assessment.pk)
    try:
        workflow.ensure_transition(assessment.state, target)
    except workflow.TransitionError:
        raise ValidationError(
            TRANSITION_REFUSED,
            code="transition_refused",
            params={"state": assessment.get_state_display(), "action": action},
        ) from None
    return assessment


@transaction.atomic
def assessment_start_review(*, access: AssessmentAccess, user: User) -> Assessment:
    """Opening a submitted assessment for review moves it to "in review"; later openings change nothing."""
    if access.can_review and access.assessment.state == AssessmentState.IN_REVIEW:
        return access.assessment
    assessment = _locked_for_decision(access, workflow.State.IN_REVIEW, str(_("reviewed")))
    assessment.state = AssessmentState.IN_REVIEW
    assessment.reviewer = user
    assessment._history_user = user  # type: ignore[attr-defined]
    assessment.save(update_fields=["state", "reviewer", "updated_at"])
    return assessment


@dataclass(frozen=True, slots=True)
class ReviewInput:
    verified_rating: str  # one of the ratings; the consultant's "accept" sends the self rating
    review_comment: str


@transaction.atomic
def review_record(*, access: AssessmentAccess, criterion_code: str, data: ReviewInput, user: User) -> Answer:
    """The consultant's verified rating and comment on one criterion, while the assessment is in review."""
    if not access.can_review:
        raise ValidationError(NOT_THE_CONSULTANT, code="not_consultant")
    # Lock the assessment too: a review saved while another consultant approves must not slip in after.
    assessment = Assessment.objects.select_for_update().get(pk=access.assessment.pk)
    if not workflow.is_reviewable(assessment.state):
        raise ValidationError(
            NOT_IN_REVIEW, code="not_in_review", params={"state": assessment.get_state_display()}
        )
    answer = _answer_for(assessment, criterion_code, lock=True)
    if (answer.verified_rating, answer.review_comment) == (data.verified_rating, data.review_comment):
        return answer
    answer.verified_rating = data.verified_rating
    answer.review_comment = data.review_comment
    answer.reviewed_by = user
    answer.reviewed_at = timezone.now()
    answer.full_clean(exclude=["assessment", "criterion", "updated_by", "reviewed_by"])
    sql.save_with_history(
        answer, ["verified_rating", "review_comment", "reviewed_by", "reviewed_at"], user=user
    )
    assessment_changed(assessment)
    return answer


@transaction.atomic
def assessment_return(*, access: AssessmentAccess, user: User, reason: str) -> Assessment:
    if not reason.strip():
        raise ValidationError(REASON_REQUIRED, code="reason_required")
    assessment = _locked_for_decision(access, workflow.State.RETURNED, str(_("returned")))
    assessment.state = AssessmentState.RETURNED
    assessment.return_reason = reason.strip()
    assessment.reviewer = user
    assessment.decided_at = timezone.now()
    assessment._history_user = user  # type: ignore[attr-defined]
    assessment.save(update_fields=["state", "return_reason", "reviewer", "decided_at", "updated_at"])
    notifications.notify_decision(assessment)
    return assessment


@transaction.atomic
def assessment_approve(*, access: AssessmentAccess, user: User, note: str) -> Assessment:
    """Final: the verified ratings become the official record; criteria the consultant did not touch are
    verified as self-assessed, so the record is complete and no longer follows the self ratings."""
    assessment = _locked_for_decision(access, workflow.State.APPROVED, str(_("approved")))
    now = timezone.now()
    for answer in (
        Answer.objects.select_for_update()
        .filter(assessment=assessment, verified_rating="")
        .exclude(rating="")
    ):
        answer.verified_rating = answer.rating
        answer.reviewed_by = user
        answer.reviewed_at = now
        answer._history_user = user  # type: ignore[attr-defined]
        answer.save(update_fields=["verified_rating", "reviewed_by", "reviewed_at"])
    assessment_changed(assessment)
    assessment.state = AssessmentState.APPROVED
    assessment.approval_note = note.strip()
    assessment.reviewer = user
    assessment.decided_at = now
    assessment._history_user = user  # type: ignore[attr-defined]
    assessment.save(update_fields=["state", "approval_note", "reviewer", "decided_at", "updated_at"])
    notifications.notify_decision(assessment)
    return assessment


def review_save(*, access: AssessmentAccess, data: QueryDict, user: User) -> dict[str, list[str]]:
    """The review page's Save: every criterion posted with it; returns the errors by criterion code."""
    from .forms import ReviewForm

    errors: dict[str, list[str]] = {}
    for code in dict.fromkeys(data.getlist("criteria")):
        form = ReviewForm(data, prefix=code)
        if not form.is_valid():
            errors[code] = [str(m) for field_errors in form.errors.values() for m in field_errors]
            continue
        try:
            review_record(
                access=access, criterion_code=code, data=ReviewInput(**form.cleaned_data), user=user
            )
        except ValidationError as exc:
            errors[code] = list(exc.messages)
    return errors

"""The consultant's side: review started, verified ratings recorded, the assessment returned or approved."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import notifications, signals, workflow
from ..access import AssessmentAccess
from ..models import Answer, Assessment, AssessmentState
from .answers import answer_for, assessment_changed

NOT_THE_CONSULTANT = _("Only a consultant assigned to this organisation can review it.")
NOT_IN_REVIEW = _("The assessment is not in review (it is %(state)s); reviews can no longer change it.")
REASON_REQUIRED = _("Say why the assessment is returned; the organisation will see it.")
REVIEW_CHANGED_MEANWHILE = _(
    "Someone else changed this review meanwhile: %(who)s set it to “%(rating)s”. Nothing was overwritten."
)
APPROVAL_NOTE_REQUIRED = _("Write a note for the approval; it is kept with the final record.")
TRANSITION_REFUSED = _(
    "This assessment is %(state)s and cannot be %(action)s — someone may have just decided it."
)


def _locked_for_decision(access: AssessmentAccess, target: workflow.State, action: str) -> Assessment:
    """The assessment row, locked, after checking that the consultant may move it to ``target``.

    The row is re-read under the lock, so a decision made meanwhile by someone else is seen and the
    transition refused, instead of two decisions both being applied.
    """
    if not access.is_reviewer:
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
    """The consultant starts the review of a submitted assessment ("in review"); when it already is in
    review, nothing changes (a second click, or a colleague who started it)."""
    if access.is_reviewer and workflow.is_reviewable(access.assessment.state):
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


class ReviewConflictError(ValidationError):
    """The review of a criterion changed since the consultant loaded it; carries the stored answer."""

    def __init__(self, current: Answer) -> None:
        self.current = current
        who = current.reviewed_by.get_username() if current.reviewed_by else "?"
        super().__init__(
            REVIEW_CHANGED_MEANWHILE,
            code="conflict",
            params={"who": who, "rating": current.verified_rating or "—"},
        )


@transaction.atomic
def review_record(
    *,
    access: AssessmentAccess,
    criterion_code: str,
    data: ReviewInput,
    user: User,
    loaded: ReviewInput | None = None,
) -> Answer:
    """The consultant's verified rating and comment on one criterion, while the assessment is in review.

    ``loaded`` (the autosave) is the review as the consultant's page showed it: when the stored review
    differs from it and from what is being saved, someone else changed it meanwhile and nothing is
    written (optimistic concurrency by value; a retried save of the same values is never a conflict).
    """
    if not access.is_reviewer:
        raise ValidationError(NOT_THE_CONSULTANT, code="not_consultant")
    # Lock the assessment too: a review saved while another consultant approves must not slip in after.
    assessment = Assessment.objects.select_for_update().get(pk=access.assessment.pk)
    if not workflow.is_reviewable(assessment.state):
        raise ValidationError(
            NOT_IN_REVIEW, code="not_in_review", params={"state": assessment.get_state_display()}
        )
    answer = answer_for(assessment, criterion_code, lock=True)
    stored = (answer.verified_rating, answer.review_comment)
    if stored == (data.verified_rating, data.review_comment):
        return answer
    if loaded is not None and stored != (loaded.verified_rating, loaded.review_comment):
        if answer.reviewed_by_id:
            answer.reviewed_by = User.objects.filter(pk=answer.reviewed_by_id).first()
        raise ReviewConflictError(answer)
    answer.verified_rating = data.verified_rating
    answer.review_comment = data.review_comment
    answer.reviewed_by = user
    answer.reviewed_at = timezone.now()
    answer.full_clean(exclude=["assessment", "criterion", "updated_by", "reviewed_by"])
    assessment_changed(assessment)
    answer._history_user = user  # type: ignore[attr-defined]
    answer.save(update_fields=["verified_rating", "review_comment", "reviewed_by", "reviewed_at"])
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
    verified as self-assessed, so the record is complete and no longer follows the self ratings.
    A note is required: it is kept with the final record."""
    assessment = _locked_for_decision(access, workflow.State.APPROVED, str(_("approved")))
    if not note.strip():
        raise ValidationError(APPROVAL_NOTE_REQUIRED, code="note_required")
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
    assessment.return_reason = ""  # an earlier return was answered; the history keeps its reason
    assessment.reviewer = user
    assessment.decided_at = now
    assessment._history_user = user  # type: ignore[attr-defined]
    assessment.save(
        update_fields=["state", "approval_note", "return_reason", "reviewer", "decided_at", "updated_at"]
    )
    notifications.notify_decision(assessment)
    # Robust: a listener's failure (say, the queue is unreachable) never turns the committed decision into
    # an error page.
    transaction.on_commit(
        lambda: signals.assessment_approved.send_robust(sender=Assessment, assessment_id=assessment.pk),
        robust=True,
    )
    return assessment


def review_save(*, access: AssessmentAccess, data: QueryDict, user: User) -> dict[str, list[str]]:
    """The review page's Save: every criterion posted with it; returns the errors by criterion code."""
    from ..forms import ReviewForm

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

"""The assessment's life on the organisation's side: started (optionally from the last one), submitted."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from capability_model.models import CapabilityModel, ModelState

from .. import notifications, workflow
from ..access import AssessmentAccess
from ..models import Answer, Assessment, AssessmentState, Organisation
from ..selectors.overview import SubmissionProblem, submission_problems
from .answers import NOT_EDITABLE

MODEL_NOT_PUBLISHED = _("Assessments can only be started on a published model version.")
FOREIGN_BASELINE = _("The baseline must be an assessment of the same organisation.")
INCOMPLETE = _("The assessment cannot be submitted yet: %(count)s criteria need attention.")
ONLY_MANAGERS_SUBMIT = _("Only a manager of the organisation can submit the assessment.")


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
    baseline: Assessment | None = None,
) -> Assessment:
    """A new draft with one (empty) answer per criterion of the model version.

    With ``from_baseline`` the organisation's last assessment of the same model code supplies ratings,
    comments and justifications, each marked as carried over until someone confirms or changes it; a
    ``baseline`` given by the caller (a re-assessment from a chosen approved one) supplies them instead.
    A reviewed baseline supplies its verified ratings (the official result), else the self ratings.
    """
    if capability_model.state != ModelState.PUBLISHED:
        raise ValidationError(MODEL_NOT_PUBLISHED, code="model_not_published")
    if baseline is not None and baseline.organisation_id != organisation.pk:
        raise ValidationError(FOREIGN_BASELINE, code="foreign_baseline")
    if baseline is None and from_baseline:
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
        if workflow.is_decided(baseline.state):
            # Once reviewed, the verified rating is the baseline's official result: that is what carries.
            for answer in previous.values():
                answer.rating = answer.verified_rating or answer.rating
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
    assessment.return_reason = ""  # answered by this submission; the history keeps it
    assessment._history_user = user  # type: ignore[attr-defined]
    assessment.save(update_fields=["state", "submitted_at", "return_reason", "updated_at"])
    notifications.notify_submitted(assessment)
    return assessment

"""The assessment's life on the organisation's side: started (optionally from the last one), submitted."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from capability_model.models import CapabilityModel, Criterion, ModelState

from .. import answer_rules, notifications, workflow
from ..access import AssessmentAccess
from ..models import Answer, Assessment, AssessmentState, Organisation
from ..selectors.overview import SubmissionProblem, submission_problems
from .answers import NOT_EDITABLE

MODEL_NOT_PUBLISHED = _("Assessments can only be started on a published model version.")
CARRIED_ACROSS_VERSIONS = _(
    "Answers were carried over from version %(old)s to version %(new)s through the criteria each new one "
    "succeeds; where a criterion replaces several, it takes the lowest of their ratings. "
    "Confirm or change each."
)
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
    allow_retired: bool = False,
) -> Assessment:
    """A new draft with one (empty) answer per criterion of the model version.

    With ``from_baseline`` the organisation's last assessment of the same model code supplies ratings,
    comments and justifications, each marked as carried over until someone confirms or changes it; a
    ``baseline`` given by the caller (a re-assessment from a chosen approved one) supplies them instead.
    A reviewed baseline supplies its verified ratings (the official result), else the self ratings.
    A baseline on an earlier version is mapped through ``Criterion.succeeds`` (``_carried``).

    ``allow_retired`` lets the demo keep building its assessments on the version it always showed.
    """
    allowed = {ModelState.PUBLISHED, ModelState.RETIRED} if allow_retired else {ModelState.PUBLISHED}
    if capability_model.state not in allowed:
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
    carried = _carried(baseline, capability_model) if baseline is not None else {}
    answers = []
    for criterion in capability_model.criteria.only("pk", "code"):
        rating, comment, justification = carried.get(criterion.pk, ("", "", ""))
        answers.append(
            Answer(
                assessment=assessment,
                criterion=criterion,
                rating=rating,
                comment=comment,
                justification=justification,
                carried_over=bool(rating),
            )
        )
    bulk_create_with_history(
        answers, Answer, default_user=user, custom_historical_attrs={"history_username": user.get_username()}
    )
    return assessment


def _carried(baseline: Assessment, model: CapabilityModel) -> dict[int, tuple[str, str, str]]:
    """(rating, comment, justification) of each criterion of ``model`` that takes an answer from ``baseline``.

    The same version: by criterion code. An earlier version: through ``Criterion.succeeds`` — a criterion
    that replaces several old ones takes the LOWEST of their ratings (conservative: it asks at least what
    each of them asked; ``answer_rules.carried_from_predecessors``), with their comments joined. A version
    whose criteria name no predecessors in the baseline's version (an older clone) falls back to codes.
    """
    old = {a.criterion_id: a for a in baseline.answers.select_related("criterion")}
    if workflow.is_decided(baseline.state):
        # Once reviewed, the verified rating is the baseline's official result: that is what carries.
        for answer in old.values():
            answer.rating = answer.verified_rating or answer.rating
    links: dict[int, list[int]] = {}
    if baseline.capability_model_id != model.pk:
        through = Criterion.succeeds.through.objects.filter(
            from_criterion__capability_model=model,
            to_criterion__capability_model_id=baseline.capability_model_id,
        )
        for new_id, old_id in through.values_list("from_criterion_id", "to_criterion_id"):
            links.setdefault(new_id, []).append(old_id)
    if not links:
        by_code = {a.criterion.code: a for a in old.values() if a.rating}
        return {
            c.pk: (a.rating, a.comment, a.justification)
            for c in model.criteria.only("pk", "code")
            if (a := by_code.get(c.code)) is not None
        }
    result = {}
    for new_id, old_ids in links.items():
        found = sorted((old[i] for i in old_ids if i in old), key=lambda a: a.criterion.code)
        rating = answer_rules.carried_from_predecessors([old[i].rating if i in old else "" for i in old_ids])
        if rating:
            comment = "\n".join(f"{a.criterion.code}: {a.comment}" for a in found if a.comment)
            why = "\n".join(f"{a.criterion.code}: {a.justification}" for a in found if a.justification)
            result[new_id] = (rating, comment[:5000], why[:5000] if rating == answer_rules.NA else "")
    return result


def carried_across_versions_message(assessment: Assessment) -> str:
    """What the page says after a start from a baseline on an earlier version; "" otherwise."""
    baseline = assessment.baseline
    if baseline is None or baseline.capability_model_id == assessment.capability_model_id:
        return ""
    return str(CARRIED_ACROSS_VERSIONS) % {
        "old": baseline.capability_model.version,
        "new": assessment.capability_model.version,
    }


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

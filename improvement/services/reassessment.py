"""The next assessment, started from an approved one: answers carried over, open actions carried along."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from assessments.models import Assessment
from assessments.services import assessment_start
from capability_model.selectors import capability_model_list_published

from ..access import ActionPlanAccess
from .actions import actions_carry_over

NOT_ALLOWED = _("Only a manager can start a re-assessment, and only from an approved assessment.")
NO_PUBLISHED_VERSION = _("No version of this capability model is published.")


@transaction.atomic
def reassessment_start(*, access: ActionPlanAccess, user: User, title: str, target_level: int) -> Assessment:
    """A new draft on the newest published version of the baseline's model: the baseline's answers are
    carried over (marked so until confirmed) and its open actions are copied into the new plan, each
    pointing at the action it continues."""
    if not access.can_reassess:
        raise ValidationError(NOT_ALLOWED, code="not_allowed")
    baseline = access.assessment_access.assessment
    model = capability_model_list_published().filter(code=baseline.capability_model.code).first()
    if model is None:
        raise ValidationError(NO_PUBLISHED_VERSION, code="no_published_version")
    assessment = assessment_start(
        organisation=baseline.organisation,
        user=user,
        capability_model=model,
        title=title,
        target_level=target_level,
        scope=baseline.scope,
        baseline=baseline,
    )
    actions_carry_over(source=baseline, target=assessment, user=user)
    return assessment

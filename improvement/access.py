"""Who may do what with an action plan, on top of ``assessments.access`` (which decides who sees it).

Everyone who may see the assessment sees its action plan: members of the organisation and its assigned
consultant. The issue's rule, decided here once: managers and the consultant edit the plan (create, suggest,
edit, merge, drop, re-import), in any state of the assessment (the plan is the work that follows the report);
a contributor updates the status and the closure evidence of the actions they own; viewers read. Anyone
else's action answers 404, as for every protected object.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from assessments.access import MAX_ID, AnyUser, AssessmentAccess, assessment_get_for_user
from assessments.models import Role

from .models import Action, ActionEvidence, PackageJob


@dataclass(frozen=True, slots=True)
class ActionPlanAccess:
    assessment_access: AssessmentAccess
    user_id: int | None = None  # the person asking: a contributor's own actions are theirs to update

    @property
    def can_edit(self) -> bool:
        """Every field of every action, and the plan itself: managers and the assigned consultant."""
        organisation = self.assessment_access.organisation_access
        return organisation.is_manager or organisation.is_consultant

    def can_update(self, action: Action) -> bool:
        """The status and closure evidence of one action: editors, and a contributor who owns it."""
        if self.can_edit:
            return True
        is_contributor = self.assessment_access.organisation_access.role == Role.CONTRIBUTOR
        return is_contributor and self.user_id is not None and action.owner_id == self.user_id

    @property
    def can_reassess(self) -> bool:
        """Start the next assessment from this one: a manager, once this one is approved."""
        return self.assessment_access.organisation_access.is_manager and self.assessment_access.is_final

    @property
    def can_download_package(self) -> bool:
        return self.assessment_access.is_final


def action_plan_get_for_user(*, user: AnyUser, pk: int) -> ActionPlanAccess:
    """The action plan of assessment ``pk``; 404 when the user may not see the assessment."""
    return ActionPlanAccess(assessment_get_for_user(user=user, pk=pk), user_id=user.pk)


def action_get_for_user(*, user: AnyUser, pk: int) -> tuple[Action, ActionPlanAccess]:
    """One action with the access to its plan; 404 when it does not exist or the user may not see it."""
    if not 0 < pk <= MAX_ID:
        raise Http404
    action = Action.objects.select_related("item", "owner").filter(pk=pk).first()
    if action is None:
        raise Http404
    return action, action_plan_get_for_user(user=user, pk=action.assessment_id)


def action_evidence_get_for_user(*, user: AnyUser, pk: int) -> tuple[ActionEvidence, ActionPlanAccess]:
    """One closure evidence file with the access to its plan; 404 as for the action."""
    if not 0 < pk <= MAX_ID:
        raise Http404
    evidence = ActionEvidence.objects.select_related("action").filter(pk=pk).first()
    if evidence is None:
        raise Http404
    return evidence, action_plan_get_for_user(user=user, pk=evidence.action.assessment_id)


def package_job_get_for_user(*, user: AnyUser, pk: int) -> tuple[PackageJob, ActionPlanAccess]:
    """One certification package build with the access to its assessment's plan; 404 as for the action."""
    if not 0 < pk <= MAX_ID:
        raise Http404
    job = PackageJob.objects.filter(pk=pk).first()
    if job is None:
        raise Http404
    return job, action_plan_get_for_user(user=user, pk=job.assessment_id)

"""Who may do what with an assessment's team work: through ``assessments.access`` and nothing else, so
another organisation's assessment, assignment or panel answers 404 exactly as its answers do."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from assessments.access import MAX_ID, AnyUser, AssessmentAccess, assessment_get_for_user

from .models import Assignment, Panel


@dataclass(frozen=True, slots=True)
class TeamAccess:
    access: AssessmentAccess

    @property
    def can_manage(self) -> bool:
        """Hand out parts and open panels: a manager, while the organisation may change the assessment."""
        return self.access.organisation_access.is_manager and self.access.can_edit

    @property
    def can_see_names(self) -> bool:
        """Respondents' names: the organisation's managers and its consultant only."""
        return self.access.organisation_access.is_manager or self.access.is_reviewer

    @property
    def can_respond(self) -> bool:
        return self.access.can_edit


def team_get_for_user(*, user: AnyUser, pk: int) -> TeamAccess:
    return TeamAccess(assessment_get_for_user(user=user, pk=pk))


def assignment_get_for_user(*, user: AnyUser, pk: int) -> tuple[Assignment, TeamAccess]:
    if not 0 < pk <= MAX_ID:
        raise Http404
    assignment = Assignment.objects.filter(pk=pk).first()
    if assignment is None:
        raise Http404
    return assignment, team_get_for_user(user=user, pk=assignment.assessment_id)


def panel_get_for_user(*, user: AnyUser, pk: int) -> tuple[Panel, TeamAccess]:
    if not 0 < pk <= MAX_ID:
        raise Http404
    panel = Panel.objects.filter(pk=pk).first()
    if panel is None:
        raise Http404
    return panel, team_get_for_user(user=user, pk=panel.assessment_id)

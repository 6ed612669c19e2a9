"""Team work on pages of the assessments and reports apps, which must not import this app: inclusion tags."""

from __future__ import annotations

from typing import Any

from django import template
from django.contrib.auth.models import User
from django.utils import timezone

from assessments.access import AssessmentAccess
from assessments.models import Assessment

from .. import selectors
from ..access import TeamAccess

register = template.Library()


@register.inclusion_tag("teams/includes/_assigned_to_me.html")
def assigned_to_me(user: User) -> dict[str, Any]:
    """The dashboard's "assigned to me": the user's parts with their progress, overdue first."""
    return {"mine": selectors.assignments_for_user(user=user, today=timezone.localdate())}


@register.inclusion_tag("teams/includes/_team_panel.html")
def team_panel(access: AssessmentAccess) -> dict[str, Any]:
    """The assessment page's card: who holds what and how far each has got; who responds where."""
    assessment = access.assessment
    scope = selectors.scope_for(assessment=assessment)
    return {
        "access": access,
        "team": TeamAccess(access),
        "assignments": selectors.assignment_rows(
            assessment=assessment, scope=scope, today=timezone.localdate()
        ),
        "panels": selectors.panel_rows(assessment=assessment, scope=scope),
    }


@register.inclusion_tag("teams/includes/_questionnaire_bar.html")
def team_questionnaire_bar(access: AssessmentAccess, show: str, domain_code: str) -> dict[str, Any]:
    """The questionnaire's "disputed" filter, the links to this domain's respondents' pages, and who holds
    which of its items."""
    assessment = access.assessment
    scope = selectors.scope_for(assessment=assessment)
    covered = selectors.panels(assessment=assessment, scope=scope)
    spreads = selectors.spreads_for(assessment=assessment, domain_code=domain_code)
    held = selectors.holders(assessment=assessment, scope=scope)
    in_domain = [item for item, domain in scope.domain_of.items() if domain == domain_code]
    return {
        "access": access,
        "show": show,
        # Who holds which item of the domain: the others' parts are theirs (or a manager's) to answer.
        "holders": [(item, held[item]) for item in in_domain if item in held],
        "items": [
            item for item, domain in scope.domain_of.items() if domain == domain_code and item in covered
        ],
        "disputed": sum(1 for s, _responses in spreads.values() if s.disputed),
    }


@register.inclusion_tag("teams/includes/_review_spread.html")
def team_review_spread(access: AssessmentAccess, domain_code: str) -> dict[str, Any]:
    """The review's view of respondents: each criterion's spread, with names (the consultant sees them)."""
    team = TeamAccess(access)
    return {
        "access": access,
        "with_names": team.can_see_names,
        "spreads": sorted(
            selectors.spreads_for(assessment=access.assessment, domain_code=domain_code).items()
        ),
    }


@register.inclusion_tag("teams/includes/_report_disputes.html")
def team_report_disputes(assessment: Assessment) -> dict[str, Any]:
    """The report's count of disputed criteria per domain (shown only where respondents answered)."""
    return {
        "counts": selectors.disputes_by_domain(assessment=assessment),
        "any_responses": bool(selectors.spreads_for(assessment=assessment)),
    }

"""The improvement loop on pages of the assessments app, which must not import this app: inclusion tags."""

from __future__ import annotations

from typing import Any

from django import template
from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from assessments.access import AssessmentAccess
from assessments.models import Organisation

from ..access import ActionPlanAccess
from ..presentation import INDICATIVE, verdict_views
from ..selectors import (
    action_plan_summary,
    actions_for_owner,
    readiness_for,
)
from ..selectors.trend import organisation_trend
from ..trend import trend_svg

register = template.Library()


@register.inclusion_tag("improvement/includes/_assessment_panel.html")
def improvement_panel(access: AssessmentAccess) -> dict[str, Any]:
    """The action plan's counts and links, and the readiness verdict for every level."""
    assessment = access.assessment
    today = timezone.localdate()
    verdicts = verdict_views(
        readiness_for(assessment=assessment, today=today, with_verified=access.can_see_verified)
    )
    return {
        "assessment": assessment,
        "plan": ActionPlanAccess(access),  # counts and links only: no per-action rights asked here
        "summary": action_plan_summary(assessment=assessment, today=today),
        "verdicts": verdicts,
        "target": next(v for v in verdicts if v.level == assessment.target_level),
        "indicative": INDICATIVE,
    }


@register.inclusion_tag("improvement/includes/_trend.html")
def organisation_trend_chart(organisation: Organisation) -> dict[str, Any]:
    """The organisation's official levels and indices per domain across its approved assessments: a chart
    of the indices with the numbers beside it (nothing before the first approval)."""
    trend = organisation_trend(organisation=organisation)
    if not trend.rows:
        return {"trend": None}
    chart = trend_svg(
        title=str(_("Official index per domain")),
        points=[
            row.assessment.decided_at.strftime("%Y-%m") if row.assessment.decided_at else ""
            for row in trend.rows
        ],
        lines=trend.lines(),
    )
    return {"trend": trend, "chart": mark_safe(chart), "organisation": organisation}  # noqa: S308 - escaped


@register.inclusion_tag("improvement/includes/_my_actions.html")
def my_actions(user: User) -> dict[str, Any]:
    """The dashboard's "my actions": the user's open actions, overdue first."""
    today = timezone.localdate()
    return {"actions": actions_for_owner(user=user, today=today), "today": today}

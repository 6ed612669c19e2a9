"""The improvement loop on pages of the assessments app, which must not import this app: inclusion tags."""

from __future__ import annotations

from typing import Any

from django import template
from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from assessments import workflow
from assessments.access import AssessmentAccess
from assessments.models import Assessment, Organisation

from ..access import ActionPlanAccess
from ..presentation import INDICATIVE, verdict_views
from ..selectors import (
    action_plan_summary,
    actions_for_owner,
    actions_since_baseline,
    readiness_for,
    report_actions,
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


@register.inclusion_tag("improvement/includes/_report_actions.html")
def report_actions_section(assessment: Assessment) -> dict[str, Any]:
    """The report's action plan (page and PDF): top open actions per domain, then the whole table."""
    return {
        "plan": report_actions(assessment=assessment),
        # The report shows the official result once decided; before that, the self-assessed one.
        "since_baseline": actions_since_baseline(
            assessment=assessment, with_verified=workflow.is_decided(assessment.state)
        ),
    }


REPORT_BLOCKERS_SHOWN = 30


@register.inclusion_tag("improvement/includes/_report_readiness.html")
def report_readiness_section(assessment: Assessment) -> dict[str, Any]:
    """The readiness verdict in the report (page and PDF), on the ratings the report shows."""
    verdicts = verdict_views(
        readiness_for(
            assessment=assessment,
            today=timezone.localdate(),
            with_verified=workflow.is_decided(assessment.state),
        )
    )
    target = next(v for v in verdicts if v.level == assessment.target_level)
    return {
        "verdicts": verdicts,
        "target": target,
        "reasons": target.reasons[:REPORT_BLOCKERS_SHOWN],
        "more": max(len(target.reasons) - REPORT_BLOCKERS_SHOWN, 0),
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

"""The improvement loop on the assessment page, which must not import this app: one inclusion tag."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from assessments.access import AssessmentAccess

from ..access import ActionPlanAccess
from ..presentation import INDICATIVE, verdict_views
from ..selectors import action_plan_summary, readiness_for

register = template.Library()


@register.inclusion_tag("improvement/includes/_assessment_panel.html")
def improvement_panel(access: AssessmentAccess) -> dict[str, Any]:
    """The action plan's counts and links, and the readiness verdict for every level."""
    assessment = access.assessment
    today = timezone.localdate()
    verdicts = verdict_views(readiness_for(assessment=assessment, today=today))
    return {
        "assessment": assessment,
        "plan": ActionPlanAccess(access),
        "summary": action_plan_summary(assessment=assessment, today=today),
        "verdicts": verdicts,
        "target": next(v for v in verdicts if v.level == assessment.target_level),
        "indicative": INDICATIVE,
    }

"""The improvement loop in the report and its PDF, which the reports app must not import: inclusion tags.

The report is one document whatever the reader (its PDF is cached under its HTML's hash), so these show the
official ratings (verified once reviewed) like the rest of the report, as of the report's date.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template

from assessments.models import Assessment

from ..presentation import INDICATIVE, verdict_views
from ..selectors import actions_since_baseline, readiness_for
from ..selectors.report import report_action_plan

register = template.Library()


@register.inclusion_tag("improvement/includes/_report_action_plan.html")
def report_actions(assessment: Assessment) -> dict[str, Any]:
    """The one-page summary of the top actions per domain, then the plan with owners and dates."""
    return {"plan": report_action_plan(assessment=assessment)}


@register.inclusion_tag("improvement/includes/_report_baseline_actions.html")
def report_baseline_actions(assessment: Assessment) -> dict[str, Any]:
    """For a re-assessment: the baseline's actions, which closed their gap, and which are done but not."""
    return {"rows": actions_since_baseline(assessment=assessment, with_verified=True)}


@register.inclusion_tag("improvement/includes/_report_readiness.html")
def report_readiness(assessment: Assessment, as_of: date) -> dict[str, Any]:
    """The readiness verdict for every level, the target level's blockers listed."""
    verdicts = verdict_views(readiness_for(assessment=assessment, today=as_of, with_verified=True))
    return {
        "verdicts": verdicts,
        "target": next(v for v in verdicts if v.level == assessment.target_level),
        "indicative": INDICATIVE,
    }

"""``{% kpi_report assessment %}``: the report's KPI section (the report's templates show it without the
reports app knowing this one, as with the peer benchmark)."""

from __future__ import annotations

from typing import Any

from django import template

from assessments.models import Assessment

from ..report import kpi_report as build_kpi_report

register = template.Library()


@register.inclusion_tag("kpis/includes/_report_kpis.html")
def kpi_report(assessment: Assessment) -> dict[str, Any]:
    return {"rows": build_kpi_report(assessment=assessment)}

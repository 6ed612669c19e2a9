"""The organisation's trend: official (verified) levels and indices per domain across its approved
assessments, as a chart with the numbers beside it on the dashboard; the chart is pure and escaped."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from assessments import services as assessment_services
from assessments.models import Assessment
from improvement.selectors.trend import organisation_trend
from improvement.trend import TrendLine, trend_svg
from tests.assessments.conftest import Org
from tests.reports.conftest import answer_levels, approve


def test_the_chart_escapes_and_skips_missing_values() -> None:
    svg = trend_svg(title="<b>x</b>", points=["2025-01", "2026-01"], lines=[TrendLine("S&P", [1.0, None])])
    assert "<b>" not in svg
    assert "&lt;b&gt;" in svg
    assert "S&amp;P" in svg
    assert svg.count("<circle") == 1
    assert "<polyline" not in svg


@pytest.mark.django_db
def test_the_dashboard_shows_the_trend_of_official_results(
    client: Client, org: Org, assessment: Assessment
) -> None:
    answer_levels(assessment, org.manager, up_to=1)
    first = approve(assessment, org, {"SP1-1-01": ("P", "thin")})  # SP falls to 0 when verified
    second = assessment_services.assessment_start(
        organisation=org.organisation,
        user=org.manager,
        capability_model=first.capability_model,
        title="FY27",
        target_level=2,
        allow_retired=True,  # the fixtures' version 1
    )
    answer_levels(second, org.manager, up_to=2)
    second = approve(second, org, {})
    trend = organisation_trend(organisation=org.organisation)
    assert [row.assessment.pk for row in trend.rows] == [first.pk, second.pk]
    sp = trend.domains.index("SP")
    assert [row.domains[sp][0] for row in trend.rows] == [0, 2]
    client.force_login(org.viewer)
    page = client.get(reverse("home")).content.decode()
    assert "Trend of the official results" in page
    assert 'class="trend-chart"' in page
    assert "FY27" in page

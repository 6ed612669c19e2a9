"""What the report hands over (issue 16 item 16, issue 18): the cover, the DRAFT mark, the footer in the
report's language, the guidance, the action plan, the trend across assessments and what closed since the
baseline; checked in the document the PDF is rendered from, and in the PDF itself."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any
from xml.etree import ElementTree

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from assessments.models import Assessment
from assessments.services import assessment_start
from improvement.access import action_plan_get_for_user
from improvement.models import Action
from improvement.services import actions_suggest, reassessment_start
from reports import services
from reports.charts import CENTRE, RADIUS
from reports.pdf import html_to_pdf
from reports.selectors import report_build
from tests.assessments.conftest import Org, record

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def _document(assessment: Assessment, language: str = "en") -> str:
    with translation.override(language):
        return services.report_document_html(assessment=Assessment.objects.get(pk=assessment.pk))


def _section(html: str, element_id: str) -> str:
    match = re.search(rf'<(section|div|nav)[^>]*id="{element_id}".*?</\1>', html, re.S)
    assert match, f"no #{element_id}"
    return match.group(0)


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def _reassess(org: Org, approved: Assessment) -> Assessment:
    access = action_plan_get_for_user(user=org.manager, pk=approved.pk)
    return reassessment_start(access=access, user=org.manager, title="FY27 re-assessment", target_level=3)


def test_cover_names_the_organisation_consultant_firm_version_and_date(
    org: Org, approved: Assessment, settings: Any
) -> None:
    settings.REPORT_CONSULTANT_FIRM = "Acme 咨询 Advisory"
    org.consultant.first_name, org.consultant.last_name = "Wei", "Zhang"
    org.consultant.save(update_fields=["first_name", "last_name"])
    cover = _section(_document(approved), "cover")
    model = approved.capability_model
    assert approved.organisation.name in cover
    assert "Wei Zhang" in cover
    assert "Acme 咨询 Advisory" in cover
    assert f"version {model.version}" in cover
    assert model.code in cover
    assert approved.decided_at is not None
    assert f"{timezone.localdate(approved.decided_at):%Y-%m-%d}" in cover
    assert "DRAFT" not in cover


def test_draft_mark_on_every_page_of_a_draft_and_none_on_an_approved_report(
    org: Org, approved: Assessment
) -> None:
    """One PDF of each: the mark is a fixed box, which WeasyPrint repeats on every page."""
    draft = assessment_start(
        organisation=org.organisation,
        user=org.manager,
        capability_model=approved.capability_model,
        title="FY27",
        target_level=2,
        allow_retired=True,  # the fixtures' version 1
    )
    with translation.override("en"):
        draft_pages = _pages(html_to_pdf(_document(draft, "en")))
    assert len(draft_pages) > 3
    assert [n for n, page in enumerate(draft_pages) if "DRAFT" not in page] == [], draft_pages[:2]
    assert all(re.search(r"Page \d+ / \d+", page) for page in draft_pages)  # the footer, in English
    html = _document(approved, "zh-hans")
    assert "report-draft-mark" not in html
    with translation.override("zh-hans"):
        approved_pages = _pages(html_to_pdf(html))
    assert not any("DRAFT" in page or "草稿" in page for page in approved_pages)
    assert all(re.search(r"页码 \d+ / \d+", page) for page in approved_pages)  # the footer, in Chinese
    assert all("成熟度评估与差距报告" in page for page in approved_pages[1:])


@pytest.mark.parametrize(
    ("language", "footer", "other"),
    [
        ("en", "Maturity assessment and gap report", "成熟度评估与差距报告"),
        ("zh-hans", "成熟度评估与差距报告", "Maturity"),
    ],
)
def test_footer_is_in_the_reports_language(
    assessment: Assessment, language: str, footer: str, other: str
) -> None:
    running = re.search(r'data-footer="([^"]*)"', _document(assessment, language))
    assert running
    assert footer in running.group(1)
    assert other not in running.group(1)
    assert ("DRAFT" in running.group(1)) == (language == "en")
    if language != "en":
        assert "草稿" in running.group(1)


def test_guidance_explains_levels_ratings_and_what_to_do(approved: Assessment) -> None:
    guidance = _section(_document(approved, "zh-hans"), "guidance")
    for text in (
        "如何阅读本报告",
        "未达到",
        "部分达到",
        "大部分达到",
        "完全达到",
        "自评与核定",
        "下一步怎么做",
    ):
        assert text in guidance


def test_action_plan_in_the_report_with_owners_dates_and_a_summary_per_domain(
    client: Client, org: Org, approved: Assessment
) -> None:
    access = action_plan_get_for_user(user=org.manager, pk=approved.pk)
    actions = actions_suggest(access=access, user=org.manager)
    assert actions
    first = Action.objects.get(pk=actions[0].pk)
    first.owner, first.due_date, first.title = org.contributor, date(2027, 3, 31), "Keep minutes of reviews"
    first.save()
    html = _document(approved)
    summary = _section(html, "top-actions")
    assert "Keep minutes of reviews" in summary
    assert "due 2027-03-31" in summary
    plan = _section(html, "action-plan")
    for action in Action.objects.filter(assessment=approved):
        assert action.title in plan
    assert org.contributor.get_username() in plan or org.contributor.get_full_name() in plan
    assert "2027-03-31" in plan
    client.force_login(org.viewer)
    page = client.get(reverse("reports:report", args=[approved.pk])).content.decode()
    assert 'id="action-plan"' in page
    assert "Keep minutes of reviews" in page


def test_without_a_plan_the_summary_shows_the_suggestions_from_the_gaps(approved: Assessment) -> None:
    summary = _section(_document(approved), "top-actions")
    assert "no action plan yet" in summary
    assert "SP1-1-01" in summary  # lowered by the consultant: a foundation gap
    assert 'id="action-plan"' not in _document(approved)


def test_trend_chart_across_approved_assessments_with_the_numbers_beside_it(
    org: Org, approved: Assessment
) -> None:
    assert (
        report_build(assessment=approved).trend is None
    )  # the first approved assessment: nothing to compare
    later = _reassess(org, approved)
    report = report_build(assessment=later)
    assert report.trend is not None
    assert [c.assessment.pk for c in report.trend.columns] == [approved.pk, later.pk]
    root = ElementTree.fromstring(report.trend.svg)
    ends = [
        " ".join(s.text or "" for s in t.iter(f"{SVG}tspan"))
        for t in root.iter(f"{SVG}text")
        if t.attrib.get("class") == "end-label"
    ]
    assert sorted(e.split()[0] for e in ends) == ["CB", "MI", "OP", "SP"]
    assert all(re.fullmatch(r"[A-Z]+ \d\.\d\d", e) for e in ends)
    table = _section(_document(later), "trend")
    sp = next(r for r in report.trend.rows if r.code == "SP")
    for cell in sp.cells:
        assert cell is not None
        assert f"{cell.index:.2f}" in table


def test_reassessment_report_shows_the_gaps_closed_since_the_baseline(org: Org, approved: Assessment) -> None:
    later = _reassess(org, approved)
    record(later, org.manager, "SP1-2-01", "F")  # the consultant's P at the baseline, now F
    report = report_build(assessment=later)
    assert report.closed_since_baseline is not None
    sp1 = next(r for r in report.closed_since_baseline if r.code == "SP1")
    assert "SP1-2-01" in sp1.closed
    section = _section(_document(later), "since-baseline")
    assert "SP1-2-01" in section
    assert report_build(assessment=approved).closed_since_baseline is None
    assert 'id="since-baseline"' not in _document(approved)


def test_the_reports_radar_keeps_its_legend_clear_of_the_chart(approved: Assessment) -> None:
    with translation.override("zh-hans"):
        root = ElementTree.fromstring(report_build(assessment=approved).radar)
    legend = root.find(f"{SVG}g[@class='legend']")
    assert legend is not None
    for text in legend.iter(f"{SVG}text"):
        assert float(text.attrib["y"]) - 15 > CENTRE + RADIUS  # below the chart's bounding circle

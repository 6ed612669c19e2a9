"""The journeys of DESIGN.md §3 in a real browser: a manager answers and submits, a consultant reviews,
two people edit one answer, an outsider pastes URLs, JavaScript is off, the language is switched."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from django.urls import reverse
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader, PdfWriter

from assessments import services
from assessments.access import AssessmentAccess
from assessments.models import Assessment, AssessmentState
from tests.assessments.conftest import Org, record
from tests.e2e.conftest import login, screenshot
from tests.reports.conftest import answer_levels, approve
from tests.reports.spreadsheet_helpers import fill


def _start(org: Org, model: Any, target: int = 3) -> Assessment:
    return services.assessment_start(
        organisation=org.organisation,
        user=org.manager,
        capability_model=model,
        title="FY26",
        target_level=target,
        allow_retired=True,
    )


def _fill_required(assessment: Assessment, org: Org, rating: str = "F") -> None:
    for answer in assessment.answers.select_related("criterion").filter(
        criterion__level__lte=assessment.target_level, rating=""
    ):
        record(assessment, org.contributor, answer.criterion.code, rating)


def _rate(page: Page, code: str, rating: str) -> None:
    page.locator(f"label[for='{code}-rating-{rating}']").click()
    expect(page.locator(f"#criterion-{code} [data-role=state]")).to_have_text("Saved")


def test_manager_answers_attaches_evidence_and_submits(
    page: Page, live_server: Any, org: Org, shipped_model: Any, tmp_path: Any
) -> None:
    base = live_server.url
    login(page, base, org.manager)
    screenshot(page, "dashboard")
    page.click("text=Start an assessment")
    page.fill("#id_title", "2026 self-assessment")
    page.select_option("#id_target_level", "3")
    page.click("main input[type=submit], main button[type=submit]")
    expect(page.locator("h1")).to_have_text("2026 self-assessment")
    assessment = Assessment.objects.get(title="2026 self-assessment")

    page.click("text=Answer SP Strategic planning")
    overall = page.locator("#progress-overall-text")
    expect(overall).to_have_text(re.compile(r"^0/\d+$"))
    # Every level-1 criterion of SP1 of the published version (how many depends on the version).
    sp1 = list(
        assessment.answers.filter(criterion__item__code="SP1", criterion__level=1)
        .order_by("criterion__order")
        .values_list("criterion__code", flat=True)
    )
    for position, code in enumerate(sp1):
        _rate(page, code, "F" if position == 0 else "L")
    page.click("#item-SP2 > summary")  # a closed item: its criteria are fetched when it opens
    _rate(page, "SP2-1-01", "P")
    expect(overall).to_have_text(re.compile(rf"^{len(sp1) + 1}/\d+$"))
    expect(page.locator('[data-item-level="SP1"] [data-role=level]')).to_have_text("1")
    expect(page.locator("#save-status")).to_have_text("Saved")
    screenshot(page, "questionnaire")

    page.click("a.nav-link:has-text('CB Capability building')")
    page.click("#criterion-CB1-1-01 .criterion-more > summary")
    page.fill("#CB1-1-01-comment", "Org chart signed off in March")
    _rate(page, "CB1-1-01", "F")
    _rate(page, "CB1-1-02", "N")
    expect(overall).to_have_text(re.compile(rf"^{len(sp1) + 3}/\d+$"))

    page.reload()
    expect(page.locator("#CB1-1-01-rating-F")).to_be_checked()
    expect(page.locator("#CB1-1-02-rating-N")).to_be_checked()
    expect(page.locator("#CB1-1-01-comment")).to_have_value("Org chart signed off in March")
    page.goto(f"{base}{reverse('assessments:questionnaire', args=[assessment.pk, 'SP'])}")
    expect(page.locator("#SP1-1-02-rating-L")).to_be_checked()

    evidence = tmp_path / "strategy.pdf"
    writer = PdfWriter()  # a real one-page PDF: uploads are checked for structure, not only leading bytes
    writer.add_blank_page(width=72, height=72)
    with evidence.open("wb") as handle:
        writer.write(handle)
    page.click("#criterion-SP1-1-01 .criterion-more > summary")
    page.set_input_files("#criterion-SP1-1-01 input[type=file]", str(evidence))
    page.click("#criterion-SP1-1-01 button[form='evidence-form']")
    expect(page.locator("#criterion-SP1-1-01")).to_contain_text("strategy.pdf")
    expect(page.locator("#criterion-SP1-1-01 .criterion-more")).to_have_attribute("open", "")

    page.goto(f"{base}{reverse('assessments:detail', args=[assessment.pk])}")
    submit = page.locator("button:has-text('Submit for review')")
    expect(submit).to_be_disabled()
    expect(page.locator("#submit-blocked")).to_be_visible()
    expect(page.locator("#submission-problems")).to_contain_text("SP1-2-01")

    _fill_required(assessment, org)
    page.reload()
    page.click("button:has-text('Submit for review')")
    expect(page.locator(".alert-success")).to_contain_text("Submitted for review")
    assert Assessment.objects.get(pk=assessment.pk).state == AssessmentState.SUBMITTED


def test_consultant_returns_manager_resubmits_consultant_approves(
    browser: Browser, live_server: Any, org: Org, shipped_model: Any
) -> None:
    base = live_server.url
    assessment = _start(org, shipped_model, target=1)
    _fill_required(assessment, org)
    services.assessment_submit(access=AssessmentAccess(assessment, _org_access(org)), user=org.manager)

    consultant = browser.new_page()
    login(consultant, base, org.consultant)
    consultant.click("a.nav-link:has-text('Review queue')")
    consultant.click("text=Review >> nth=-1")
    consultant.click("button:has-text('Start review')")
    expect(consultant.locator(".badge.state-in_review")).to_be_visible()
    for code, rating in (("SP1-1-01", "P"), ("SP1-1-02", "L")):
        consultant.select_option(f"#{code}-verified_rating", rating)
        consultant.fill(f"#{code}-review_comment", f"{code}: evidence does not cover all channels")
    screenshot(consultant, "review")
    consultant.click("button:has-text('Save review')")
    expect(consultant.locator(".alert-success")).to_contain_text("Review saved")
    consultant.goto(f"{base}{reverse('assessments:detail', args=[assessment.pk])}")
    consultant.fill("#return-note", "Please add channel-level evidence for SP1.")
    consultant.click("button:has-text('Return for rework')")
    expect(consultant.locator(".badge.state-returned")).to_be_visible()

    manager = browser.new_page()
    login(manager, base, org.manager)
    manager.goto(f"{base}{reverse('assessments:questionnaire', args=[assessment.pk, 'SP'])}")
    expect(manager.locator("#criterion-SP1-1-01 [data-role=review]")).to_contain_text(
        "evidence does not cover"
    )
    _rate(manager, "SP1-1-01", "L")
    manager.goto(f"{base}{reverse('assessments:detail', args=[assessment.pk])}")
    manager.click("button:has-text('Submit for review')")
    expect(manager.locator(".badge.state-submitted")).to_be_visible()

    consultant.goto(f"{base}{reverse('assessments:review', args=[assessment.pk, 'SP'])}")
    expect(consultant.locator("#criterion-SP1-1-01")).to_contain_text("changed since review")
    consultant.click("button:has-text('Start review')")
    consultant.goto(f"{base}{reverse('assessments:detail', args=[assessment.pk])}")
    consultant.fill("#approve-note", "Verified on site.")
    consultant.check("#approve-confirm")
    consultant.click("#approve-form button[type=submit]")
    expect(consultant.locator(".badge.state-approved")).to_be_visible()
    manager.reload()
    expect(manager.locator(".alert-success")).to_contain_text("Approved")
    expect(manager.locator("main")).to_contain_text("Verified level")


def _org_access(org: Org) -> Any:
    from assessments.access import organisation_get_for_user

    return organisation_get_for_user(user=org.manager, pk=org.organisation.pk)


def test_two_people_edit_one_answer(browser: Browser, live_server: Any, org: Org, shipped_model: Any) -> None:
    base = live_server.url
    assessment = _start(org, shipped_model)
    url = f"{base}{reverse('assessments:questionnaire', args=[assessment.pk, 'MI'])}"
    manager, contributor = browser.new_page(), browser.new_page()
    login(manager, base, org.manager)
    login(contributor, base, org.contributor)
    manager.goto(url)
    contributor.goto(url)
    _rate(manager, "MI1-1-01", "F")
    contributor.click("#criterion-MI1-1-01 .criterion-more > summary")
    contributor.fill("#MI1-1-01-comment", "We only cover voice so far")
    contributor.locator("label[for='MI1-1-01-rating-P']").click()
    conflict = contributor.locator("#criterion-MI1-1-01 [data-role=conflict]")
    expect(conflict).to_contain_text(org.manager.username)
    expect(conflict).to_contain_text("“F”")
    expect(contributor.locator("#MI1-1-01-comment")).to_have_value("We only cover voice so far")
    answer = assessment.answers.get(criterion__code="MI1-1-01")
    assert (answer.rating, answer.comment) == ("F", "")
    conflict.locator("button").click()  # keep mine, deliberately
    expect(contributor.locator("#criterion-MI1-1-01 [data-role=state]")).to_have_text("Saved")
    answer.refresh_from_db()
    assert (answer.rating, answer.comment) == ("P", "We only cover voice so far")


def test_another_organisation_gets_404(
    page: Page, live_server: Any, org: Org, other_org: Org, shipped_model: Any
) -> None:
    base = live_server.url
    assessment = _start(org, shipped_model)
    login(page, base, other_org.manager)
    for url in (
        reverse("assessments:detail", args=[assessment.pk]),
        reverse("assessments:questionnaire", args=[assessment.pk, "SP"]),
        reverse("assessments:history", args=[assessment.pk]),
        reverse("assessments:organisation_members", args=[org.organisation.pk]),
        reverse("assessments:start", args=[org.organisation.pk]),
    ):
        response = page.goto(f"{base}{url}")
        assert response is not None
        assert response.status == 404, url
    expect(page.locator("body")).not_to_contain_text("FY26")


def test_save_button_works_without_javascript(
    browser: Browser, live_server: Any, org: Org, shipped_model: Any
) -> None:
    base = live_server.url
    assessment = _start(org, shipped_model)
    context = browser.new_context(java_script_enabled=False, locale="en-US")
    page = context.new_page()
    login(page, base, org.contributor)
    page.goto(f"{base}{reverse('assessments:questionnaire', args=[assessment.pk, 'OP'])}")
    page.click("#item-OP5 > summary")  # a <details> opens without JavaScript
    page.click("#item-OP5 [data-role=placeholder] a")  # and its link loads the page with the item's criteria
    page.locator("label[for='OP5-1-01-rating-L']").click()
    page.click("#criterion-OP5-1-01 .criterion-more > summary")
    page.fill("#OP5-1-01-comment", "Monthly QA calibration minutes")
    page.click("button[name=save]")
    expect(page.locator(".alert-success")).to_contain_text("Saved 1 answers")
    page.reload()
    expect(page.locator("#OP5-1-01-rating-L")).to_be_checked()
    expect(page.locator("#OP5-1-01-comment")).to_have_value("Monthly QA calibration minutes")
    context.close()


def test_language_switch(page: Page, live_server: Any, org: Org) -> None:
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.click("button[value='zh-hans']")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("main h1")).to_have_text("登录")
    login(page, base, org.manager)
    expect(page.locator("main h1")).to_have_text("工作台")
    page.click("button[value='en']")
    expect(page.locator("main h1")).to_have_text("Dashboard")


def test_manager_reads_the_report_compares_and_downloads_the_pdf_in_both_languages(
    page: Page, live_server: Any, org: Org, shipped_model: Any
) -> None:
    base = live_server.url
    last_year = _start(org, shipped_model, target=2)
    last_year.title = "FY25"
    last_year.save(update_fields=["title"])
    answer_levels(last_year, org.manager, up_to=1)
    this_year = _start(org, shipped_model, target=2)
    answer_levels(this_year, org.manager, up_to=2)
    approve(this_year, org, {"SP1-2-01": ("P", "Minutes missing for two quarters.")})

    login(page, base, org.manager)
    page.goto(f"{base}{reverse('assessments:detail', args=[this_year.pk])}")
    page.click("a:has-text('Report')")
    expect(page.locator("svg.radar-chart")).to_be_visible()
    expect(page.locator("#summary")).to_contain_text("Overall level (verified)")
    expect(page.locator("#plan")).to_contain_text("SP1-2-01")
    screenshot(page, "report", "#summary")
    for language, domain_name in (("en", "Strategic planning"), ("zh-hans", "战略规划")):
        if language != "en":
            page.click("button[value='zh-hans']")
            expect(page.locator("#summary h2")).to_have_text("执行摘要")
        with page.expect_download() as download:
            page.click("a[href$='report.pdf']")
        pdf = Path(download.value.path()).read_bytes()
        assert pdf.startswith(b"%PDF")
        text = "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages)
        assert domain_name in text
    page.click("button[value='en']")

    page.click("a:has-text('Compare with another assessment')")
    page.select_option("#id_before", str(last_year.pk))
    page.click("button:has-text('Compare')")
    expect(page.locator("#comparison")).to_contain_text("FY25")
    # Capability building went from level 1 to 2; strategic planning stayed at 1 (SP1-2-01 verified P).
    expect(page.locator("#comparison tr.change-total:has-text('Capability building')")).to_contain_text("+1")
    expect(page.locator("#comparison tr.change-total:has-text('Strategic planning')")).to_contain_text("±0")


def test_offline_questionnaire_round_trip_in_the_browser(
    page: Page, live_server: Any, org: Org, shipped_model: Any, tmp_path: Path
) -> None:
    base = live_server.url
    assessment = _start(org, shipped_model, target=2)
    login(page, base, org.manager)
    page.goto(f"{base}{reverse('assessments:detail', args=[assessment.pk])}")
    with page.expect_download() as download:
        page.click("a:has-text('Export to Excel')")
    exported = Path(download.value.path()).read_bytes()
    filled = tmp_path / "questionnaire.xlsx"
    filled.write_bytes(
        fill(
            exported,
            {
                "SP1-1-01": {"rating": "L", "comment": "线下填写 filled in offline"},
                "SP1-1-02": {"rating": "XL"},
            },
        )
    )

    page.click("a:has-text('Offline questionnaire')")
    page.set_input_files("input[type=file]", str(filled))
    page.click("input[name=preview], button[name=preview]")
    expect(page.locator("#import-problems")).to_contain_text("SP1-1-02")
    assessment.refresh_from_db()
    assert assessment.answers.get(criterion__code="SP1-1-01").rating == ""  # nothing applied

    filled.write_bytes(fill(exported, {"SP1-1-01": {"rating": "L", "comment": "线下填写 filled in offline"}}))
    page.set_input_files("input[type=file]", str(filled))
    page.click("input[name=preview], button[name=preview]")
    expect(page.locator("#import-preview")).to_contain_text("SP1-1-01")
    page.click("input[name=apply], button[name=apply]")
    expect(page.locator(".alert-success")).to_be_visible()
    page.goto(f"{base}{reverse('assessments:questionnaire', args=[assessment.pk, 'SP'])}")
    expect(page.locator("#SP1-1-01-rating-L")).to_be_checked()
    expect(page.locator("#SP1-1-01-comment")).to_have_value("线下填写 filled in offline")

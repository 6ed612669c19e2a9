"""The pages people live in, in a real browser: the review saves as it goes across domain tabs, approval
asks for confirmation, rating from the keyboard, a linked criterion lands in view, and no page scrolls
sideways on a tablet or a phone in either language."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from assessments import services
from assessments.access import assessment_get_for_user
from assessments.models import Answer, Assessment, AssessmentState
from tests.assessments.conftest import Org, record
from tests.e2e.conftest import login, screenshot


def _start(org: Org, model: Any, target: int = 1) -> Assessment:
    return services.assessment_start(
        organisation=org.organisation,
        user=org.manager,
        capability_model=model,
        title="FY26",
        target_level=target,
        allow_retired=True,
    )


def _in_review(org: Org, model: Any) -> Assessment:
    assessment = _start(org, model)
    for answer in assessment.answers.select_related("criterion").filter(criterion__level__lte=1):
        record(assessment, org.contributor, answer.criterion.code, "F")
    services.assessment_submit(
        access=assessment_get_for_user(user=org.manager, pk=assessment.pk), user=org.manager
    )
    return services.assessment_start_review(
        access=assessment_get_for_user(user=org.consultant, pk=assessment.pk), user=org.consultant
    )


def test_review_saves_as_it_goes_across_domain_tabs(
    page: Page, live_server: Any, org: Org, shipped_model: Any
) -> None:
    base = live_server.url
    assessment = _in_review(org, shipped_model)
    login(page, base, org.consultant)
    page.goto(f"{base}{reverse('assessments:review', args=[assessment.pk, 'SP'])}")
    page.select_option("#SP1-1-01-verified_rating", "P")
    expect(page.locator("#criterion-SP1-1-01 [data-role=state]")).to_have_text("Saved")
    page.fill("#SP1-1-02-review_comment", "Only one channel covered")
    # Straight to another domain's tab, before the typing pause is over: the comment is saved first.
    page.click("a.nav-link:has-text('CB Capability building')")
    expect(page).to_have_url(f"{base}{reverse('assessments:review', args=[assessment.pk, 'CB'])}?show=all")
    page.select_option("#CB1-1-01-verified_rating", "L")
    expect(page.locator("#save-status")).to_have_text("Saved")
    screenshot(page, "review")
    answers = {
        a.criterion.code: a for a in Answer.objects.filter(assessment=assessment).select_related("criterion")
    }
    assert answers["SP1-1-01"].verified_rating == "P"
    assert answers["SP1-1-02"].review_comment == "Only one channel covered"
    assert answers["CB1-1-01"].verified_rating == "L"
    page.click("a.nav-link:has-text('SP Strategic planning')")
    expect(page.locator("#SP1-1-01-verified_rating")).to_have_value("P")
    expect(page.locator("#SP1-1-02-review_comment")).to_have_value("Only one channel covered")


def test_approve_shows_what_it_does_and_asks_for_confirmation(
    page: Page, live_server: Any, org: Org, shipped_model: Any
) -> None:
    base = live_server.url
    assessment = _in_review(org, shipped_model)
    services.review_record(
        access=assessment_get_for_user(user=org.consultant, pk=assessment.pk),
        criterion_code="CB1-1-01",
        data=services.ReviewInput("P", "no training records"),
        user=org.consultant,
    )
    login(page, base, org.consultant)
    page.goto(f"{base}{reverse('assessments:detail', args=[assessment.pk])}")
    preview = page.locator("#approval-preview")
    expect(preview).to_contain_text("Approval is final")
    expect(preview).to_contain_text("1 criterion is verified with a different rating")
    expect(preview.locator("tr:has-text('CB') td.text-danger")).to_be_visible()  # CB falls
    screenshot(page, "decision", "#decision")
    approve = page.locator("#approve-form button[type=submit]")
    approve.click()  # no note, no confirmation: the browser refuses, nothing is decided
    assert Assessment.objects.get(pk=assessment.pk).state == AssessmentState.IN_REVIEW
    page.fill("#approve-note", "Verified on site.")
    approve.click()  # still no confirmation
    assert Assessment.objects.get(pk=assessment.pk).state == AssessmentState.IN_REVIEW
    page.check("#approve-confirm")
    approve.click()
    expect(page.locator(".badge.state-approved")).to_be_visible()


def test_rating_from_the_keyboard(page: Page, live_server: Any, org: Org, shipped_model: Any) -> None:
    base = live_server.url
    assessment = _start(org, shipped_model, target=3)
    login(page, base, org.contributor)
    page.goto(f"{base}{reverse('assessments:questionnaire', args=[assessment.pk, 'SP'])}")
    page.focus("#SP1-1-01-rating-none")
    page.keyboard.press("f")
    expect(page.locator("#SP1-1-01-rating-F")).to_be_checked()
    expect(page.locator("#criterion-SP1-1-01 [data-role=state]")).to_have_text("Saved")
    page.keyboard.press("j")
    page.keyboard.press("2")
    expect(page.locator("#SP1-1-02-rating-P")).to_be_checked()
    expect(page.locator("#criterion-SP1-1-02 [data-role=state]")).to_have_text("Saved")
    page.keyboard.press("a")  # NA asks for the reason before it is saved
    expect(page.locator("#SP1-1-02-justification")).to_be_focused()
    page.keyboard.type("We have no outsourced sites")
    expect(page.locator("#criterion-SP1-1-02 [data-role=state]")).to_have_text("Saved")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("k")
    expect(page.locator("#SP1-1-01-rating-F")).to_be_focused()
    screenshot(page, "questionnaire")
    ratings = dict(
        Answer.objects.filter(
            assessment=assessment, criterion__code__in=["SP1-1-01", "SP1-1-02"]
        ).values_list("criterion__code", "rating")
    )
    assert ratings == {"SP1-1-01": "F", "SP1-1-02": "NA"}


def test_a_linked_criterion_lands_in_view_highlighted(
    page: Page, live_server: Any, org: Org, shipped_model: Any
) -> None:
    base = live_server.url
    assessment = _start(org, shipped_model, target=3)
    login(page, base, org.manager)
    page.goto(f"{base}{reverse('assessments:detail', args=[assessment.pk])}")
    page.locator("#submission-problems summary:has-text('OP')").click()
    page.locator("#submission-problems a:text-is('OP6-2-01')").click()
    target = page.locator("#criterion-OP6-2-01")
    expect(target).to_be_in_viewport()
    expect(target).to_have_class(re.compile(r"is-target"))
    bar = page.locator(".sticky-summary").bounding_box()
    box = target.bounding_box()
    assert bar is not None
    assert box is not None
    assert box["y"] >= bar["y"] + bar["height"] - 1, (box, bar)  # not under the sticky bar


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_no_page_scrolls_sideways_on_a_tablet_or_a_phone(
    browser: Browser, live_server: Any, org: Org, shipped_model: Any, language: str
) -> None:
    base = live_server.url
    assessment = _in_review(org, shipped_model)
    urls = [
        reverse("home"),
        reverse("assessments:detail", args=[assessment.pk]),
        reverse("assessments:questionnaire", args=[assessment.pk, "OP"]) + "?open=all",
        reverse("assessments:review", args=[assessment.pk, "OP"]),
        reverse("assessments:history", args=[assessment.pk]),
        reverse("assessments:review_queue"),
        reverse("reports:report", args=[assessment.pk]),
        reverse("capability_model:overview"),
        reverse("assessments:organisation_members", args=[org.organisation.pk]),
    ]
    for user in (org.manager, org.consultant):
        context = browser.new_context(locale="zh-CN" if language == "zh-hans" else "en-US")
        context.add_cookies([{"name": "django_language", "value": language, "url": base}])
        page = context.new_page()
        login(page, base, user)
        for width in (820, 390):
            page.set_viewport_size({"width": width, "height": 900})
            for url in urls:
                response = page.goto(f"{base}{url}")
                assert response is not None
                if response.status != 200:
                    continue  # not this person's page (404); the URL walk covers who may see what
                widths = page.evaluate(
                    "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
                )
                assert widths[0] <= widths[1], (user.username, language, width, url, widths)
        if user == org.manager:
            page.goto(f"{base}{urls[2]}")
            screenshot(page, f"questionnaire-phone-{language}")
        context.close()


def test_leaving_with_typed_unsaved_text_asks_first(
    page: Page, live_server: Any, org: Org, shipped_model: Any
) -> None:
    base = live_server.url
    assessment = _in_review(org, shipped_model)
    login(page, base, org.consultant)
    page.goto(f"{base}{reverse('assessments:detail', args=[assessment.pk])}")
    dialogs: list[str] = []

    def answer(dialog: Any) -> None:
        dialogs.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", answer)
    page.fill("#return-note", "Half-written reason")
    page.click("a.nav-link:has-text('Dashboard')")
    expect(page.locator("#return-note")).to_have_value("Half-written reason")
    assert dialogs == ["beforeunload"]

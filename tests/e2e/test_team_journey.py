"""Issue 19's journey in a real browser: a manager opens an item to two contributors (blind), they answer
it differently, each seeing the other only after answering, and the manager consolidates from the median."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from playwright.sync_api import Browser, expect

from assessments import services
from assessments.models import Role
from tests.assessments.conftest import Org
from tests.e2e.conftest import login, screenshot
from tests.factories import MembershipFactory


def test_two_contributors_disagree_and_the_manager_consolidates(
    browser: Browser, live_server: Any, org: Org, shipped_model: Any
) -> None:
    base = live_server.url
    assessment = services.assessment_start(
        organisation=org.organisation,
        user=org.manager,
        capability_model=shipped_model,
        title="FY26",
        target_level=2,
        allow_retired=True,  # the fixtures' version 1
    )
    second = MembershipFactory.create(organisation=org.organisation, role=Role.CONTRIBUTOR).user
    manager, first_page, second_page = browser.new_page(), browser.new_page(), browser.new_page()
    login(manager, base, org.manager)
    login(first_page, base, org.contributor)
    login(second_page, base, second)

    # The manager opens SP1 to both contributors, blind.
    manager.goto(f"{base}{reverse('teams:team', args=[assessment.pk])}")
    manager.click("text=Open a domain or an item to several respondents")
    manager.select_option("#id_panel-part", "SP1")
    manager.check(f"#panel-form input[value='{org.contributor.pk}']")
    manager.check(f"#panel-form input[value='{second.pk}']")
    manager.check("#id_panel-blind")
    manager.click("#panel-form button[type=submit]")
    expect(manager.locator("#team-panels")).to_contain_text("SP1")

    item_url = f"{base}{reverse('teams:item', args=[assessment.pk, 'SP1'])}"
    # The first contributor says F.
    first_page.goto(item_url)
    first_page.select_option("#r-SP1-1-01-rating", "F")
    first_page.fill("#r-SP1-1-01-comment", "Goals are in the annual plan")
    first_page.click("#c-SP1-1-01 [data-role=response-form] button[type=submit]")
    expect(first_page.locator(".alert-success")).to_be_visible()
    # The second sees nothing of it until answering P; then the F shows, without a name.
    second_page.goto(item_url)
    expect(second_page.locator("#c-SP1-1-01 [data-role=hidden]")).to_be_visible()
    second_page.select_option("#r-SP1-1-01-rating", "P")
    second_page.click("#c-SP1-1-01 [data-role=response-form] button[type=submit]")
    expect(second_page.locator("#c-SP1-1-01 [data-role=spread]")).to_contain_text("F × 1")
    expect(second_page.locator("#c-SP1-1-01")).not_to_contain_text(org.contributor.username)

    # The manager sees who said what, the dispute, and the median pre-filled; decides L.
    manager.goto(item_url)
    row = manager.locator("#c-SP1-1-01")
    expect(row.locator("[data-role=disputed]")).to_be_visible()
    expect(row).to_contain_text(org.contributor.username)
    expect(row).to_contain_text(second.username)
    expect(manager.locator("#c-SP1-1-01-rating")).to_have_value("P")
    screenshot(manager, "team")
    manager.select_option("#c-SP1-1-01-rating", "L")
    manager.fill("#c-SP1-1-01-comment", "Agreed in the team meeting")
    row.locator("[data-role=consolidate-form] button[type=submit]").click()
    expect(manager.locator(".alert-success")).to_be_visible()
    answer = assessment.answers.get(criterion__code="SP1-1-01")
    assert (answer.rating, answer.comment, answer.updated_by) == (
        "L",
        "Agreed in the team meeting",
        org.manager,
    )

    # The questionnaire filters to the disputed criterion; it shows the consolidated rating.
    manager.goto(f"{base}{reverse('assessments:questionnaire', args=[assessment.pk, 'SP'])}?show=disputed")
    expect(manager.locator("#filter-disputed")).to_contain_text("(1)")
    expect(manager.locator("#criterion-SP1-1-01 input[value=L]")).to_be_checked()
    expect(manager.locator("article.criterion")).to_have_count(1)

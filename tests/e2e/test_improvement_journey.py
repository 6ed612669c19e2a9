"""The improvement loop in a real browser (issue 18): from the approved report to the action plan, an
action updated and closed with evidence, a re-assessment that carries the rest and shows its readiness
verdict, and the signed certification package built and downloaded; then a contributor who owns an action
updates only its status. Each page is also looked at at 1366 and 820 px in both languages."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.urls import reverse
from playwright.sync_api import Page, expect

from assessments import services as assessment_services
from assessments.models import Assessment
from improvement import services
from improvement.access import action_plan_get_for_user
from improvement.models import Action, PackageJob
from improvement.package_check import package_check
from improvement.signing import public_key_pem
from tests.assessments.conftest import Org
from tests.e2e.conftest import login
from tests.reports.conftest import answer_levels, approve


def _approved_with_plan(org: Org, model: Any) -> Assessment:
    assessment = assessment_services.assessment_start(
        organisation=org.organisation,
        user=org.manager,
        capability_model=model,
        title="FY26",
        target_level=2,
        allow_retired=True,  # the fixtures' version 1
    )
    answer_levels(assessment, org.manager, up_to=1)
    approve(assessment, org, {"SP1-1-02": ("L", "Targets not yet measured.")})
    plan = action_plan_get_for_user(user=org.manager, pk=assessment.pk)
    services.action_create(
        access=plan,
        user=org.manager,
        data=services.ActionInput(title="Measure the targets", criteria="SP1-1-02", owner=org.contributor),
    )
    services.action_create(
        access=plan,
        user=org.manager,
        data=services.ActionInput(title="Write the plan", criteria="SP1-2-01", owner_name="Ms Outside"),
    )
    return assessment


def test_manager_closes_the_loop_in_the_browser(
    page: Page, live_server: Any, org: Org, shipped_model: Any, tmp_path: Path
) -> None:
    base = live_server.url
    approved = _approved_with_plan(org, shipped_model)
    login(page, base, org.manager)

    # From the approved report to the action plan.
    page.goto(f"{base}{reverse('reports:report', args=[approved.pk])}")
    page.click("a:has-text('Action plan')")
    expect(page.locator("h1")).to_have_text("Action plan")
    page.click("a:has-text('Measure the targets')")

    # The action updated: done, with closure evidence.
    page.select_option("#id_status", "done")
    page.fill("#id_notes", "Targets measured monthly since March.")
    page.click("input[name=save], button[name=save]")
    expect(page.locator(".alert-success")).to_contain_text("Action saved.")
    page.click("a:has-text('Measure the targets')")
    evidence = tmp_path / "dashboard-export.txt"
    evidence.write_text("FCR 74 %, CSAT 86 %", encoding="utf-8")
    page.set_input_files("#action-evidence ~ form input[type=file]", str(evidence))
    page.click("#action-evidence ~ form button[type=submit]")
    expect(page.locator("#action-evidence")).to_contain_text("dashboard-export.txt")
    measured = Action.objects.get(title="Measure the targets", assessment=approved)
    assert measured.status == "done"
    assert measured.evidence.count() == 1

    # A re-assessment carries the open action and shows its readiness verdict.
    page.goto(f"{base}{reverse('assessments:detail', args=[approved.pk])}")
    page.click("#improvement a:has-text('Start a re-assessment')")
    expect(page.locator("main")).to_contain_text("verified rating")
    page.fill("#id_title", "FY27")
    page.click("input[name=start], button[name=start]")
    expect(page.locator(".alert-success")).to_contain_text("carried over")
    expect(page.locator("#readiness-target")).to_contain_text("Target level 2")
    expect(page.locator("#readiness-target strong")).to_have_text("Not ready")  # not approved yet
    new = Assessment.objects.get(title="FY27")
    assert list(Action.objects.filter(assessment=new).values_list("title", flat=True)) == ["Write the plan"]
    assert new.answers.get(criterion__code="SP1-1-02").rating == "L"  # the verified result carried

    # The certification package of the approved assessment: built by the queue, downloaded, verified.
    page.goto(f"{base}{reverse('assessments:detail', args=[approved.pk])}")
    with page.expect_download(timeout=120_000) as download:
        # The test's task backend builds inside the request (two PDF renders): the click waits for it.
        page.click("#improvement a[href$='certification-package.zip']", timeout=120_000)
    data = Path(download.value.path()).read_bytes()
    assert download.value.suggested_filename == f"certification-package-{approved.pk}.zip"
    check = package_check(io.BytesIO(data), trusted_key=public_key_pem())
    assert check.intact
    assert PackageJob.objects.get().status == "done"


def test_contributor_updates_only_their_action_and_pages_fit(
    page: Page, live_server: Any, org: Org, shipped_model: Any, tmp_path: Path
) -> None:
    base = live_server.url
    approved = _approved_with_plan(org, shipped_model)
    mine = Action.objects.get(title="Measure the targets")
    theirs = Action.objects.get(title="Write the plan")
    login(page, base, org.contributor)
    page.goto(f"{base}{reverse('improvement:action_edit', args=[theirs.pk])}")
    expect(page.locator("#action-details")).to_be_visible()
    expect(page.locator("#id_status")).to_have_count(0)
    page.goto(f"{base}{reverse('improvement:action_edit', args=[mine.pk])}")
    expect(page.locator("#id_title")).to_have_count(0)
    page.select_option("#id_status", "in_progress")
    page.click("input[name=save], button[name=save]")
    expect(page.locator(".alert-success")).to_be_visible()
    mine.refresh_from_db()
    assert mine.status == "in_progress"

    # Every page of the loop at a laptop's and a tablet's width, in both languages: nothing wider than
    # the window (no sideways scrolling), and the screenshots kept for a person to look at.
    job = PackageJob.objects.create(
        assessment=approved, digest="f" * 64, status="failed", error="OSError: disk full"
    )
    pages = {
        "plan": reverse("improvement:action_plan", args=[approved.pk]),
        "action-contributor": reverse("improvement:action_edit", args=[mine.pk]),
        "signing-key": reverse("improvement:signing_key"),
        "package-failed": reverse("improvement:package_job", args=[job.pk]),
    }
    manager_pages = {
        "action-manager": reverse("improvement:action_edit", args=[mine.pk]),
        "import": reverse("improvement:actions_import", args=[approved.pk]),
        "reassess": reverse("improvement:reassess", args=[approved.pk]),
        "assessment": reverse("assessments:detail", args=[approved.pk]),
    }
    shots = Path(__import__("os").environ.get("LOOP_SHOTS", str(tmp_path)))
    for who, urls in (("contributor", pages), ("manager", manager_pages)):
        if who == "manager":
            page.context.clear_cookies()
            login(page, base, org.manager)
        for language in ("en", "zh-hans"):
            page.context.add_cookies([{"name": "django_language", "value": language, "url": base}])
            for width in (1366, 820):
                page.set_viewport_size({"width": width, "height": 900})
                for name, url in urls.items():
                    page.goto(f"{base}{url}")
                    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                    assert overflow <= 0, (name, language, width, overflow)
                    page.screenshot(path=str(shots / f"{name}-{language}-{width}.png"), full_page=True)

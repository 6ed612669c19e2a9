"""Browser journeys in Debian's Chromium (``/usr/bin/chromium``) against ``live_server``.

``live_server`` lives for the whole session while the database is emptied after each test, so every
journey makes its own data (the shipped model is loaded again when a test needs it).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.assessments.conftest import Org, make_org
from tests.factories import PASSWORD

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
# Without these, Chromium tries to reach Google's services, which this closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# CI machines have two cores shared with the live server; wait longer than Playwright's 5 s default.
expect.set_options(timeout=15_000)


@pytest.fixture(autouse=True)
def _patient_pages(context: Any) -> None:
    context.set_default_timeout(15_000)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}, "locale": "en-US"}


@pytest.fixture
def org(transactional_db: Any, shipped_model: Any) -> Org:
    return make_org("Alpha Contact Centre")


@pytest.fixture
def other_org(transactional_db: Any, shipped_model: Any) -> Org:
    return make_org("Beta Contact Centre")


def login(page: Page, base_url: str, user: Any) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    expect(page.locator(".navbar")).to_contain_text(user.username)


def screenshot(page: Page, name: str, selector: str | None = None) -> None:
    """The top of the page, or one element of it (e.g. a report's summary), for the README."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    if selector:
        page.locator(selector).screenshot(path=str(SCREENSHOTS / f"{name}.png"))
        return
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if f"{os.sep}e2e{os.sep}" in str(item.path):
            item.add_marker(pytest.mark.e2e)

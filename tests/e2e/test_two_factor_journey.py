"""Two-factor sign-in in a real browser: a consultant enrols at the next sign-in by the QR page's key,
keeps the recovery codes, signs in with one and then with the app; the admin answers only after the code."""

from __future__ import annotations

import base64
import re
import time
from typing import Any

from django.urls import reverse
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from accounts2fa import services
from tests.assessments.conftest import Org
from tests.e2e.conftest import login, screenshot
from tests.factories import StaffFactory


def code_for(secret_b32: str, steps_ahead: int = 0) -> str:
    """The app's code; one step ahead is still accepted (tolerance 1) and is never a replay."""
    totp = TOTP(base64.b32decode(secret_b32), step=30, t0=0, digits=6)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def _verify(page: Page, code: str) -> None:
    expect(page.locator("h1")).to_have_text("Two-factor sign-in")
    page.fill("#id_code", code)
    page.click("main form button[type=submit]")


def test_consultant_enrols_then_signs_in_with_a_recovery_code_and_the_app(
    page: Page, live_server: Any, org: Org, settings: Any
) -> None:
    settings.REQUIRE_2FA_FOR_STAFF = True
    base = live_server.url
    login(page, base, org.consultant)
    expect(page.locator("h1")).to_have_text("Set up two-factor sign-in")
    expect(page.locator("main svg")).to_be_visible()
    screenshot(page, "two-factor-setup")
    secret = page.locator("#totp-secret").inner_text().strip()
    page.fill("#id_code", code_for(secret))
    page.click("main form button[type=submit]")
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == services.RECOVERY_CODE_COUNT
    page.goto(f"{base}{reverse('assessments:review_queue')}")
    expect(page.locator("h1")).not_to_have_text("Two-factor sign-in")

    page.goto(f"{base}{reverse('accounts2fa:manage')}")
    expect(page.locator("main")).not_to_contain_text(codes[0])  # shown once
    page.click("nav form[action='/accounts/logout/'] button")
    login(page, base, org.consultant)
    _verify(page, codes[0])
    expect(page.locator(".alert-warning")).to_contain_text("Recovery code used: 9 left")

    page.click("nav form[action='/accounts/logout/'] button")
    login(page, base, org.consultant)
    _verify(page, codes[0])  # used up
    expect(page.locator("main")).to_contain_text("That code is not valid")
    page.fill("#id_code", code_for(secret, steps_ahead=1))
    page.click("main form button[type=submit]")
    expect(page.locator("h1")).not_to_have_text("Two-factor sign-in")


def test_the_admin_answers_only_after_the_second_factor(
    page: Page, live_server: Any, settings: Any, transactional_db: Any
) -> None:
    settings.REQUIRE_2FA_FOR_STAFF = True
    base = live_server.url
    admin = StaffFactory.create(username="staff-2fa")
    device = services.totp_device_pending(user=admin)
    secret = base64.b32encode(device.bin_key).decode()
    services.totp_device_confirm(device=device, token=code_for(secret))
    login(page, base, admin)
    page.goto(f"{base}/admin/")
    expect(page).to_have_url(re.compile(r"/account/two-factor/verify/"))
    _verify(page, code_for(secret, steps_ahead=1))
    page.goto(f"{base}/admin/")
    expect(page.locator("#site-name")).to_be_visible()

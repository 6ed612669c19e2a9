"""Security promises: the Content Security Policy and pages that work under it, login throttling with a
cool-off and an admin unlock, sessions that end after inactivity, password rules, cookie flags."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment
from common.security import client_ip
from tests.assessments.conftest import Org, make_org, set_state
from tests.factories import PASSWORD, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

EXPECTED_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'self'",
}

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)


def _policy(header: str) -> dict[str, str]:
    return {
        name: value.strip()
        for name, _sep, value in (part.strip().partition(" ") for part in header.split(";"))
        if name
    }


def _assert_csp_clean(response: Any, where: str) -> None:
    header = response["Content-Security-Policy"]
    policy = _policy(header)
    for name, value in EXPECTED_DIRECTIVES.items():
        assert policy.get(name) == value, (where, name, header)
    assert "unsafe-inline" not in header, where
    assert "unsafe-eval" not in header, where
    html = response.content.decode()
    assert not INLINE_SCRIPT.findall(html), (where, INLINE_SCRIPT.findall(html))
    assert not STYLE_ATTRIBUTE.findall(html), (where, STYLE_ATTRIBUTE.findall(html)[:3])
    assert not STYLE_ELEMENT.findall(html), where
    assert not EVENT_HANDLER.findall(html), (where, EVENT_HANDLER.findall(html)[:3])


@pytest.fixture
def org(shipped_model: object) -> Org:
    return make_org("Alpha Contact Centre")


@pytest.fixture
def assessment(org: Org, shipped_model: object) -> Assessment:
    from assessments import services

    return services.assessment_start(
        organisation=org.organisation,
        user=org.manager,
        capability_model=shipped_model,  # type: ignore[arg-type]
        title="FY26",
        target_level=2,
        allow_retired=True,
    )


# ---- Content Security Policy -------------------------------------------------------------------------


def test_pages_carry_the_policy_and_need_no_inline_code(
    client: Client, org: Org, assessment: Assessment
) -> None:
    _assert_csp_clean(client.get(reverse("login")), "login")
    client.force_login(org.manager)
    pages = {
        "dashboard": reverse("home"),
        "detail": reverse("assessments:detail", args=[assessment.pk]),
        "questionnaire": reverse("assessments:questionnaire", args=[assessment.pk, "SP"]),
        "history": reverse("assessments:history", args=[assessment.pk]),
        "members": reverse("assessments:organisation_members", args=[org.organisation.pk]),
        "start": reverse("assessments:start", args=[org.organisation.pk]),
        "model": reverse("capability_model:overview"),
        "password change": reverse("password_change"),
        "report": reverse("reports:report", args=[assessment.pk]),
    }
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        _assert_csp_clean(response, name)
    set_state(assessment, "in_review")
    client.force_login(org.consultant)
    for name, url in {
        "review": reverse("assessments:review", args=[assessment.pk, "SP"]),
        "review queue": reverse("assessments:review_queue"),
    }.items():
        response = client.get(url)
        assert response.status_code == 200, name
        _assert_csp_clean(response, name)


def test_error_pages_carry_the_policy_too(client: Client, org: Org) -> None:
    client.force_login(org.manager)
    response = client.get(reverse("assessments:detail", args=[999_999]))
    assert response.status_code == 404
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_admin_carries_the_policy_and_frame_and_referrer_headers(client: Client) -> None:
    client.force_login(StaffFactory.create())
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert not INLINE_SCRIPT.findall(response.content.decode())
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


# ---- Login throttling ----------------------------------------------------------------------------------


def _login(client: Client, username: str, password: str, address: str = "203.0.113.7") -> Any:
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def _lock_out(client: Client, username: str) -> Any:
    response = None
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        response = _login(client, username, "wrong password")
    return response


def test_settings_throttle_by_username_and_address_with_a_cool_off() -> None:
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesBackend"


def test_failures_below_the_limit_show_the_usual_message(client: Client) -> None:
    UserFactory.create(username="agent")
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _login(client, "agent", "wrong password")
        assert response.status_code == 200
        assert "correct username and password" in response.content.decode()
    assert _login(client, "agent", PASSWORD).status_code == 302


def test_lockout_after_the_limit_with_a_clear_message(client: Client) -> None:
    UserFactory.create(username="agent")
    response = _lock_out(client, "agent")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed logins" in page
    assert "after 5 failed logins" in page
    assert "Try again in 15 minutes" in page
    _assert_csp_clean(response, "lockout")
    # The right password does not help while locked, and nobody is logged in.
    response = _login(client, "agent", PASSWORD)
    assert response.status_code == 429
    assert client.get(reverse("home")).status_code == 302


def test_lockout_page_is_translated(client: Client) -> None:
    UserFactory.create(username="agent")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(
            reverse("login"),
            {"username": "agent", "password": "wrong"},
            REMOTE_ADDR="203.0.113.7",
            HTTP_ACCEPT_LANGUAGE="zh-CN",
        )
    assert response.status_code == 429
    assert '<html lang="zh-hans">' in response.content.decode()


def test_lockout_is_per_username_and_address(client: Client) -> None:
    UserFactory.create(username="agent")
    UserFactory.create(username="colleague")
    _lock_out(client, "agent")
    # The same person from another address, and another account from the same address, still log in.
    assert _login(Client(), "agent", PASSWORD, address="198.51.100.20").status_code == 302
    assert _login(Client(), "colleague", PASSWORD).status_code == 302


def _age_attempts(by: timedelta) -> None:
    # Time passing, as the database sees it: the lock is computed from the last attempt's time.
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= by
        attempt.save(update_fields=["attempt_time"])


def test_lock_lifts_after_the_cool_off(client: Client) -> None:
    UserFactory.create(username="agent")
    _lock_out(client, "agent")
    _age_attempts(timedelta(minutes=14))
    assert _login(client, "agent", PASSWORD).status_code == 429
    _age_attempts(timedelta(minutes=16))
    response = _login(client, "agent", PASSWORD)
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_a_try_during_the_lock_starts_the_wait_again(client: Client) -> None:
    UserFactory.create(username="agent")
    _lock_out(client, "agent")
    _age_attempts(timedelta(minutes=10))
    assert _login(client, "agent", "still guessing").status_code == 429
    _age_attempts(timedelta(minutes=10))  # 20 minutes after the lock, 10 after the last try
    assert _login(client, "agent", PASSWORD).status_code == 429


def test_admin_unlocks_through_the_axes_admin(client: Client) -> None:
    UserFactory.create(username="agent")
    _lock_out(client, "agent")
    attempt = AccessAttempt.objects.get(username="agent")
    admin = Client(HTTP_ACCEPT_LANGUAGE="en")
    admin.force_login(StaffFactory.create())
    listing = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200
    assert "agent" in listing.content.decode()
    response = admin.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert _login(client, "agent", PASSWORD).status_code == 302


def test_axes_reset_command_unlocks(client: Client) -> None:
    UserFactory.create(username="agent")
    _lock_out(client, "agent")
    call_command("axes_reset_username", "agent", stdout=io.StringIO())
    assert _login(client, "agent", PASSWORD).status_code == 302


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_client_address_behind_a_proxy_is_the_one_the_proxy_saw() -> None:
    factory = RequestFactory()
    # The client may send its own X-Forwarded-For; only the proxy's own entry (the last) is trusted.
    request = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    assert client_ip(request) == "203.0.113.9"
    assert client_ip(factory.get("/", REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"


def test_client_address_without_a_proxy_ignores_forwarded_headers() -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "203.0.113.7"


# ---- Sessions, cookies, passwords ------------------------------------------------------------------------


def test_session_ends_after_eight_hours_without_a_request(client: Client) -> None:
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST
    assert not settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    UserFactory.create(username="agent")
    assert _login(client, "agent", PASSWORD).status_code == 302
    response = client.get(reverse("home"))
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == 8 * 60 * 60  # renewed by every request
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    session = Session.objects.get()
    assert session.expire_date > timezone.now() + timedelta(hours=7, minutes=59)
    # Eight hours of inactivity later the session is gone and the next request asks to log in again.
    session.expire_date = timezone.now() - timedelta(seconds=1)
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_csrf_cookie_is_http_only_and_the_page_carries_the_token(client: Client, org: Org) -> None:
    assert settings.CSRF_COOKIE_HTTPONLY
    client.force_login(org.manager)
    response = client.get(reverse("assessments:start", args=[org.organisation.pk]))
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()


def test_weak_passwords_are_refused(client: Client) -> None:
    user = UserFactory.create(username="agent")
    client.force_login(user)
    for weak in ("12345678", "password", "agent123", "short"):
        response = client.post(
            reverse("password_change"),
            {"old_password": PASSWORD, "new_password1": weak, "new_password2": weak},
        )
        assert response.status_code == 200, weak
        assert "errorlist" in response.content.decode() or "invalid-feedback" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_a_forwarded_entry_that_is_no_address_falls_back_to_the_peer() -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="<script>, not-an-ip")
    assert client_ip(request) == "10.0.0.2"


def _production_setting(name: str) -> str:
    from tests.maturity_portal.test_settings import GOOD_KEY, _manage

    env = {"DJANGO_ENV": "production", "SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "portal.example.com"}
    result = _manage("shell", "-c", f"from django.conf import settings; print(settings.{name})", **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def production_proxy_count() -> int:
    return int(_production_setting("TRUSTED_PROXY_COUNT"))


def test_production_trusts_no_forwarded_address_unless_told(production_proxy_count: int) -> None:
    # Issue 23: production trusted one proxy by default, so a client reaching gunicorn directly chose
    # its own address with X-Forwarded-For.
    assert production_proxy_count == 0


def _spoofed_login(client: Client, username: str, password: str, forwarded: str) -> Any:
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR="203.0.113.7",
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_spoofed_forwarded_headers_do_not_dodge_the_lock(client: Client, production_proxy_count: int) -> None:
    UserFactory.create(username="agent")
    with override_settings(TRUSTED_PROXY_COUNT=production_proxy_count):
        for attempt in range(settings.AXES_FAILURE_LIMIT):
            _spoofed_login(client, "agent", "wrong", f"198.51.100.{attempt + 1}")
        # A new made-up address per try changes nothing: the lock holds, even with the right password.
        response = _spoofed_login(client, "agent", PASSWORD, "198.51.100.99")
        assert response.status_code == 429
        assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}


def test_spoofed_forwarded_headers_do_not_reset_the_count(
    client: Client, production_proxy_count: int
) -> None:
    UserFactory.create(username="agent")
    with override_settings(TRUSTED_PROXY_COUNT=production_proxy_count):
        for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
            _login(client, "agent", "wrong")
        # The account's owner logs in elsewhere while someone claims to be that guessing address: only
        # a success from the guessing address itself would reset its count.
        owner = Client()
        response = owner.post(
            reverse("login"),
            {"username": "agent", "password": PASSWORD},
            REMOTE_ADDR="192.0.2.50",
            HTTP_X_FORWARDED_FOR="203.0.113.7",
        )
        assert response.status_code == 302
        assert _login(client, "agent", "wrong").status_code == 429

"""Two-factor sign-in: enrolment with a QR code, the verify step, hashed one-time recovery codes, lock-out
after wrong codes, required for staff and consultants (and the admin) when the setting is on, disabling
only with the password, and an admin's recorded reset."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.core.management import CommandError
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts2fa import services
from accounts2fa.models import RecoveryCode, code_hash
from tests.assessments import conftest as assessment_fixtures
from tests.assessments.conftest import Org
from tests.factories import PASSWORD, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db
org = assessment_fixtures.org
HOME = reverse("home")


def app_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def enrolled(user: User) -> tuple[TOTPDevice, list[str]]:
    device = services.totp_device_pending(user=user)
    codes = services.totp_device_confirm(device=device, token=app_code(device))
    device.refresh_from_db()
    device.last_t = -1  # the enrolment's code may be used again by the test's sign-in
    device.save()
    return device, codes


def sign_in(client: Client, user: User) -> None:
    """Through the login page, as a person signs in (django-axes needs the request)."""
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302


def test_members_without_a_device_sign_in_with_the_password(client: Client, org: Org) -> None:
    sign_in(client, org.viewer)
    assert client.get(HOME).status_code == 200


def test_enrolment_shows_a_qr_code_then_recovery_codes_once(client: Client, org: Org) -> None:
    sign_in(client, org.manager)
    page = client.get(reverse("accounts2fa:setup"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html
    assert page.context["secret"] in html
    device = TOTPDevice.objects.get(user=org.manager, confirmed=False)
    assert client.post(reverse("accounts2fa:setup"), {"code": "000000"}).status_code == 400
    response = client.post(reverse("accounts2fa:setup"), {"code": app_code(device)})
    assert response.status_code == 302
    manage = client.get(response["Location"])
    codes = manage.context["new_codes"]
    assert len(codes) == services.RECOVERY_CODE_COUNT
    stored = set(RecoveryCode.objects.values_list("code_hash", flat=True))
    assert stored == {code_hash(c) for c in codes}
    assert not any(c in h for c in codes for h in stored)
    assert codes[0] not in client.get(reverse("accounts2fa:manage")).content.decode()  # shown once
    device.refresh_from_db()
    assert device.confirmed


def test_sign_in_asks_for_the_code_and_returns_to_the_page(client: Client, org: Org) -> None:
    device, _codes = enrolled(org.manager)
    sign_in(client, org.manager)
    target = reverse("api_tokens:list")
    response = client.get(target)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts2fa:verify"))
    # The enrolment page is no way around the verify step.
    assert client.get(reverse("accounts2fa:setup"))["Location"].startswith(reverse("accounts2fa:verify"))
    assert client.get(reverse("api:organisation_list")).status_code == 403
    response = client.post(reverse("accounts2fa:verify"), {"code": app_code(device), "next": target})
    assert response.status_code == 302
    assert response["Location"] == target
    assert client.get(target).status_code == 200


def test_a_recovery_code_works_once(client: Client, org: Org) -> None:
    _device, codes = enrolled(org.manager)
    sign_in(client, org.manager)
    assert client.post(reverse("accounts2fa:verify"), {"code": codes[0].upper()}).status_code == 302
    assert client.get(HOME).status_code == 200
    assert RecoveryCode.objects.count() == services.RECOVERY_CODE_COUNT - 1
    client.logout()
    sign_in(client, org.manager)
    assert client.post(reverse("accounts2fa:verify"), {"code": codes[0]}).status_code == 400
    assert client.get(HOME).status_code == 302


def test_wrong_codes_end_the_session(client: Client, org: Org) -> None:
    enrolled(org.manager)
    sign_in(client, org.manager)
    for _ in range(4):
        assert client.post(reverse("accounts2fa:verify"), {"code": "123456"}).status_code == 400
    response = client.post(reverse("accounts2fa:verify"), {"code": "123456"})
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session
    assert client.get(HOME)["Location"].startswith(reverse("login"))


def test_wrong_codes_are_throttled_per_device(client: Client, org: Org, settings: Any) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    device, _codes = enrolled(org.manager)
    sign_in(client, org.manager)
    client.post(reverse("accounts2fa:verify"), {"code": "123456"})
    response = client.post(reverse("accounts2fa:verify"), {"code": app_code(device)})
    assert response.status_code == 400
    assert str(services.ERROR_THROTTLED) in response.content.decode()


def test_required_for_consultants_and_staff_when_the_setting_is_on(
    client: Client, org: Org, settings: Any
) -> None:
    settings.REQUIRE_2FA_FOR_STAFF = True
    sign_in(client, org.viewer)
    assert client.get(HOME).status_code == 200  # optional for members
    client.logout()
    sign_in(client, org.consultant)
    response = client.get(HOME)
    assert response["Location"].startswith(reverse("accounts2fa:setup"))
    device = services.totp_device_pending(user=org.consultant)
    assert client.post(reverse("accounts2fa:setup"), {"code": app_code(device)}).status_code == 302
    assert client.get(HOME).status_code == 200
    # Required: it cannot be turned off, even with the password.
    response = client.post(reverse("accounts2fa:manage"), {"password": PASSWORD})
    assert response.status_code == 400
    assert TOTPDevice.objects.filter(user=org.consultant, confirmed=True).exists()


def test_the_admin_needs_the_second_factor(client: Client, settings: Any) -> None:
    settings.REQUIRE_2FA_FOR_STAFF = True
    admin = StaffFactory.create()
    device, _codes = enrolled(admin)
    client.force_login(admin)
    response = client.get(reverse("admin:index"))
    assert response["Location"].startswith(reverse("accounts2fa:verify"))
    client.post(reverse("accounts2fa:verify"), {"code": app_code(device)})
    assert client.get(reverse("admin:index")).status_code == 200
    # A staff session without any second factor and not marked at sign-in (e.g. from before the setting
    # was turned on) is sent to enrol before the admin.
    other = Client()
    other.force_login(StaffFactory.create())
    session = other.session
    session.pop("accounts2fa_pending", None)
    session.save()
    assert other.get(reverse("admin:index"))["Location"].startswith(reverse("accounts2fa:setup"))


def test_disabling_needs_the_password(client: Client, org: Org) -> None:
    device, _codes = enrolled(org.manager)
    sign_in(client, org.manager)
    client.post(reverse("accounts2fa:verify"), {"code": app_code(device)})
    response = client.post(reverse("accounts2fa:manage"), {"password": "wrong"})
    assert response.status_code == 400
    assert TOTPDevice.objects.filter(user=org.manager).exists()
    assert client.post(reverse("accounts2fa:manage"), {"password": PASSWORD}).status_code == 302
    assert not TOTPDevice.objects.filter(user=org.manager).exists()
    assert not RecoveryCode.objects.exists()


def test_new_recovery_codes_replace_the_old(client: Client, org: Org) -> None:
    device, codes = enrolled(org.manager)
    sign_in(client, org.manager)
    client.post(reverse("accounts2fa:verify"), {"code": app_code(device)})
    client.post(reverse("accounts2fa:recovery_codes"))
    new = client.get(reverse("accounts2fa:manage")).context["new_codes"]
    assert set(new).isdisjoint(codes)
    assert set(RecoveryCode.objects.values_list("code_hash", flat=True)) == {code_hash(c) for c in new}


def test_an_admin_resets_a_lost_device_and_it_is_recorded(client: Client, org: Org) -> None:
    enrolled(org.consultant)
    admin = StaffFactory.create()
    client.force_login(admin)
    response = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [org.consultant.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=org.consultant).exists()
    entry = LogEntry.objects.get(object_id=str(org.consultant.pk))
    assert entry.user == admin
    assert entry.change_message == services.RESET_LOG_MESSAGE


def test_a_reset_during_a_pending_sign_in_sends_to_enrolment_or_home(client: Client, settings: Any) -> None:
    user = UserFactory.create()
    enrolled(user)
    sign_in(client, user)
    services.two_factor_reset(user=user, by=user)
    assert client.get(reverse("accounts2fa:verify"))["Location"] == HOME
    assert client.get(HOME).status_code == 200


def test_demo_devices_match_the_readme(client: Client, settings: Any) -> None:
    from io import StringIO

    from django.core.management import call_command

    from accounts2fa.management.commands.load_demo_2fa import DEMO_SECRETS

    consultant = UserFactory.create(username="demo-consultant")
    out = StringIO()
    call_command("load_demo_2fa", stdout=out)
    call_command("load_demo_2fa", stdout=out)  # a second run changes nothing
    device = TOTPDevice.objects.get(user=consultant)
    secret = DEMO_SECRETS["demo-consultant"]
    assert secret in out.getvalue()
    assert secret in (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    sign_in(client, consultant)
    assert client.post(reverse("accounts2fa:verify"), {"code": app_code(device)}).status_code == 302
    assert client.get(HOME).status_code == 200
    settings.SETTINGS_MODULE = "maturity_portal.settings.production"
    with pytest.raises(CommandError, match="development only"):
        call_command("load_demo_2fa")


def test_the_admin_never_shows_a_device_secret(client: Client, org: Org) -> None:
    device, _codes = enrolled(org.manager)
    client.force_login(StaffFactory.create())
    response = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert response.status_code == 200
    assert device.key not in response.content.decode()
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/").status_code in (403, 404)

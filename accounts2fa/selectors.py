"""Who has, and who needs, a second factor."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from assessments.models import ConsultantAssignment

from .models import RecoveryCodeDevice


def two_factor_required(*, user: Any) -> bool:
    """Staff and consultants must sign in with a second factor when REQUIRE_2FA_FOR_STAFF is on."""
    if not settings.REQUIRE_2FA_FOR_STAFF or not user.is_authenticated:
        return False
    return bool(user.is_staff) or ConsultantAssignment.objects.filter(consultant=user.pk).exists()


def totp_device_for(*, user: Any) -> TOTPDevice | None:
    """The user's confirmed authenticator app, if any."""
    return TOTPDevice.objects.filter(user=user.pk, confirmed=True).first()


def recovery_codes_left(*, user: Any) -> int:
    device = RecoveryCodeDevice.objects.filter(user=user.pk).first()
    return 0 if device is None else device.codes.count()


def verification_devices(*, user: Any) -> list[Any]:
    """The devices a sign-in code is checked against: the app first, then the recovery codes."""
    return [
        *TOTPDevice.objects.filter(user=user.pk, confirmed=True),
        *RecoveryCodeDevice.objects.filter(user=user.pk, confirmed=True),
    ]

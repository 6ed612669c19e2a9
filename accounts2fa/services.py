"""Writes of two-factor sign-in: enrol an authenticator app, recovery codes, disable, admin reset."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import RecoveryCode, RecoveryCodeDevice, code_hash
from .selectors import two_factor_required, verification_devices

RECOVERY_CODE_COUNT = 10
ERROR_CODE = _("That code is not valid. Check the time on your phone and try again.")
ERROR_PASSWORD = _("Your password is not correct.")
ERROR_REQUIRED = _("Your account must keep two-factor sign-in.")
APP_DEVICE_NAME = "authenticator"
RESET_LOG_MESSAGE = "Two-factor sign-in reset (lost device): the user enrols again at the next sign-in."


def totp_device_pending(*, user: Any) -> TOTPDevice:
    """The unconfirmed device of an enrolment in progress (a new secret the first time)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


def _recovery_code() -> str:
    raw = secrets.token_hex(6)  # 48 bits: with the device's throttling, far beyond guessing
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


@transaction.atomic
def recovery_codes_generate(*, user: Any) -> list[str]:
    """A new set of one-time recovery codes (the old ones stop working); returned once, stored hashed."""
    device, _created = RecoveryCodeDevice.objects.get_or_create(
        user=user, defaults={"name": "recovery", "confirmed": True}
    )
    device.codes.all().delete()
    codes = [_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(RecoveryCode(device=device, code_hash=code_hash(c)) for c in codes)
    device.throttle_reset()
    return codes


@transaction.atomic
def totp_device_confirm(*, device: TOTPDevice, token: str) -> list[str]:
    """Confirms the app with a code it shows; the earlier app (if any) is replaced. Returns recovery codes."""
    if not device.verify_token(token.strip().replace(" ", "")):
        raise ValidationError(ERROR_CODE)
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return recovery_codes_generate(user=device.user)


@transaction.atomic
def two_factor_disable(*, user: Any, password: str) -> None:
    """Removes the user's second factor; needs the password, and is refused where it is required."""
    if not user.check_password(password):
        raise ValidationError(ERROR_PASSWORD)
    if two_factor_required(user=user):
        raise ValidationError(ERROR_REQUIRED)
    TOTPDevice.objects.filter(user=user).delete()
    RecoveryCodeDevice.objects.filter(user=user).delete()


@transaction.atomic
def two_factor_reset(*, user: Any, by: Any) -> None:
    """An admin removes a user's lost devices (the user enrols again at the next sign-in); recorded in the
    admin's log against the user."""
    TOTPDevice.objects.filter(user=user).delete()
    RecoveryCodeDevice.objects.filter(user=user).delete()
    LogEntry.objects.log_actions(
        user_id=by.pk,
        queryset=[user],
        action_flag=CHANGE,
        change_message=RESET_LOG_MESSAGE,
        single_object=True,
    )


ERROR_THROTTLED = _("Too many wrong codes: wait a little before the next try.")


def two_factor_verify(*, user: Any, code: str) -> Any:
    """The device that accepts the code (six digits: the app; otherwise a recovery code, then used up).

    Each device throttles wrong codes with exponential back-off (django-otp), across sessions.
    """
    code = code.strip().replace(" ", "")
    devices = [
        d for d in verification_devices(user=user)
        if isinstance(d, TOTPDevice) == (code.isdigit() and len(code) == 6)
    ]  # fmt: skip
    throttled = False
    for device in devices:
        allowed, _data = device.verify_is_allowed()
        if not allowed:
            throttled = True
        elif device.verify_token(code):
            return device
    raise ValidationError(ERROR_THROTTLED if throttled else ERROR_CODE)

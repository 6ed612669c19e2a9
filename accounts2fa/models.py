"""Recovery codes: a django-otp device whose one-time codes are stored hashed.

django-otp's own static device stores its codes in clear; these are SHA-256 digests of 60-bit random
codes (a code cannot be guessed within the device's exponential throttling), deleted when used.
"""

from __future__ import annotations

import hashlib
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def code_hash(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


class RecoveryCodeDevice(ThrottlingMixin, Device):
    """The user's set of recovery codes (one device per user)."""

    class Meta(Device.Meta):
        verbose_name = _("recovery codes")
        verbose_name_plural = _("recovery codes")

    def get_throttle_factor(self) -> int:
        return int(getattr(settings, "OTP_RECOVERY_THROTTLE_FACTOR", 1))

    def verify_token(self, token: str) -> bool:
        allowed, _data = self.verify_is_allowed()
        if not allowed:
            return False
        used = self.codes.filter(code_hash=code_hash(token)).first()
        if used is None:
            self.throttle_increment()
            return False
        used.delete()
        self.throttle_reset()
        return True


class RecoveryCode(models.Model):
    device = models.ForeignKey(
        RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes", verbose_name=_("device")
    )
    code_hash = models.CharField(_("hash of the code"), max_length=64)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["device", "code_hash"], name="recovery_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.device_id}: {self.code_hash[:8]}…"

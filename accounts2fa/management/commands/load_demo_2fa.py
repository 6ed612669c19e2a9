"""``python manage.py load_demo_2fa``: authenticator devices with published secrets for the development
accounts that sign in with a second factor (the admin and the demo consultant), so a newcomer can add
them to any authenticator app from the README. Refused in production: the secrets are public."""

from __future__ import annotations

import base64
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

# Base32, as authenticator apps take them (README "Two-factor sign-in"). Development only.
DEMO_SECRETS = {
    "admin": "JBSWY3DPEHPK3PXPADMINDEMOPORTAL2",
    "demo-consultant": "JBSWY3DPEHPK3PXPCONSULTANTDEMO22",
}


def _hex_key(secret: str) -> str:
    padded = secret + "=" * (-len(secret) % 8)
    return base64.b32decode(padded).hex()


class Command(BaseCommand):
    help = "Give the development admin and demo consultant TOTP devices with the README's secrets."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.SETTINGS_MODULE.endswith(".production"):
            raise CommandError("load_demo_2fa is for development only: its secrets are published")
        users = get_user_model().objects.filter(username__in=DEMO_SECRETS)
        for user in users:
            key = _hex_key(DEMO_SECRETS[user.get_username()])
            TOTPDevice.objects.filter(user=user).exclude(key=key).delete()
            TOTPDevice.objects.get_or_create(user=user, key=key, defaults={"name": "demo", "confirmed": True})
            self.stdout.write(f"{user.get_username()}: TOTP secret {DEMO_SECRETS[user.get_username()]}")

"""``python manage.py create_dev_admin``: the development admin account ``admin`` / ``portal-demo``.

Refused in production: a well-known password must never reach a deployment.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

DEV_ADMIN_USERNAME = "admin"
DEV_ADMIN_PASSWORD = "portal-demo"  # noqa: S105 - documented development-only account


class Command(BaseCommand):
    help = "Create (or reset) the development admin account admin / portal-demo. Not in production."

    def handle(self, *args: Any, **options: Any) -> None:
        if (settings.SETTINGS_MODULE or "").endswith(".production"):
            raise CommandError("create_dev_admin is for development only; use createsuperuser in production")
        user, created = get_user_model().objects.get_or_create(
            username=DEV_ADMIN_USERNAME, defaults={"email": "admin@example.com"}
        )
        user.is_staff = user.is_superuser = user.is_active = True
        user.set_password(DEV_ADMIN_PASSWORD)
        user.save()
        self.stdout.write(f"{'created' if created else 'reset'} {DEV_ADMIN_USERNAME} / {DEV_ADMIN_PASSWORD}")

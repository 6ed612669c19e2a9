"""``python manage.py load_demo``: demo organisations, accounts (password ``portal-demo``) and assessments."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from assessments.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Create the demo organisations, accounts and assessments (idempotent; not in production)."

    def handle(self, *args: Any, **options: Any) -> None:
        if (settings.SETTINGS_MODULE or "").endswith(".production"):
            raise CommandError("load_demo is for development only: its accounts share a published password")
        # The demo submits and approves: its notifications would only print raw emails during set-up.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            lines = load_demo()
        accounts = sum(line.startswith("account ") for line in lines)
        assessments = len(lines) - accounts
        self.stdout.write(f"demo: {accounts} accounts ({DEMO_PASSWORD}), {assessments} assessments added")

"""``python manage.py load_demo``: demo organisations, accounts (password ``portal-demo``) and assessments."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from assessments.demo import load_demo


class Command(BaseCommand):
    help = "Create the demo organisations, accounts and assessments (idempotent; not in production)."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.SETTINGS_MODULE.endswith(".production"):
            raise CommandError("load_demo is for development only: its accounts share a published password")
        for line in load_demo():
            self.stdout.write(line)

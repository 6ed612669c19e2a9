"""``python manage.py load_demo_team``: the demo's team work (after ``load_demo``)."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from teams.demo import load_team_demo


class Command(BaseCommand):
    help = "Assign a domain of the draft demo assessment and open an item to two disagreeing respondents."

    def handle(self, *args: Any, **options: Any) -> None:
        if (settings.SETTINGS_MODULE or "").endswith(".production"):
            raise CommandError("load_demo_team is for development only")
        # Its notifications would only print raw emails during set-up.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            for line in load_team_demo():
                self.stdout.write(line)

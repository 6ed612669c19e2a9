"""``python manage.py load_demo_actions``: the demo's action plan (after ``load_demo``)."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from improvement.demo import load_demo_actions


class Command(BaseCommand):
    help = "Give the approved demo assessment an action plan and carry its open actions into the draft."

    def handle(self, *args: Any, **options: Any) -> None:
        if (settings.SETTINGS_MODULE or "").endswith(".production"):
            raise CommandError("load_demo_actions is for development only")
        for line in load_demo_actions():
            self.stdout.write(line)

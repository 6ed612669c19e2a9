"""``python manage.py load_demo_actions``: the demo's action plan (after ``load_demo``)."""

from typing import Any

from django.core.management.base import BaseCommand

from common.demo import demo_quietly, refuse_in_production
from improvement.demo import load_demo_actions


class Command(BaseCommand):
    help = "Give the approved demo assessment an action plan and carry its open actions into the draft."

    def handle(self, *args: Any, **options: Any) -> None:
        refuse_in_production("load_demo_actions")
        with demo_quietly():  # assignment emails are not left for `make run`'s worker
            lines = load_demo_actions()
        for line in lines:
            self.stdout.write(line)

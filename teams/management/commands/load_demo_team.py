"""``python manage.py load_demo_team``: the demo's team work (after ``load_demo``)."""

from typing import Any

from django.core.management.base import BaseCommand

from common.demo import demo_quietly, refuse_in_production
from teams.demo import load_team_demo


class Command(BaseCommand):
    help = "Assign a domain of the draft demo assessment and open an item to two disagreeing respondents."

    def handle(self, *args: Any, **options: Any) -> None:
        refuse_in_production("load_demo_team")
        with demo_quietly():  # its assignment emails are not left for `make run`'s worker
            for line in load_team_demo():
                self.stdout.write(line)

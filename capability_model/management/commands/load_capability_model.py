"""``python manage.py load_capability_model [CODE]``: load or refresh a shipped model from ``fixtures/``."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from capability_model.services import capability_model_load_shipped


class Command(BaseCommand):
    help = "Load the shipped capability model fixtures (safe to run again; a version in use is left alone)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", nargs="?", default="gbt43045-1-2023")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = capability_model_load_shipped(code=options["code"])
        except FileNotFoundError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(report)

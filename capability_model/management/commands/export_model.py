"""``python manage.py export_model CODE [--model-version N]``: the model as JSON on standard output."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from capability_model.selectors import UnknownModelError, capability_model_get, model_export


class Command(BaseCommand):
    help = (
        "Print a capability model version (domains, items, levels, criteria in both languages, the KPI "
        "dictionary with the criteria each KPI informs, what each criterion succeeds) as JSON."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="model code, e.g. gbt43045-1-2023")
        parser.add_argument(
            "--model-version", type=int, dest="model_version", help="version (default: the published one)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            model = capability_model_get(code=options["code"], version=options["model_version"])
        except UnknownModelError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(json.dumps(model_export(model=model), ensure_ascii=False, indent=2))

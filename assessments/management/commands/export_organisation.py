"""``python manage.py export_organisation ID FILE.zip``: everything of one organisation in one archive."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.data_protection import organisation_export
from assessments.models import Organisation


class Command(BaseCommand):
    help = "Export one organisation (JSON plus evidence files) as one zip archive."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("organisation_id", type=int)
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(pk=options["organisation_id"]).first()
        if organisation is None:
            raise CommandError(f"No organisation with id {options['organisation_id']}")
        path: Path = options["file"]
        path.write_bytes(organisation_export(organisation=organisation))
        self.stdout.write(f"Exported {organisation.name} to {path}")

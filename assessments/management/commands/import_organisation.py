"""``python manage.py import_organisation FILE.zip``: restore an archive made by ``export_organisation``."""

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.data_protection import organisation_restore


class Command(BaseCommand):
    help = "Restore one organisation from an export (load its capability model versions first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            summary = organisation_restore(data=path.read_bytes())
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from None
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(
            f"Restored {summary.organisation.name}: {summary.assessments} assessments, {summary.answers} "
            f"answers, {summary.evidence_files} evidence files, {summary.history_rows} history rows, "
            f"{summary.users_created} new accounts (without a usable password)."
        )

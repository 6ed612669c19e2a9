"""``python manage.py verify_package FILE.zip``: is a certification package intact?"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from improvement.package_check import package_check


class Command(BaseCommand):
    help = (
        "Checks a certification package against its manifest and names every file changed, added or missing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            check = package_check(options["file"])
        except FileNotFoundError as exc:
            raise CommandError(f"no such file: {options['file']}") from exc
        if check.error:
            raise CommandError(check.error)
        for label, names in (("changed", check.changed), ("added", check.added), ("missing", check.missing)):
            for name in names:
                self.stdout.write(f"{label}: {name}")
        if not check.intact:
            raise CommandError("the package is NOT intact")
        self.stdout.write("the package is intact")

"""``python manage.py verify_package FILE.zip``: is a certification package intact and signed by us?"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from improvement.package_check import package_check
from improvement.signing import public_key_pem


class Command(BaseCommand):
    help = (
        "Checks a certification package: its signature (by this portal's key, or --public-key), then every "
        "file against the signed list; names every file changed, added or missing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--public-key",
            help="PEM file of the key the package must be signed with (default: this portal's)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            trusted = Path(options["public_key"]).read_bytes() if options["public_key"] else public_key_pem()
            check = package_check(options["file"], trusted_key=trusted)
        except FileNotFoundError as exc:
            raise CommandError(f"no such file: {exc.filename}") from exc
        if check.error:
            raise CommandError(check.error)
        if not check.signature_valid:
            self.stdout.write(
                "signature: INVALID (SHA256SUMS was changed, or the package is not this portal's: "
                f"it was signed by key {check.key_fingerprint})"
            )
        else:
            self.stdout.write(f"signature: valid (key {check.key_fingerprint})")
        for label, names in (("changed", check.changed), ("added", check.added), ("missing", check.missing)):
            for name in names:
                self.stdout.write(f"{label}: {name}")
        if not check.intact:
            raise CommandError("the package is NOT intact")
        self.stdout.write("the package is intact")

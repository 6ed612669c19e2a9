"""Checking a certification package against its manifest. Pure Python (no Django), so that an auditor's
copy of the check needs nothing but the standard library.

The manifest (``manifest.json`` at the root of the zip) lists every other file with its SHA-256; the check
names each file changed, added or missing.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass
from typing import IO

MANIFEST = "manifest.json"


@dataclass(frozen=True, slots=True)
class PackageCheck:
    changed: tuple[str, ...]
    added: tuple[str, ...]
    missing: tuple[str, ...]
    error: str = ""  # the package could not be read at all

    @property
    def intact(self) -> bool:
        return not (self.error or self.changed or self.added or self.missing)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def package_check(file: str | IO[bytes]) -> PackageCheck:
    try:
        with zipfile.ZipFile(file) as archive:
            names = [info.filename for info in archive.infolist() if not info.is_dir()]
            if MANIFEST not in names:
                return PackageCheck((), (), (), error=f"{MANIFEST} is missing")
            manifest = json.loads(archive.read(MANIFEST))
            expected: dict[str, str] = {entry["path"]: entry["sha256"] for entry in manifest["files"]}
            present = set(names) - {MANIFEST}
            changed = tuple(
                sorted(
                    name for name in present & set(expected) if sha256(archive.read(name)) != expected[name]
                )
            )
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, TypeError) as exc:
        return PackageCheck((), (), (), error=f"not a readable package: {exc}")
    return PackageCheck(
        changed, tuple(sorted(present - set(expected))), tuple(sorted(set(expected) - present))
    )

"""Checking a certification package offline: the signature of its list of checksums, then every file.

The package (a zip) holds ``SHA256SUMS`` — one ``<sha256>  <path>`` line per file, the format
``sha256sum -c`` reads — and ``SHA256SUMS.sig``, the Ed25519 signature of that list by the portal's key
(``signing-key.pem``, also in the package; its fingerprint is published on the portal). Every other file is
in the list, ``manifest.json`` (the approved record and its SHA-256) and ``VERIFY.txt`` (how to check all of
this with ``openssl`` and ``sha256sum``) included. No Django here, so an auditor's copy needs only Python and
the ``cryptography`` package.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from typing import IO

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

MANIFEST = "manifest.json"
CHECKSUMS = "SHA256SUMS"
SIGNATURE = "SHA256SUMS.sig"
PUBLIC_KEY = "signing-key.pem"
VERIFY = "VERIFY.txt"
UNLISTED = frozenset({CHECKSUMS, SIGNATURE})


@dataclass(frozen=True, slots=True)
class PackageCheck:
    changed: tuple[str, ...]
    added: tuple[str, ...]
    missing: tuple[str, ...]
    signature_valid: bool = False
    key_fingerprint: str = ""  # of the key that signed it (the package's own key)
    error: str = ""  # the package could not be read at all

    @property
    def intact(self) -> bool:
        return self.signature_valid and not (self.error or self.changed or self.added or self.missing)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def checksums_text(files: dict[str, bytes]) -> bytes:
    """The ``sha256sum`` listing of ``files`` (two spaces: text mode, which is what ``sha256sum`` writes)."""
    return "".join(f"{sha256(data)}  {name}\n" for name, data in sorted(files.items())).encode()


def parse_checksums(text: bytes) -> dict[str, str]:
    listed: dict[str, str] = {}
    for line in text.decode().splitlines():
        digest, separator, name = line.partition("  ")
        if not separator or len(digest) != 64 or not name:
            raise ValueError(f"{CHECKSUMS}: malformed line {line[:80]!r}")
        listed[name] = digest
    return listed


def key_fingerprint(public_pem: bytes) -> str:
    key = serialization.load_pem_public_key(public_pem)
    der = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return sha256(der)


def _fingerprint_or_blank(public_pem: bytes) -> str:
    """A damaged key is reported as a changed file, not as an unreadable package."""
    try:
        return key_fingerprint(public_pem)
    except (ValueError, TypeError):
        return ""


def _signature_valid(public_pem: bytes, signature: bytes, data: bytes) -> bool:
    try:
        key = serialization.load_pem_public_key(public_pem)
    except (ValueError, TypeError):
        return False
    if not isinstance(key, Ed25519PublicKey):
        return False
    try:
        key.verify(signature, data)
    except InvalidSignature:
        return False
    return True


def package_check(file: str | IO[bytes], *, trusted_key: bytes | None = None) -> PackageCheck:
    """Checks the package; with ``trusted_key`` (PEM) the signature is checked against that key rather than
    the one inside the package (a package re-signed with another key then fails)."""
    try:
        with zipfile.ZipFile(file) as archive:
            names = {info.filename for info in archive.infolist() if not info.is_dir()}
            for required in (CHECKSUMS, SIGNATURE, PUBLIC_KEY):
                if required not in names:
                    return PackageCheck((), (), (), error=f"{required} is missing")
            listing = archive.read(CHECKSUMS)
            package_key = archive.read(PUBLIC_KEY)
            signature_valid = _signature_valid(trusted_key or package_key, archive.read(SIGNATURE), listing)
            expected = parse_checksums(listing)
            present = names - UNLISTED
            changed = tuple(
                sorted(
                    name for name in present & set(expected) if sha256(archive.read(name)) != expected[name]
                )
            )
            fingerprint = _fingerprint_or_blank(package_key)
    except (zipfile.BadZipFile, OSError, ValueError, UnicodeDecodeError, TypeError) as exc:
        return PackageCheck((), (), (), error=f"not a readable package: {exc}")
    return PackageCheck(
        changed,
        tuple(sorted(present - set(expected))),
        tuple(sorted(set(expected) - present)),
        signature_valid=signature_valid,
        key_fingerprint=fingerprint,
    )

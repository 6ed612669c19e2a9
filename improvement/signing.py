"""The key that signs certification packages (Ed25519), so that a third party can check a package offline
with ``openssl`` and the public key the portal publishes.

The private key comes from ``PACKAGE_SIGNING_KEY`` (PEM text, set in production so every app server and
worker signs with the same key) or else from the file ``PACKAGE_SIGNING_KEY_FILE``, created on first use
(the embedded default, one machine). Its fingerprint is the SHA-256 of the public key's DER encoding, which
is what ``openssl pkey -pubin -in signing-key.pem -outform DER | sha256sum`` prints.
"""

from __future__ import annotations

import hashlib
import os
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _load(pem: bytes) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured("PACKAGE_SIGNING_KEY must be an Ed25519 private key (PEM, PKCS#8).")
    return key


def _from_file(path: Path) -> Ed25519PrivateKey:
    if not path.exists():
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        # Created readable by the portal's user only; O_EXCL so that two workers starting at once keep one.
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return _load(path.read_bytes())
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
    return _load(path.read_bytes())


@cache
def _signing_key(pem: str, path: str) -> Ed25519PrivateKey:
    return _load(pem.encode()) if pem else _from_file(Path(path))


def signing_key() -> Ed25519PrivateKey:
    return _signing_key(settings.PACKAGE_SIGNING_KEY, str(settings.PACKAGE_SIGNING_KEY_FILE))


def public_key_pem() -> bytes:
    return (
        signing_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )


def public_key_fingerprint() -> str:
    der = (
        signing_key()
        .public_key()
        .public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    return hashlib.sha256(der).hexdigest()


def sign(data: bytes) -> bytes:
    """The raw 64-byte Ed25519 signature (what ``openssl pkeyutl -verify -rawin -sigfile`` reads)."""
    return signing_key().sign(data)

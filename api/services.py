"""Writes of personal access tokens: create (the token is returned once, never stored) and revoke."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import PersonalAccessToken

TOKEN_PREFIX = "mp_"  # noqa: S105 - a public marker, not a secret
DEFAULT_DAYS = 90
MAX_DAYS = 365
ERROR_DAYS = _("A token lasts between 1 and 365 days.")
ERROR_NAME = _("Give the token a name.")


@dataclass(frozen=True, slots=True)
class CreatedToken:
    token: PersonalAccessToken
    plaintext: str  # shown once; only its hash is stored


def token_hash(plaintext: str) -> str:
    """SHA-256 of the token. Tokens carry 256 random bits, so a plain digest (no salt, no stretching) is as
    strong as the secret itself and can be looked up in constant time."""
    return hashlib.sha256(plaintext.encode()).hexdigest()


def token_create(*, user: User, name: str, days: int = DEFAULT_DAYS) -> CreatedToken:
    name = name.strip()
    if not name:
        raise ValidationError(ERROR_NAME)
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError(ERROR_DAYS)
    prefix = secrets.token_hex(6)
    plaintext = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = PersonalAccessToken(
        user=user,
        name=name[:100],
        prefix=prefix,
        key_hash=token_hash(plaintext),
        expires_at=timezone.now() + timedelta(days=days),
    )
    token.full_clean()
    token.save()
    return CreatedToken(token, plaintext)


def token_revoke(*, token: PersonalAccessToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])

"""``Authorization: Bearer <token>``: a personal access token stands for its user, read-only.

Every use is logged (logger ``api.tokens``) and stamps the token's ``last_used_at``.
"""

from __future__ import annotations

import hmac
import logging
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request

from .models import PersonalAccessToken
from .services import TOKEN_PREFIX, token_hash

logger = logging.getLogger("api.tokens")

ERROR_INVALID = _("Invalid, expired or revoked token.")
ERROR_READ_ONLY = _("Access tokens are read-only.")


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, PersonalAccessToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(ERROR_INVALID)
        try:
            plaintext = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(ERROR_INVALID) from None
        return self._check(request, plaintext)

    def _check(self, request: Request, plaintext: str) -> tuple[Any, PersonalAccessToken]:
        prefix = plaintext.removeprefix(TOKEN_PREFIX).split("_", 1)[0]
        token = (
            PersonalAccessToken.objects.select_related("user").filter(prefix=prefix[:16]).first()
            if plaintext.startswith(TOKEN_PREFIX)
            else None
        )
        if token is None or not hmac.compare_digest(token.key_hash, token_hash(plaintext)):
            logger.warning("refused token %r for %s %s", prefix[:16], request.method, request.path)
            raise exceptions.AuthenticationFailed(ERROR_INVALID)
        if not token.is_active or not token.user.is_active:
            logger.warning("refused inactive token %s (%s) for %s", token.pk, token.user, request.path)
            raise exceptions.AuthenticationFailed(ERROR_INVALID)
        if request.method not in SAFE_METHODS:
            raise exceptions.PermissionDenied(ERROR_READ_ONLY)
        now = timezone.now()
        PersonalAccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
        logger.info(
            "token %s (%s) used by %s: %s %s",
            token.pk,
            token.name,
            token.user,
            request.method,
            request.get_full_path(),
        )
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword

"""Helpers for the security settings (login throttling behind a proxy)."""

from __future__ import annotations

import ipaddress
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def client_ip(request: HttpRequest) -> str:
    """The address a login attempt came from, for django-axes.

    Without a declared proxy (``TRUSTED_PROXY_COUNT`` 0, the default everywhere) it is ``REMOTE_ADDR`` and
    ``X-Forwarded-For`` is ignored. Behind ``TRUSTED_PROXY_COUNT`` proxies that each append to
    ``X-Forwarded-For``, it is the entry the outermost trusted proxy appended: entries further left are
    whatever the client sent and are never trusted (otherwise an attacker would pick a new address per try).
    An entry that is not an IP address (a misconfigured proxy) falls back to ``REMOTE_ADDR``.
    """
    remote = str(request.META.get("REMOTE_ADDR") or "")
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-count]))
    except ValueError:
        return remote


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """django-axes' answer to a locked-out login: the lock-out page, with the cool-off in minutes, as 429."""
    cool_off: timedelta | None = settings.AXES_COOLOFF_TIME
    return render(
        request,
        "registration/locked_out.html",
        {
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "cool_off_minutes": None if cool_off is None else max(1, round(cool_off.total_seconds() / 60)),
        },
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )

"""Sends a session that still owes its second factor to the verify (or enrol) page, and keeps the admin
behind a verified second factor whenever REQUIRE_2FA_FOR_STAFF is on. After django-otp's OTPMiddleware."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse

from .selectors import totp_device_for
from .signals import ENROL, PENDING_SESSION_KEY, VERIFY

# Reachable before the second factor: its own pages, signing out, the language switch and static files.
EXEMPT_PREFIXES = ("/account/two-factor/verify/", "/account/two-factor/setup/", "/accounts/logout/",
                   "/i18n/", "/static/")  # fmt: skip


def _admin_needs_second_factor(user: object) -> bool:
    return bool(settings.REQUIRE_2FA_FOR_STAFF) and not getattr(user, "is_verified", lambda: False)()


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(EXEMPT_PREFIXES):
            pending = request.session.get(PENDING_SESSION_KEY)
            if pending is None and request.path.startswith("/admin/") and _admin_needs_second_factor(user):
                pending = VERIFY if totp_device_for(user=user) else ENROL
            if pending in (VERIFY, ENROL):
                return self._redirect(request, pending)
        return self.get_response(request)

    @staticmethod
    def _redirect(request: HttpRequest, pending: str) -> HttpResponse:
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": "Second factor required: sign in again in the browser."}, status=403
            )
        name = "accounts2fa:verify" if pending == VERIFY else "accounts2fa:setup"
        return HttpResponseRedirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")

"""At sign-in, the session is marked as waiting for the second factor (or for enrolment)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from .selectors import totp_device_for, two_factor_required

PENDING_SESSION_KEY = "accounts2fa_pending"
VERIFY = "verify"
ENROL = "enrol"


@receiver(user_logged_in, dispatch_uid="accounts2fa_mark_session")
def mark_session(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    if totp_device_for(user=user) is not None:
        request.session[PENDING_SESSION_KEY] = VERIFY
    elif two_factor_required(user=user):
        request.session[PENDING_SESSION_KEY] = ENROL
    else:
        request.session.pop(PENDING_SESSION_KEY, None)

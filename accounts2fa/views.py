"""The second step of signing in, enrolment with a QR code, and the user's own settings."""

from __future__ import annotations

import base64
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from common.typing import AuthenticatedHttpRequest

from . import selectors, services
from .forms import CodeForm, DisableForm, SetupForm
from .signals import ENROL, PENDING_SESSION_KEY, VERIFY

FAILURES_SESSION_KEY = "accounts2fa_failures"
NEW_CODES_SESSION_KEY = "accounts2fa_new_codes"
MAX_FAILURES = 5  # wrong codes in one sign-in before the session is ended


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _is_verified(request: HttpRequest) -> bool:
    """django-otp's OTPMiddleware: the session signed in with a device."""
    return bool(getattr(request.user, "is_verified", lambda: False)())


def _to(name: str, request: HttpRequest) -> HttpResponse:
    return redirect(f"{resolve_url(name)}?{urlencode({'next': _next(request)})}")


def _signed_in(request: HttpRequest, device: object) -> None:
    otp_login(request, device)
    request.session.pop(PENDING_SESSION_KEY, None)
    request.session.pop(FAILURES_SESSION_KEY, None)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def verify_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if selectors.totp_device_for(user=request.user) is None:  # reset meanwhile: enrol, or nothing owed
        if selectors.two_factor_required(user=request.user):
            request.session[PENDING_SESSION_KEY] = ENROL
            return _to("accounts2fa:setup", request)
        request.session.pop(PENDING_SESSION_KEY, None)
        return redirect(_next(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.two_factor_verify(user=request.user, code=form.cleaned_data["code"])
        except ValidationError as exc:
            failures = request.session.get(FAILURES_SESSION_KEY, 0) + 1
            if failures >= MAX_FAILURES:
                logout(request)
                messages.error(request, _("Too many wrong codes: sign in again."))
                return redirect("login")
            request.session[FAILURES_SESSION_KEY] = failures
            form.add_error("code", exc)
        else:
            _signed_in(request, device)
            if not isinstance(device, services.TOTPDevice):
                left = selectors.recovery_codes_left(user=request.user)
                messages.warning(
                    request,
                    _("Recovery code used: %(left)s left. Make new ones on your two-factor page.")
                    % {"left": left},
                )
            return redirect(_next(request))
    return render(
        request,
        "accounts2fa/verify.html",
        {"form": form, "next": _next(request)},
        status=400 if form.errors else 200,
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def setup_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Enrol (or replace) the authenticator app; a user who already has one must have verified first."""
    has_app = selectors.totp_device_for(user=request.user) is not None
    if request.session.get(PENDING_SESSION_KEY) == VERIFY or (has_app and not _is_verified(request)):
        return _to("accounts2fa:verify", request)
    device = services.totp_device_pending(user=request.user)
    form = SetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.totp_device_confirm(device=device, token=form.cleaned_data["code"])
        except ValidationError as exc:
            form.add_error("code", exc)
        else:
            _signed_in(request, device)
            request.session[NEW_CODES_SESSION_KEY] = codes
            messages.success(request, _("Two-factor sign-in is on."))
            return redirect("accounts2fa:manage")
    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "accounts2fa/setup.html",
        {
            "form": form,
            "qr_svg": mark_safe(qr.svg_inline(scale=4, title=_("QR code for your authenticator app"))),  # noqa: S308 - segno's own markup
            "secret": base64.b32encode(device.bin_key).decode(),
            "required": selectors.two_factor_required(user=request.user),
            "next": _next(request),
        },
        status=400 if form.errors else 200,
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def manage_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = DisableForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.two_factor_disable(user=request.user, password=form.cleaned_data["password"])
        except ValidationError as exc:
            form.add_error("password", exc)
        else:
            messages.success(request, _("Two-factor sign-in is off."))
            return redirect("accounts2fa:manage")
    return render(
        request,
        "accounts2fa/manage.html",
        {
            "form": form,
            "app": selectors.totp_device_for(user=request.user),
            "codes_left": selectors.recovery_codes_left(user=request.user),
            "required": selectors.two_factor_required(user=request.user),
            "new_codes": request.session.pop(NEW_CODES_SESSION_KEY, None),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def recovery_codes_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """New recovery codes, for a session verified with the second factor."""
    if selectors.totp_device_for(user=request.user) is None or not _is_verified(request):
        return redirect("accounts2fa:manage")
    request.session[NEW_CODES_SESSION_KEY] = services.recovery_codes_generate(user=request.user)
    return redirect("accounts2fa:manage")

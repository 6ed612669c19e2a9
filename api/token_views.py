"""A user's own personal access tokens: list, create (shown once), revoke."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from common.typing import AuthenticatedHttpRequest

from . import selectors, services
from .forms import TokenCreateForm

NEW_TOKEN_SESSION_KEY = "api_new_token"  # noqa: S105 - a session key name


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def token_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TokenCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.token_create(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            # Shown on the next page only: the session keeps it for one request, the database never.
            request.session[NEW_TOKEN_SESSION_KEY] = created.plaintext
            return redirect("api_tokens:list")
    return render(
        request,
        "api/token_list.html",
        {
            "form": form,
            "tokens": selectors.tokens_for_user(user=request.user),
            "new_token": request.session.pop(NEW_TOKEN_SESSION_KEY, None),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def token_revoke_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    token = selectors.token_get_for_user(user=request.user, pk=pk)
    services.token_revoke(token=token)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("api_tokens:list")

"""Invitations to join an organisation, answered by the person invited."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from common.typing import AuthenticatedHttpRequest

from .. import selectors, services
from ..access import invitation_get_for_user


@login_required
@require_safe
def invitation_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "assessments/invitation_list.html",
        {"invitations": selectors.invitation_list_for_user(user=request.user)},
    )


@login_required
@require_POST
def invitation_accept_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    invitation = invitation_get_for_user(user=request.user, pk=pk)
    name = invitation.organisation.name
    try:
        services.invitation_accept(invitation=invitation, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("assessments:invitations")
    messages.success(request, _("You are now a member of %(organisation)s.") % {"organisation": name})
    return redirect("home")


@login_required
@require_POST
def invitation_decline_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    invitation = invitation_get_for_user(user=request.user, pk=pk)
    name = invitation.organisation.name
    services.invitation_decline(invitation=invitation, user=request.user)
    messages.success(request, _("You declined to join %(organisation)s.") % {"organisation": name})
    return redirect("assessments:invitations")

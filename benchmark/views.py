"""The peer benchmark settings of an organisation: its manager opts in or out (others may read them)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from assessments.access import organisation_get_for_user
from common.typing import AuthenticatedHttpRequest

from . import selectors, services
from .forms import PeerProfileForm


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def peer_settings_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = organisation_get_for_user(user=request.user, pk=pk)
    profile = services.profile_get_or_init(organisation_access=access)
    initial = {"industry": profile.industry, "size": profile.size, "opted_in": profile.opted_in}
    form = PeerProfileForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        if not access.is_manager:
            return render(
                request,
                "benchmark/settings.html",
                {"access": access, "profile": profile, "form": form, "view": None},
                status=403,
            )
        if form.is_valid():
            data = form.cleaned_data
            services.profile_save(
                organisation_access=access,
                user=request.user,
                industry=data["industry"],
                size=data["size"],
                opted_in=data["opted_in"],
            )
            messages.success(request, _("Peer benchmark settings saved."))
            return redirect("benchmark:settings", pk=access.organisation.pk)
        status = 400
    view = selectors.peer_view(organisation=access.organisation)
    return render(
        request,
        "benchmark/settings.html",
        {"access": access, "profile": profile, "form": form, "view": view},
        status=status,
    )

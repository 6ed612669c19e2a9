"""An organisation's people, and starting an assessment."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from common.typing import AuthenticatedHttpRequest

from .. import selectors, services
from ..access import organisation_get_for_user
from ..forms import AssessmentStartForm, MemberInviteForm
from ..models import Membership


@login_required
@require_http_methods(["GET", "POST"])
def organisation_members_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = organisation_get_for_user(user=request.user, pk=pk)
    form = MemberInviteForm(request.POST or None)
    if request.method == "POST":
        if not access.is_manager:
            raise Http404
        if form.is_valid():
            try:
                added = services.membership_invite(access=access, request=request, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                if isinstance(added, Membership):
                    message = _("%(user)s is now a member.")
                else:
                    message = _("%(user)s already has an account and was sent an invitation to accept.")
                messages.success(request, message % {"user": added.user.email})
                return redirect("assessments:organisation_members", pk=pk)
    return render(
        request,
        "assessments/organisation_members.html",
        {
            "access": access,
            "form": form,
            "memberships": selectors.membership_list(organisation=access.organisation),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def membership_remove_view(request: AuthenticatedHttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    access = organisation_get_for_user(user=request.user, pk=pk)
    membership = get_object_or_404(Membership, pk=membership_pk, organisation=access.organisation)
    try:
        services.membership_remove(access=access, membership=membership)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Removed %(user)s.") % {"user": membership.user.get_username()})
    return redirect("assessments:organisation_members", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def assessment_start_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = organisation_get_for_user(user=request.user, pk=pk)
    if not access.is_manager:
        raise Http404
    form = AssessmentStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.assessment_start(
                organisation=access.organisation, user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Assessment started. Answers save as you go."))
            if note := services.carried_across_versions_message(assessment):
                messages.info(request, note)
            return redirect("assessments:detail", pk=assessment.pk)
    return render(
        request,
        "assessments/assessment_start.html",
        {"form": form, "organisation": access.organisation},
        status=400 if form.errors else 200,
    )

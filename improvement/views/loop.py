"""Closing the loop: the next assessment from an approved one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from assessments.services import carried_across_versions_message
from common.typing import AuthenticatedHttpRequest

from .. import services
from ..access import action_plan_get_for_user
from ..forms import ReassessmentForm


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def reassessment_start_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = action_plan_get_for_user(user=request.user, pk=pk)
    if not plan.assessment_access.organisation_access.is_manager:
        raise Http404
    baseline = plan.assessment_access.assessment
    form = ReassessmentForm(
        request.POST or None,
        initial={
            "title": _("%(title)s (re-assessment)") % {"title": baseline.title},
            "target_level": baseline.target_level,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.reassessment_start(access=plan, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Re-assessment started: answers and open actions were carried over."))
            if note := carried_across_versions_message(assessment):
                messages.info(request, note)
            return redirect("assessments:detail", pk=assessment.pk)
    return render(
        request,
        "improvement/reassessment_start.html",
        {"access": plan.assessment_access, "plan": plan, "form": form},
        status=400 if form.errors or (request.method == "POST") else 200,
    )

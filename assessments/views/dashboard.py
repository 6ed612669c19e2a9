"""The dashboard and the consultant's review queue."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from common.typing import AuthenticatedHttpRequest

from .. import selectors


@login_required
@require_safe
def dashboard_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    dashboard = selectors.dashboard_for_user(
        user=request.user, review_page=request.GET.get("review_page"), page=request.GET.get("page")
    )
    return render(request, "assessments/dashboard.html", {"dashboard": dashboard})


@login_required
@require_safe
def review_queue_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "assessments/review_queue.html",
        {"rows": selectors.review_queue_page(user=request.user, page=request.GET.get("page"))},
    )

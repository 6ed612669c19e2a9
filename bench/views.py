"""Bare views: what any logged-in page costs through the same middleware, session, template stack.

A product page's figure is divided by these, so the ratio is the cost the page itself adds, whatever the
machine: ``bare_page_view`` renders a trivial page in the portal's layout (``base.html``, the same context
processors), ``bare_post_view`` is an authenticated, CSRF-checked POST answering a tiny JSON.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST


@login_required
@require_GET
def bare_page_view(request: HttpRequest) -> HttpResponse:
    return render(request, "bench/bare.html", {})


@login_required
@require_POST
def bare_post_view(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True, "value": request.POST.get("rating", "")})

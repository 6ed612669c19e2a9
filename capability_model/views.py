from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .selectors import UnknownModelError, capability_model_get, model_overview


@login_required
@require_safe
def model_overview_view(request: HttpRequest) -> HttpResponse:
    try:
        model = capability_model_get(code=request.GET.get("code", "gbt43045-1-2023"))
    except UnknownModelError:
        raise Http404 from None
    return render(request, "capability_model/model_overview.html", model_overview(model=model))

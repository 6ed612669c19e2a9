from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from capability_model.selectors import capability_model_list_published


@login_required
def home_view(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html", {"models": capability_model_list_published()})

"""Closure evidence of actions: uploaded on the action's page, downloaded through the access check."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from assessments.forms import EvidenceUploadForm
from common.typing import AuthenticatedHttpRequest

from .. import services
from ..access import action_evidence_get_for_user, action_get_for_user


@login_required
@require_POST
def action_evidence_upload_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action, plan = action_get_for_user(user=request.user, pk=pk)
    if not plan.can_update(action):
        raise Http404
    form = EvidenceUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
        return redirect("improvement:action_edit", pk=pk)
    try:
        evidence = services.action_evidence_attach(
            access=plan, action=action, upload=form.cleaned_data["file"], user=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Attached %(name)s.") % {"name": evidence.original_name})
    return redirect("improvement:action_edit", pk=pk)


@login_required
@require_safe
def action_evidence_download_view(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    evidence, _plan = action_evidence_get_for_user(user=request.user, pk=pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=evidence.original_name)
    response["Content-Type"] = evidence.content_type
    response["X-Content-Type-Options"] = "nosniff"
    return response

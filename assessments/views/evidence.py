"""Evidence files: uploaded to a criterion, downloaded, removed."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from common.typing import AuthenticatedHttpRequest

from .. import selectors, services
from ..access import assessment_get_for_user, evidence_get_for_user
from ..forms import EvidenceUploadForm
from ..models import Assessment


@login_required
@require_POST
def evidence_upload_view(request: AuthenticatedHttpRequest, pk: int, code: str) -> HttpResponse:
    access = assessment_get_for_user(user=request.user, pk=pk)
    form = EvidenceUploadForm(request.POST, request.FILES)
    back = _criterion_url(access.assessment, code)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
        return redirect(back)
    try:
        evidence = services.evidence_attach(
            access=access, criterion_code=code, upload=form.cleaned_data["file"], user=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    messages.success(
        request, _("Attached %(name)s to %(code)s.") % {"name": evidence.original_name, "code": code}
    )
    return redirect(back)


@login_required
@require_safe
def evidence_download_view(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    evidence, _access = evidence_get_for_user(user=request.user, pk=pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=evidence.original_name)
    response["Content-Type"] = evidence.content_type
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def evidence_delete_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    evidence, access = evidence_get_for_user(user=request.user, pk=pk)
    code = evidence.answer.criterion.code
    try:
        services.evidence_delete(access=access, evidence=evidence, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Removed %(name)s.") % {"name": evidence.original_name})
    return redirect(_criterion_url(access.assessment, code))


def _criterion_url(assessment: Assessment, code: str) -> str:
    domain = selectors.criterion_domain_code(assessment=assessment, criterion_code=code)
    if domain is None:
        raise Http404
    url = reverse("assessments:questionnaire", args=[assessment.pk, domain])
    return f"{url}?open={quote(code)}#criterion-{quote(code)}"

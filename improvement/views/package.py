"""The certification package: asked for on the assessment's page, built by the queue, then downloaded.

Like a report PDF: the page of the build polls its own JSON (static/js/report-job.js) and downloads the zip
when it is ready; a failed build says so plainly and offers a retry. Every view asks through
``improvement.access``, so another organisation's build answers 404.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from common.typing import AuthenticatedHttpRequest

from .. import package_jobs
from ..access import action_plan_get_for_user, package_job_get_for_user
from ..models import PackageJob
from ..signing import public_key_fingerprint, public_key_pem


def _limit_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    message = _(
        "You are already waiting for %(count)s builds. Please wait until one of them is ready, "
        "then try again."
    ) % {"count": settings.REPORT_JOBS_PER_USER}
    response = render(request, "improvement/package_limit.html", {"pk": pk, "message": message}, status=429)
    response["Retry-After"] = "15"
    return response


def _zip_response(name: str, pk: int) -> FileResponse:
    response = FileResponse(
        default_storage.open(name, "rb"),
        as_attachment=True,
        filename=f"certification-package-{pk}.zip",
        content_type="application/zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def certification_package_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    """The zip if it exists for the assessment's current content; else the page of the one build."""
    plan = action_plan_get_for_user(user=request.user, pk=pk)
    if not plan.can_download_package:
        messages.error(request, _("The certification package exists only for an approved assessment."))
        return redirect("assessments:detail", pk=pk)
    try:
        job = package_jobs.package_request(
            assessment=plan.assessment_access.assessment, user_id=request.user.pk
        )
    except package_jobs.PackageJobLimitError:
        return _limit_page(request, pk)
    name = package_jobs.package_job_file(job)
    if name is not None:
        return _zip_response(name, pk)
    return redirect("improvement:package_job", job.pk)


def _status(job: PackageJob) -> dict[str, object]:
    ready = package_jobs.package_job_file(job) is not None
    return {
        "status": job.status if job.status != PackageJob.Status.DONE or ready else PackageJob.Status.FAILED,
        "label": str(job.get_status_display()),
        "download": reverse("improvement:package_job_download", args=[job.pk]) if ready else None,
        "error": job.error,
    }


@login_required
@require_GET
def package_job_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job, plan = package_job_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "improvement/package_job.html",
        {"access": plan.assessment_access, "job": job, "state": _status(job)},
    )


@login_required
@require_GET
def package_job_status_view(request: AuthenticatedHttpRequest, pk: int) -> JsonResponse:
    job, _plan = package_job_get_for_user(user=request.user, pk=pk)
    response = JsonResponse(_status(package_jobs.package_job_recover(job)))
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def package_job_download_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    job, _plan = package_job_get_for_user(user=request.user, pk=pk)
    name = package_jobs.package_job_file(job)
    if name is None:
        return redirect("improvement:package_job", job.pk)
    return _zip_response(name, job.assessment_id)


@login_required
@require_POST
def package_job_retry_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job, _plan = package_job_get_for_user(user=request.user, pk=pk)
    try:
        package_jobs.package_job_retry(job=job, user_id=request.user.pk)
    except package_jobs.PackageJobLimitError:
        return _limit_page(request, job.assessment_id)
    return redirect("improvement:package_job", job.pk)


@require_GET
def signing_key_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The public key that signs certification packages and its fingerprint: public, so that an auditor
    without an account can check a package's key against it."""
    return render(
        request,
        "improvement/signing_key.html",
        {"fingerprint": public_key_fingerprint(), "public_key": public_key_pem().decode()},
    )


@require_GET
def signing_key_pem_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    response = HttpResponse(public_key_pem(), content_type="application/x-pem-file")
    response["Content-Disposition"] = 'attachment; filename="portal-signing-key.pem"'
    return response

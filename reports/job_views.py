"""The page of a report PDF being rendered: it polls its own JSON (static/js/report-job.js) and downloads
the PDF when ready; a failed render says why and offers a retry. Every view asks the job's assessment
through the access functions, so another organisation's job answers 404."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from assessments.models import Assessment
from common.typing import AuthenticatedHttpRequest

from . import jobs
from .models import ReportJob

LIMIT_MESSAGE = _(
    "You are already waiting for %(count)s reports. Please wait until one of them is ready, then try again."
)


def limit_page(request: AuthenticatedHttpRequest, assessment: Assessment) -> HttpResponse:
    """429: the person waits for as many renders as one person may."""
    from django.conf import settings

    message = str(LIMIT_MESSAGE) % {"count": settings.REPORT_JOBS_PER_USER}
    response = render(
        request, "reports/report_job_limit.html", {"assessment": assessment, "message": message}, status=429
    )
    response["Retry-After"] = "15"
    return response


def _status(job: ReportJob) -> dict[str, object]:
    done = jobs.report_job_pdf(job) is not None
    return {
        "status": job.status if job.status != ReportJob.Status.DONE or done else ReportJob.Status.FAILED,
        "label": str(job.get_status_display()),
        "download": reverse("reports:job_download", args=[job.pk]) if done else None,
        "error": job.error,
    }


@login_required
@require_GET
def job_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job, access = jobs.report_job_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "reports/report_job.html",
        {"access": access, "job": job, "state": _status(job)},
    )


@login_required
@require_GET
def job_status_view(request: AuthenticatedHttpRequest, pk: int) -> JsonResponse:
    job, _access = jobs.report_job_get_for_user(user=request.user, pk=pk)
    # Reads only: a lost render is put back in the queue by a worker (jobs.report_job_watch), not here.
    response = JsonResponse(_status(job))
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def job_download_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job, access = jobs.report_job_get_for_user(user=request.user, pk=pk)
    pdf = jobs.report_job_pdf(job)
    if pdf is None:
        return redirect("reports:job", job.pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    stem = slugify(f"assessment-{access.assessment.pk}-{job.kind}")
    suffix = "en" if job.language.startswith("en") else "zh"
    response["Content-Disposition"] = f'attachment; filename="{stem}-{suffix}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def job_retry_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job, access = jobs.report_job_get_for_user(user=request.user, pk=pk)
    if job.status == ReportJob.Status.DONE:  # its file was pruned: the download button renders it afresh
        if job.kind == ReportJob.Kind.REPORT:
            return redirect("reports:report_pdf", access.assessment.pk)
        return redirect("reports:comparison", access.assessment.organisation_id)
    try:
        jobs.report_job_retry(job=job, user_id=request.user.pk)
    except jobs.ReportJobLimitError:
        return limit_page(request, access.assessment)
    return redirect("reports:job", job.pk)

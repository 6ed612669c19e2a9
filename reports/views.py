"""Report views: authorise through the access functions, build or render through one call, return it.

PDF bytes come from ``reports.services`` (WeasyPrint is wrapped in ``reports.pdf``); no view renders a PDF.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from assessments.access import assessment_get_for_user, organisation_get_for_user
from common.typing import AuthenticatedHttpRequest

from . import job_views, jobs, selectors
from .forms import ComparisonForm
from .selectors import Comparison


def _pdf_response(pdf: bytes, stem: str, language: str | None = None) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    language = "en" if (language or get_language() or "").startswith("en") else "zh"
    response["Content-Disposition"] = f'attachment; filename="{slugify(stem) or "report"}-{language}.pdf"'
    response["Vary"] = "Accept-Language, Cookie"
    return response


@login_required
@require_GET
def report_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = assessment_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "reports/report.html",
        {"access": access, "report": selectors.report_build(assessment=access.assessment)},
    )


@login_required
@require_GET
def report_pdf_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The PDF if it exists for the report's current content; else the page of the one job rendering it."""
    access = assessment_get_for_user(user=request.user, pk=pk)
    try:
        answer = jobs.report_pdf_request(assessment=access.assessment, user_id=request.user.pk)
    except jobs.ReportJobLimitError:
        return job_views.limit_page(request, access.assessment)
    if answer.pdf is not None:
        return _pdf_response(answer.pdf, f"assessment-{access.assessment.pk}-report")
    assert answer.job is not None  # noqa: S101 - no PDF means a job
    return redirect("reports:job", answer.job.pk)


def _comparison_page(
    request: AuthenticatedHttpRequest, form: ComparisonForm, comparison: Comparison | None, status: int
) -> HttpResponse:
    return render(
        request,
        "reports/comparison.html",
        {"organisation": form.organisation, "form": form, "comparison": comparison},
        status=status,
    )


@login_required
@require_GET
def comparison_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = organisation_get_for_user(user=request.user, pk=pk)
    # A link may preselect one side (?after=…): that is a starting point, not a bad request.
    chosen = "before" in request.GET and "after" in request.GET
    form = ComparisonForm(
        request.GET if chosen else None, initial=request.GET.dict(), organisation=access.organisation
    )
    comparison = None
    status = 200
    if form.is_bound:
        if form.is_valid():
            comparison = selectors.comparison_build(**form.cleaned_data)
        else:
            status = 400
    return _comparison_page(request, form, comparison, status)


@login_required
@require_GET
def comparison_pdf_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = organisation_get_for_user(user=request.user, pk=pk)
    form = ComparisonForm(request.GET, organisation=access.organisation)
    if not form.is_valid():
        return _comparison_page(request, form, None, 400)
    before, after = form.cleaned_data["before"], form.cleaned_data["after"]
    try:
        answer = jobs.comparison_pdf_request(before=before, after=after, user_id=request.user.pk)
    except jobs.ReportJobLimitError:
        return job_views.limit_page(request, after)
    if answer.pdf is not None:
        return _pdf_response(answer.pdf, f"comparison-{before.pk}-{after.pk}")
    assert answer.job is not None  # noqa: S101 - no PDF means a job
    return redirect("reports:job", answer.job.pk)

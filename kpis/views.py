"""An organisation's KPI values: the list with the latest values, one KPI's values and history, entering a
value, importing a file, downloading a value's evidence. Managers write; members and consultants read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from assessments.access import OrganisationAccess, organisation_get_for_user
from common.typing import AuthenticatedHttpRequest

from . import selectors, services
from .forms import KpiImportForm, KpiValueForm


def _list(
    request: AuthenticatedHttpRequest,
    access: OrganisationAccess,
    form: KpiValueForm | None = None,
    import_form: KpiImportForm | None = None,
    problems: list[services.RowProblem] | None = None,
    status: int = 200,
) -> HttpResponse:
    kpis = selectors.kpi_dictionary()
    context = {
        "access": access,
        "rows": selectors.kpi_overview(organisation=access.organisation),
        "form": form or KpiValueForm(kpis=kpis),
        "import_form": import_form or KpiImportForm(),
        "problems": problems or [],
    }
    return render(request, "kpis/kpi_list.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def kpi_list_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = organisation_get_for_user(user=request.user, pk=pk)
    if request.method != "POST":
        return _list(request, access)
    if not access.is_manager:
        return _list(request, access, status=403)
    form = KpiValueForm(request.POST, request.FILES, kpis=selectors.kpi_dictionary())
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.kpi_value_record(
                access=access,
                user=request.user,
                kpi=data["kpi"],
                period=data["period"],
                value=data["value"],
                source=data["source"],
                evidence=data["evidence"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("Value saved."))
            return redirect("kpis:list", pk=access.organisation.pk)
    return _list(request, access, form=form, status=400)


@login_required
@require_POST
def kpi_import_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = organisation_get_for_user(user=request.user, pk=pk)
    if not access.is_manager:
        return _list(request, access, status=403)
    form = KpiImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _list(request, access, import_form=form, status=400)
    try:
        count = services.kpi_values_import(access=access, user=request.user, upload=form.cleaned_data["file"])
    except services.ImportRowsError as exc:
        form.add_error(None, exc.messages[0])
        return _list(request, access, import_form=form, problems=exc.problems, status=400)
    except ValidationError as exc:
        for error in exc.messages:
            form.add_error(None, error)
        return _list(request, access, import_form=form, status=400)
    messages.success(request, _("%(count)s values imported.") % {"count": count})
    return redirect("kpis:list", pk=access.organisation.pk)


@login_required
@require_http_methods(["GET", "HEAD"])
def kpi_detail_view(request: AuthenticatedHttpRequest, pk: int, code: str) -> HttpResponse:
    access = organisation_get_for_user(user=request.user, pk=pk)
    kpi = selectors.kpi_get(code=code)
    context = {
        "access": access,
        "kpi": kpi,
        "values": selectors.kpi_values(organisation=access.organisation, kpi=kpi),
        "history": selectors.kpi_value_history(organisation=access.organisation, kpi=kpi),
        "thresholds": selectors.kpi_thresholds(kpi=kpi),
    }
    return render(request, "kpis/kpi_detail.html", context)


@login_required
@require_http_methods(["GET", "HEAD"])
def kpi_evidence_view(request: AuthenticatedHttpRequest, pk: int, value_pk: int) -> FileResponse:
    access = organisation_get_for_user(user=request.user, pk=pk)
    value = selectors.kpi_value_get(organisation=access.organisation, pk=value_pk)
    response = FileResponse(
        value.evidence.open("rb"), as_attachment=True, filename=value.evidence_name or "evidence"
    )
    response["Content-Type"] = value.evidence_type or "application/octet-stream"
    response["X-Content-Type-Options"] = "nosniff"
    return response

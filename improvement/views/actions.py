"""The action plan of an assessment: the list with its filters, suggestions, one action's page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from common.typing import AuthenticatedHttpRequest
from reports.spreadsheets import XLSX_CONTENT_TYPE

from .. import exports, selectors, services
from ..access import action_get_for_user, action_plan_get_for_user
from ..forms import ActionFilterForm, ActionForm, ActionStatusForm
from ..models import Action, ActionStatus


@login_required
@require_safe
def action_plan_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = action_plan_get_for_user(user=request.user, pk=pk)
    assessment = plan.assessment_access.assessment
    today = timezone.localdate()
    form = ActionFilterForm(request.GET or None, assessment=assessment)
    filters = selectors.ActionFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.ActionFilters(
            status=data["status"],
            owner=data["owner"].pk if data["owner"] else None,
            phase=data["phase"],
            domain=data["domain"],
            overdue=data["overdue"],
        )
    return render(
        request,
        "improvement/action_plan.html",
        {
            "access": plan.assessment_access,
            "plan": plan,
            "form": form,
            "actions": selectors.action_list(assessment=assessment, today=today, filters=filters),
            "summary": selectors.action_plan_summary(assessment=assessment, today=today),
            "since_baseline": selectors.actions_since_baseline(
                assessment=assessment, with_verified=plan.assessment_access.can_see_verified
            ),
            "suggestions": (
                selectors.suggestions_preview(
                    assessment=assessment, with_verified=plan.assessment_access.can_see_verified
                )
                if plan.can_edit
                else ()
            ),
            "today": today,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_safe
def action_plan_export_view(request: AuthenticatedHttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The plan as CSV or XLSX, for everyone who sees it."""
    plan = action_plan_get_for_user(user=request.user, pk=pk)
    assessment = plan.assessment_access.assessment
    if fmt == "xlsx":
        response = HttpResponse(
            exports.action_plan_xlsx(assessment=assessment), content_type=XLSX_CONTENT_TYPE
        )
    else:
        response = HttpResponse(
            exports.action_plan_csv(assessment=assessment), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="action-plan-{pk}.{fmt}"'
    return response


@login_required
@require_POST
def actions_suggest_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = action_plan_get_for_user(user=request.user, pk=pk)
    if not plan.can_edit:
        raise Http404
    created = services.actions_suggest(access=plan, user=request.user)
    if created:
        messages.success(request, _("Added %(count)s suggested actions.") % {"count": len(created)})
    else:
        messages.info(request, _("Every gap is already addressed by an action."))
    return redirect("improvement:action_plan", pk=pk)


def _input(form: ActionForm) -> services.ActionInput:
    return services.ActionInput(**form.cleaned_data)


def _initial(action: Action) -> dict[str, Any]:
    return {
        "title": action.title,
        "criteria": " ".join(c.code for c in action.criteria.order_by("level", "order")),
        "owner": action.owner,
        "owner_name": action.owner_name,
        "due_date": action.due_date,
        "status": action.status,
        "priority": action.priority,
        "notes": action.notes,
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def action_create_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = action_plan_get_for_user(user=request.user, pk=pk)
    if not plan.can_edit:
        raise Http404
    assessment = plan.assessment_access.assessment
    form = ActionForm(
        request.POST or None,
        initial={"criteria": request.GET.get("criteria", "")},
        organisation=assessment.organisation,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.action_create(access=plan, user=request.user, data=_input(form))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Action added."))
            return redirect("improvement:action_plan", pk=pk)
    return render(
        request,
        "improvement/action_form.html",
        {"access": plan.assessment_access, "plan": plan, "form": form, "action": None},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def actions_merge_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Merges the chosen actions (``merge`` ids) of the same item into action ``pk``."""
    action, plan = action_get_for_user(user=request.user, pk=pk)
    if not plan.can_edit:
        raise Http404
    ids = [int(v) for v in request.POST.getlist("merge") if v.isdigit() and len(v) < 19]
    try:
        services.actions_merge(access=plan, user=request.user, keep=action, others=ids)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("improvement:action_edit", pk=pk)
    messages.success(request, _("Actions merged; the others are cancelled with a note."))
    return redirect("improvement:action_edit", pk=pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def action_edit_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One action: its form for editors, its status for the contributor who owns it, read-only for the
    others, with its history."""
    action, plan = action_get_for_user(user=request.user, pk=pk)
    assessment = plan.assessment_access.assessment
    if request.method == "POST" and not plan.can_update(action):
        raise Http404
    data = request.POST or None
    form: ActionForm | ActionStatusForm
    if plan.can_edit:
        form = ActionForm(data, initial=_initial(action), organisation=assessment.organisation)
    else:
        form = ActionStatusForm(data, initial={"status": action.status})
    if request.method == "POST" and form.is_valid():
        try:
            if isinstance(form, ActionForm):
                services.action_update(access=plan, action=action, user=request.user, data=_input(form))
            else:
                services.action_status_set(
                    access=plan, action=action, user=request.user, status=form.cleaned_data["status"]
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Action saved."))
            return redirect("improvement:action_plan", pk=assessment.pk)
    return render(
        request,
        "improvement/action_form.html",
        {
            "access": plan.assessment_access,
            "plan": plan,
            "form": form,
            "action": action,
            "can_update": plan.can_update(action),
            "mergeable": (
                list(
                    Action.objects.filter(assessment=assessment, item=action.item_id)
                    .exclude(pk=action.pk)
                    .exclude(status=ActionStatus.CANCELLED)
                )
                if plan.can_edit
                else []
            ),
            "criteria": list(action.criteria.order_by("level", "order")),
            "evidence": list(action.evidence.select_related("uploaded_by")),
            "history": selectors.action_history(action=action),
        },
        status=400 if form.errors else 200,
    )

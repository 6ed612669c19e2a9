"""Team pages: authorise through ``teams.access``, validate a form, one service or selector call."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from assessments import services as assessment_services
from assessments.forms import AnswerForm
from assessments.models import RATING_CHOICES
from common.typing import AuthenticatedHttpRequest
from reports.spreadsheets import XLSX_CONTENT_TYPE

from . import selectors, services, workbook
from .access import TeamAccess, assignment_get_for_user, panel_get_for_user, team_get_for_user
from .forms import AssignmentForm, PanelForm, ResponseForm


def _forms(team: TeamAccess, data: object = None) -> tuple[AssignmentForm, PanelForm]:
    assessment = team.access.assessment
    parts = selectors.parts(assessment=assessment)
    members = selectors.writer_members(assessment=assessment)
    return (
        AssignmentForm(data, parts=parts, members=members, prefix="assign"),
        PanelForm(data, parts=parts, members=members, prefix="panel"),
    )


def _team_page(
    request: AuthenticatedHttpRequest, team: TeamAccess, forms: tuple[AssignmentForm, PanelForm], status: int
) -> HttpResponse:
    assessment = team.access.assessment
    scope = selectors.scope_for(assessment=assessment)
    panels = selectors.panel_rows(assessment=assessment, scope=scope)
    return render(
        request,
        "teams/team.html",
        {
            "access": team.access,
            "team": team,
            "assignments": selectors.assignment_rows(
                assessment=assessment, scope=scope, today=timezone.localdate()
            ),
            "panels": panels,
            "is_respondent": any(r.user.pk == request.user.pk for row in panels for r in row.respondents),
            "assignment_form": forms[0],
            "panel_form": forms[1],
        },
        status=status,
    )


@login_required
@require_safe
def team_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    team = team_get_for_user(user=request.user, pk=pk)
    return _team_page(request, team, _forms(team), 200)


@login_required
@require_POST
def assignment_set_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    team = team_get_for_user(user=request.user, pk=pk)
    forms = _forms(team, request.POST)
    form = forms[0]
    if form.is_valid():
        data = services.AssignmentInput(
            part_code=form.cleaned_data["part"],
            assignee=form.cleaned_data["assignee"],
            due_date=form.cleaned_data["due_date"],
            note=form.cleaned_data["note"],
        )
        try:
            services.assignment_set(team=team, data=data, user=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Assigned %(part)s.") % {"part": data.part_code})
            return redirect("teams:team", pk=pk)
    return _team_page(request, team, (form, _forms(team)[1]), 400)


@login_required
@require_POST
def assignment_remove_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assignment, team = assignment_get_for_user(user=request.user, pk=pk)
    try:
        services.assignment_remove(team=team, assignment=assignment, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The part is open to every writer again."))
    return redirect("teams:team", pk=team.access.assessment.pk)


@login_required
@require_POST
def panel_open_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    team = team_get_for_user(user=request.user, pk=pk)
    forms = _forms(team, request.POST)
    form = forms[1]
    if form.is_valid():
        data = services.PanelInput(
            part_code=form.cleaned_data["part"],
            respondents=list(form.cleaned_data["respondents"]),
            blind=form.cleaned_data["blind"],
        )
        try:
            services.panel_open(team=team, data=data, user=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Opened %(part)s to its respondents.") % {"part": data.part_code})
            return redirect("teams:team", pk=pk)
    return _team_page(request, team, (_forms(team)[0], form), 400)


@login_required
@require_POST
def panel_close_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    panel, team = panel_get_for_user(user=request.user, pk=pk)
    try:
        services.panel_close(team=team, panel=panel, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The panel is closed; its responses stay in the history."))
    return redirect("teams:team", pk=team.access.assessment.pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def item_responses_view(request: AuthenticatedHttpRequest, pk: int, item: str) -> HttpResponse:
    """One item's respondents: the viewer's own answers, the others' as far as visible, the spread and
    the consolidation. Without JavaScript: each criterion is its own form (409 on a conflict)."""
    team = team_get_for_user(user=request.user, pk=pk)
    status, error_code, error = 200, "", ""
    if request.method == "POST":
        status, error_code, error = _post_item(request, team)
        if status == 200:
            url = reverse("teams:item", args=[pk, item])
            return redirect(f"{url}#c-{request.POST.get('criterion', '')}")
    page = selectors.item_responses(
        assessment=team.access.assessment,
        item_code=item,
        user=request.user,
        with_names=team.can_see_names,
        respondent_label=_("Respondent"),
    )
    if page is None:
        raise Http404
    holder_id = page.holder.assignee_id if page.holder else None
    return render(
        request,
        "teams/item_responses.html",
        {
            "access": team.access,
            "team": team,
            "page": page,
            "ratings": RATING_CHOICES,
            "can_consolidate": team.access.can_edit
            and (team.access.organisation_access.is_manager or holder_id == request.user.pk),
            "error_code": error_code,
            "error": error,
        },
        status=status,
    )


def _post_item(request: AuthenticatedHttpRequest, team: TeamAccess) -> tuple[int, str, str]:
    """(status, criterion code, message): 200 when saved."""
    code = request.POST.get("criterion", "")[:40]
    if request.POST.get("action") == "consolidate":
        form = AnswerForm(request.POST)
        if not form.is_valid():
            return 400, code, " ".join(str(m) for errors in form.errors.values() for m in errors)
        try:
            assessment_services.answer_write(
                access=team.access,
                criterion_code=code,
                data=assessment_services.AnswerInput(**form.cleaned_data),
                user=request.user,
            )
        except assessment_services.AnswerConflictError as exc:
            return 409, code, " ".join(exc.messages)
        except ValidationError as exc:
            return (
                (403 if exc.code in {"not_editable", "no_permission"} else 400),
                code,
                " ".join(exc.messages),
            )
        messages.success(request, _("Consolidated rating of %(code)s saved.") % {"code": code})
        return 200, code, ""
    response_form = ResponseForm(request.POST)
    if not response_form.is_valid():
        return 400, code, " ".join(str(m) for errors in response_form.errors.values() for m in errors)
    data = response_form.cleaned_data
    try:
        services.response_write(
            team=team,
            criterion_code=data["criterion"],
            data=services.ResponseInput(data["rating"], data["comment"], data["evidence"], data["revision"]),
            user=request.user,
        )
    except services.ResponseConflictError as exc:
        return 409, code, " ".join(exc.messages)
    except ValidationError as exc:
        return (403 if exc.code in {"not_editable", "no_permission"} else 400), code, " ".join(exc.messages)
    messages.success(request, _("Your response to %(code)s is saved.") % {"code": code})
    return 200, code, ""


@login_required
@require_safe
def respondent_export_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The user's own criteria as a workbook to fill in offline."""
    team = team_get_for_user(user=request.user, pk=pk)
    try:
        data = workbook.respondent_workbook(team=team, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("teams:team", pk=pk)
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    name = f"assessment-{pk}-responses-{request.user.pk}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def respondent_import_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The filled-in workbook back: all edited rows saved, or none with each row's problem."""
    team = team_get_for_user(user=request.user, pk=pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose the filled-in workbook to upload."))
        return redirect("teams:team", pk=pk)
    try:
        outcome = workbook.respondent_import(team=team, user=request.user, upload=upload)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("teams:team", pk=pk)
    if outcome.problems:
        messages.error(request, _("Nothing was imported:") + " " + " · ".join(outcome.problems))
    else:
        messages.success(request, _("Imported %(count)s responses.") % {"count": outcome.saved})
    return redirect("teams:team", pk=pk)

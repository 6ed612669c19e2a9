"""Spreadsheet export and the offline questionnaire (upload → preview → apply).

Anyone who may see an assessment may export it. Importing is for writers of the organisation (others get
404, like the questionnaire's own writes); while the workflow does not allow changes, writers get 403 with
the reason. A file that cannot be used gets 400 with a message, never a server error, and nothing written.
"""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from assessments.access import AssessmentAccess, assessment_get_for_user
from assessments.services import NOT_EDITABLE
from common.typing import AuthenticatedHttpRequest

from . import imports, spreadsheets
from .spreadsheet_forms import QuestionnaireApplyForm, QuestionnaireUploadForm

_FORBIDDEN_CODES = frozenset({"not_editable", "no_permission"})


@login_required
@require_GET
def export_view(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    access = assessment_get_for_user(user=request.user, pk=pk)
    content = spreadsheets.assessment_workbook(assessment=access.assessment)
    response = FileResponse(
        io.BytesIO(content),
        as_attachment=True,
        filename=spreadsheets.export_filename(access.assessment),
        content_type=spreadsheets.XLSX_CONTENT_TYPE,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = assessment_get_for_user(user=request.user, pk=pk)
    if not access.organisation_access.can_write_answers:
        raise Http404
    if not access.can_edit:
        messages.error(request, NOT_EDITABLE % {"state": access.assessment.get_state_display()})
        return _render(request, access, status=403)
    if request.method == "POST" and "payload" in request.POST:
        return _apply(request, access)
    if request.method == "POST":
        return _preview(request, access)
    return _render(request, access, upload_form=QuestionnaireUploadForm())


def _preview(request: AuthenticatedHttpRequest, access: AssessmentAccess) -> HttpResponse:
    form = QuestionnaireUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose the filled-in workbook (.xlsx) to upload."))
        return _render(request, access, upload_form=form, status=400)
    try:
        preview = imports.questionnaire_import_preview(access=access, upload=form.cleaned_data["file"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        status = 403 if exc.code in _FORBIDDEN_CODES else 400
        return _render(request, access, upload_form=QuestionnaireUploadForm(), status=status)
    if preview.problems:
        count = len(preview.problems)
        messages.error(
            request,
            ngettext(
                "%(count)s problem in the file; nothing was applied. Correct the rows and upload again.",
                "%(count)s problems in the file; nothing was applied. Correct the rows and upload again.",
                count,
            )
            % {"count": count},
        )
        return _render(
            request, access, preview=preview, problems=preview.problems, upload_form=QuestionnaireUploadForm()
        )
    apply_form = None
    if preview.changes:
        try:
            token = imports.import_changes_sign(access=access, user=request.user, changes=preview.changes)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return _render(
                request, access, preview=preview, upload_form=QuestionnaireUploadForm(), status=400
            )
        apply_form = QuestionnaireApplyForm(initial={"payload": token}, access=access, user=request.user)
    return _render(
        request, access, preview=preview, apply_form=apply_form, upload_form=QuestionnaireUploadForm()
    )


def _apply(request: AuthenticatedHttpRequest, access: AssessmentAccess) -> HttpResponse:
    form = QuestionnaireApplyForm(request.POST, access=access, user=request.user)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return _render(request, access, upload_form=QuestionnaireUploadForm(), status=400)
    try:
        result = imports.questionnaire_import_apply(
            access=access, changes=form.cleaned_data["payload"], user=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        status = 403 if exc.code in _FORBIDDEN_CODES else 400
        return _render(request, access, status=status)
    if result.problems:
        messages.error(request, _("Nothing was applied: some answers could not be saved (see below)."))
        conflict = any(problem.kind == "conflict" for problem in result.problems)
        return _render(
            request,
            access,
            problems=result.problems,
            upload_form=QuestionnaireUploadForm(),
            status=409 if conflict else 400,
        )
    messages.success(
        request,
        ngettext(
            "Offline questionnaire imported: %(count)s answer changed.",
            "Offline questionnaire imported: %(count)s answers changed.",
            result.applied,
        )
        % {"count": result.applied},
    )
    return redirect("assessments:detail", pk=access.assessment.pk)


def _render(
    request: AuthenticatedHttpRequest, access: AssessmentAccess, *, status: int | None = None, **context: Any
) -> HttpResponse:
    if status is None:
        status = 400 if context.get("problems") else 200
    return render(
        request,
        "reports/spreadsheet_import.html",
        {
            "access": access,
            "preview": None,
            "problems": [],
            "apply_form": None,
            "upload_form": None,
            **context,
        },
        status=status,
    )

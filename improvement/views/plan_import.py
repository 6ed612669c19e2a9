"""The action plan's workbook, edited offline and uploaded again: applied whole or not at all."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from assessments.forms import EvidenceUploadForm
from common.typing import AuthenticatedHttpRequest

from ..access import action_plan_get_for_user
from ..services.plan_import import RowProblem, plan_import


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def action_plan_import_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = action_plan_get_for_user(user=request.user, pk=pk)
    if not plan.can_edit:
        raise Http404
    problems: list[RowProblem] = []
    status = 200
    if request.method == "POST":
        form = EvidenceUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, _("Choose the edited action plan (.xlsx) to upload."))
            status = 400
        else:
            try:
                result = plan_import(access=plan, upload=form.cleaned_data["file"], user=request.user)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
                status = 400
            else:
                if not result.problems:
                    messages.success(
                        request,
                        _(
                            "Action plan imported: %(created)s added, %(updated)s changed, "
                            "%(unchanged)s unchanged."
                        )
                        % {
                            "created": result.created,
                            "updated": result.updated,
                            "unchanged": result.unchanged,
                        },
                    )
                    return redirect("improvement:action_plan", pk=pk)
                problems = result.problems
                conflict = any("since the export" in p.message for p in problems)
                status = 409 if conflict else 400
                messages.error(
                    request,
                    ngettext(
                        "%(count)s row has a problem; nothing was applied. Correct it and upload again.",
                        "%(count)s rows have problems; nothing was applied. Correct them and upload again.",
                        len(problems),
                    )
                    % {"count": len(problems)},
                )
    return render(
        request,
        "improvement/plan_import.html",
        {"access": plan.assessment_access, "plan": plan, "problems": problems},
        status=status,
    )

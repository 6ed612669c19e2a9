"""The assessment's page, its questionnaire (page and autosave), submission and history."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from capability_model import scoring
from common.typing import AuthenticatedHttpRequest

from .. import selectors, services
from ..access import AssessmentAccess, assessment_get_for_user
from ..forms import AnswerForm
from ..models import RATING_CHOICES

HISTORY_PER_PAGE = 50


@login_required
@require_safe
def assessment_detail_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = assessment_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "assessments/assessment_detail.html",
        {
            "access": access,
            "first_domain": selectors.first_domain_code(assessment=access.assessment),
            **selectors.assessment_overview(
                assessment=access.assessment, with_verified=access.can_see_verified
            ),
            "approval": selectors.approval_preview(assessment=access.assessment)
            if access.can_decide
            else None,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def questionnaire_view(request: AuthenticatedHttpRequest, pk: int, domain: str) -> HttpResponse:
    access = assessment_get_for_user(user=request.user, pk=pk)
    show = request.GET.get("show", "all")
    saved = None
    if request.method == "POST":
        # The Save button without JavaScript: every criterion of the page in one form.
        if not access.can_edit:
            raise Http404
        saved = services.questionnaire_save(
            access=access, data=request.POST, user=request.user, codes=request.POST.getlist("criteria")
        )
        if not saved.errors:
            messages.success(request, _("Saved %(count)s answers.") % {"count": saved.saved})
            return redirect_after_page_save(request, access, "assessments:questionnaire", domain, show)
        messages.error(request, _("Some answers were not saved; see the messages beside them."))
    partial = request.GET.get("partial", "")
    page = selectors.questionnaire_page(
        assessment=access.assessment,
        domain_code=domain,
        show=show,
        # What the user posted stays in the form beside the reasons it was not saved.
        posted=saved.values if saved else None,
        errors=saved.errors if saved else None,
        with_verified=access.can_see_verified,
        # A failed save opens every item, so each message is seen beside its answer.
        open_code="all" if saved is not None else (partial or request.GET.get("open", "")),
    )
    if partial and saved is None:
        # One item's criteria, fetched by the page's script when the item is opened.
        block = next((b for b in page.items if b.item.code == partial), None)
        if block is None:
            raise Http404
        return render(
            request,
            "assessments/includes/_item_body.html",
            {"access": access, "page": page, "block": block, "ratings": RATING_CHOICES},
        )
    return render(
        request,
        "assessments/questionnaire.html",
        {"access": access, "page": page, "ratings": RATING_CHOICES},
        status=400 if saved is not None else 200,
    )


def redirect_after_page_save(
    request: AuthenticatedHttpRequest, access: AssessmentAccess, url_name: str, domain: str, show: str
) -> HttpResponse:
    """Back to the same page, or to the domain its "Save and go to" button named (if the model has it)."""
    target = request.POST.get("go") or domain
    if not selectors.domain_exists(assessment=access.assessment, domain_code=target):
        target = domain
    show = show if selectors.show_filter_known(show) else "all"
    url = f"{reverse(url_name, args=[access.assessment.pk, target])}?show={show}"
    posted = request.POST.getlist("criteria")
    if target == domain and posted:  # back where the person was: the item of the first criterion posted
        url += f"&open={quote(posted[0])}"
    return redirect(url)


def score_json(score: scoring.ItemScore | scoring.DomainScore | scoring.ModelScore) -> dict[str, Any]:
    return {"level": score.level, "index": None if score.index is None else scoring.format_index(score.index)}


def vars_progress(progress: selectors.Progress) -> dict[str, int]:
    return {"answered": progress.answered, "required": progress.required}


@login_required
@require_POST
def answer_autosave_view(request: AuthenticatedHttpRequest, pk: int, code: str) -> JsonResponse:
    """Saves one answer as it is given; JSON in, JSON out (400 bad input, 403 not editable, 409 conflict)."""
    access = assessment_get_for_user(user=request.user, pk=pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"ok": False, "errors": form.errors.get_json_data()}, status=400)
    try:
        answer = services.answer_record(
            access=access,
            criterion_code=code,
            data=services.AnswerInput(**form.cleaned_data),
            user=request.user,
        )
    except services.AnswerConflictError as exc:
        current = exc.current
        return JsonResponse(
            {
                "ok": False,
                "conflict": True,
                "message": " ".join(exc.messages),
                "current": {
                    "rating": current.rating,
                    "comment": current.comment,
                    "justification": current.justification,
                    "flagged": current.flagged,
                    "revision": current.revision,
                    "updated_by": current.updated_by.get_username() if current.updated_by else "",
                },
            },
            status=409,
        )
    except ValidationError as exc:
        status = 403 if exc.code in {"not_editable", "no_permission"} else 400
        return JsonResponse({"ok": False, "message": " ".join(exc.messages)}, status=status)
    summary = selectors.autosave_summary(assessment=access.assessment, criterion_code=code)
    return JsonResponse(
        {
            "ok": True,
            "revision": answer.revision,
            "item": {"code": summary.item.code, **score_json(summary.item)},
            "item_progress": vars_progress(
                selectors.item_progress(assessment=access.assessment, item_code=summary.item.code)
            ),
            "domain": {"code": summary.domain.code, **score_json(summary.domain)},
            "overall": score_json(summary.overall),
            "progress": {"answered": summary.progress.answered, "required": summary.progress.required},
            "domain_progress": {
                "answered": summary.domain_progress.answered,
                "required": summary.domain_progress.required,
            },
        }
    )


@login_required
@require_POST
def carried_over_confirm_view(request: AuthenticatedHttpRequest, pk: int, domain: str) -> HttpResponse:
    """Confirms the carried-over answers of the domain ("scope=domain") or of one item ("item:<code>")."""
    access = assessment_get_for_user(user=request.user, pk=pk)
    if not selectors.domain_exists(assessment=access.assessment, domain_code=domain):
        raise Http404
    scope = request.POST.get("scope", "")
    item_code = scope.removeprefix("item:") if scope.startswith("item:") else ""
    if (scope != "domain" and not item_code) or "\x00" in item_code:
        return HttpResponse(_("Say what to confirm: the domain or one item."), status=400)
    try:
        result = services.carried_over_confirm(
            access=access, user=request.user, domain_code=domain, item_code=item_code
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("Confirmed %(count)s carried-over answers.") % {"count": result.confirmed}
        )
        if result.left:
            messages.warning(
                request,
                _("%(left)s carried-over answers were left for the people who hold their part.")
                % {"left": result.left},
            )
    url = reverse("assessments:questionnaire", args=[pk, domain])
    return redirect(f"{url}?open={quote(item_code)}#item-{quote(item_code)}" if item_code else url)


@login_required
@require_POST
def assessment_submit_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = assessment_get_for_user(user=request.user, pk=pk)
    try:
        services.assessment_submit(access=access, user=request.user)
    except services.SubmissionIncompleteError:
        messages.error(request, _("Not submitted yet: the list below shows what is missing."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Submitted for review. The assessment is now read-only."))
    return redirect("assessments:detail", pk=pk)


@login_required
@require_safe
def history_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The audit trail, newest first, a page at a time; filtered by criterion code and by person."""
    access = assessment_get_for_user(user=request.user, pk=pk)
    criterion = request.GET.get("criterion", "").strip().upper()[:20]
    person = request.GET.get("who", "").strip()[:150]
    entries = selectors.assessment_history(
        assessment=access.assessment,
        with_verified=access.can_see_verified,
        criterion=criterion,
        person=person,
    )
    page = Paginator(entries, HISTORY_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "assessments/assessment_history.html",
        {
            "access": access,
            "page": page,
            "criterion": criterion,
            "who": person,
            "people": selectors.history_people(assessment=access.assessment),
        },
    )

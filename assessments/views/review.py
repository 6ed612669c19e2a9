"""The consultant's pages: the review per domain, starting it, and the decision."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from common.typing import AuthenticatedHttpRequest

from .. import selectors, services
from ..access import assessment_get_for_user
from ..forms import DecisionForm, ReviewAutosaveForm
from ..models import RATING_CHOICES
from .questionnaire import redirect_after_page_save, score_json


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def review_start_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET: the review's first domain. POST: start the review of a submitted assessment, then go there."""
    access = assessment_get_for_user(user=request.user, pk=pk)
    if not access.is_reviewer:
        raise Http404
    if request.method == "POST":
        try:
            services.assessment_start_review(access=access, user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("assessments:detail", pk=pk)
        messages.success(request, _("Review started. The organisation can no longer change the assessment."))
    first = selectors.first_domain_code(assessment=access.assessment)
    return redirect("assessments:review", pk=pk, domain=first)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def review_view(request: AuthenticatedHttpRequest, pk: int, domain: str) -> HttpResponse:
    """The consultant's page per domain: self answers beside verified ratings and review comments.

    Only shows until the review is started (a POST to ``review_start_view``); saves while in review.
    """
    access = assessment_get_for_user(user=request.user, pk=pk)
    if not access.is_reviewer:
        raise Http404
    show = request.GET.get("show", "all")
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        errors = services.review_save(access=access, data=request.POST, user=request.user)
        if not errors:
            messages.success(request, _("Review saved."))
            return redirect_after_page_save(request, access, "assessments:review", domain, show)
        messages.error(request, _("Some review entries were not saved; see the messages beside them."))
    partial = request.GET.get("partial", "")
    page = selectors.questionnaire_page(
        assessment=access.assessment,
        domain_code=domain,
        show=show,
        errors=errors,
        open_code="all" if errors else (partial or request.GET.get("open", "")),
    )
    if partial and not errors:
        # One item's criteria, fetched by the page's script when the item is opened.
        block = next((b for b in page.items if b.item.code == partial), None)
        if block is None:
            raise Http404
        return render(
            request,
            "assessments/includes/_review_item_body.html",
            {"access": access, "block": block, "ratings": RATING_CHOICES},
        )
    changes = selectors.level_changes(page.overall, page.verified_overall) if page.verified_overall else []
    return render(
        request,
        "assessments/review.html",
        {"access": access, "page": page, "ratings": RATING_CHOICES, "changes": changes},
        status=400 if errors else 200,
    )


@login_required
@require_POST
def review_autosave_view(request: AuthenticatedHttpRequest, pk: int, code: str) -> JsonResponse:
    """Saves one criterion's review as it is given, like the questionnaire's autosave: 400 bad input,
    403 not in review or not the consultant, 409 changed meanwhile (with the stored review)."""
    access = assessment_get_for_user(user=request.user, pk=pk)
    if not access.is_reviewer:
        raise Http404
    form = ReviewAutosaveForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"ok": False, "errors": form.errors.get_json_data()}, status=400)
    data = form.cleaned_data
    try:
        services.review_record(
            access=access,
            criterion_code=code,
            data=services.ReviewInput(data["verified_rating"], data["review_comment"]),
            loaded=services.ReviewInput(data["loaded_verified_rating"], data["loaded_review_comment"]),
            user=request.user,
        )
    except services.ReviewConflictError as exc:
        current = exc.current
        return JsonResponse(
            {
                "ok": False,
                "conflict": True,
                "message": " ".join(exc.messages),
                "current": {
                    "verified_rating": current.verified_rating,
                    "review_comment": current.review_comment,
                    "reviewed_by": current.reviewed_by.get_username() if current.reviewed_by else "",
                },
            },
            status=409,
        )
    except ValidationError as exc:
        status = 400 if exc.code == "unknown_criterion" else 403
        return JsonResponse({"ok": False, "message": " ".join(exc.messages)}, status=status)
    summary = selectors.review_summary(assessment=access.assessment, criterion_code=code)
    return JsonResponse(
        {
            "ok": True,
            "item": {"code": summary.item_code, **score_json(summary.item)},
            "overall": score_json(summary.overall) if summary.overall else None,
            "verified_item": score_json(summary.verified_item) if summary.verified_item else None,
            "verified_overall": score_json(summary.verified_overall) if summary.verified_overall else None,
            "changes": [
                {"code": c.code, "self": c.self_level, "verified": c.verified_level, "lowered": c.lowered}
                for c in (
                    selectors.level_changes(summary.overall, summary.verified_overall)
                    if summary.verified_overall
                    else []
                )
            ],
        }
    )


@login_required
@require_POST
def decide_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = assessment_get_for_user(user=request.user, pk=pk)
    if not access.is_reviewer:
        raise Http404
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("assessments:detail", pk=pk)
    try:
        if form.cleaned_data["decision"] == "return":
            services.assessment_return(access=access, user=request.user, reason=form.cleaned_data["note"])
            messages.success(request, _("Returned to the organisation for rework."))
        else:
            services.assessment_approve(access=access, user=request.user, note=form.cleaned_data["note"])
            messages.success(request, _("Approved. The verified result is now the official one."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("assessments:detail", pk=pk)

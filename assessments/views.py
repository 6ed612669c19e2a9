"""Views: authorise through ``access``, validate a form, call one service or selector, render or redirect."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from capability_model import scoring
from common.typing import AuthenticatedHttpRequest
from maturity_portal.shared_html import render_shared, shared, with_csrf_token

from . import selectors, services
from .access import (
    AssessmentAccess,
    assessment_get_for_user,
    evidence_get_for_user,
    organisation_get_for_user,
)
from .forms import AnswerForm, AssessmentStartForm, DecisionForm, EvidenceUploadForm, MemberInviteForm
from .models import RATING_CHOICES, Assessment, AssessmentState, Membership


@login_required
def dashboard_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    read = selectors.dashboard_read(
        user=request.user, review_page=request.GET.get("review_page"), page=request.GET.get("page")
    )
    key = selectors.dashboard_cache_key(read=read, language=get_language(), query=request.GET.urlencode())
    body = shared(
        key,
        lambda: render_shared(
            request,
            "assessments/includes/_dashboard.html",
            {"dashboard": selectors.dashboard_build(read=read)},
        ),
    )
    return render(request, "assessments/dashboard.html", {"body": with_csrf_token(request, body)})


@login_required
@require_http_methods(["GET", "POST"])
def organisation_members_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = organisation_get_for_user(user=request.user, pk=pk)
    form = MemberInviteForm(request.POST or None)
    if request.method == "POST":
        if not access.is_manager:
            raise Http404
        if form.is_valid():
            try:
                membership = services.membership_invite(access=access, request=request, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("%(user)s is now a member.") % {"user": membership.user.email})
                return redirect("assessments:organisation_members", pk=pk)
    return render(
        request,
        "assessments/organisation_members.html",
        {
            "access": access,
            "form": form,
            "memberships": selectors.membership_list(organisation=access.organisation),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def membership_remove_view(request: AuthenticatedHttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    access = organisation_get_for_user(user=request.user, pk=pk)
    membership = get_object_or_404(Membership, pk=membership_pk, organisation=access.organisation)
    try:
        services.membership_remove(access=access, membership=membership)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Removed %(user)s.") % {"user": membership.user.get_username()})
    return redirect("assessments:organisation_members", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def assessment_start_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = organisation_get_for_user(user=request.user, pk=pk)
    if not access.is_manager:
        raise Http404
    form = AssessmentStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.assessment_start(
                organisation=access.organisation, user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Assessment started. Answers save as you go."))
            return redirect("assessments:detail", pk=assessment.pk)
    return render(
        request,
        "assessments/assessment_start.html",
        {"form": form, "organisation": access.organisation},
        status=400 if form.errors else 200,
    )


@login_required
def assessment_detail_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = assessment_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "assessments/assessment_detail.html",
        {"access": access, **selectors.assessment_overview(assessment=access.assessment)},
    )


@login_required
@require_http_methods(["GET", "POST"])
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
            return _redirect_after_page_save(request, access, "assessments:questionnaire", domain, show)
        messages.error(request, _("Some answers were not saved; see the messages beside them."))
    if saved is None:  # the shared page, from the cache while the assessment has not changed
        key = selectors.questionnaire_cache_key(
            access=access, domain_code=domain, show=show, language=get_language()
        )
        title_and_body = shared(key, lambda: _questionnaire_render(request, access, domain, show))
    else:  # what the user posted stays in the form beside the reasons it was not saved; never shared
        title_and_body = _questionnaire_render(request, access, domain, show, saved)
    title, body = title_and_body
    return render(
        request,
        "assessments/questionnaire.html",
        {"title": title, "body": with_csrf_token(request, body)},
        status=400 if saved is not None else 200,
    )


def _questionnaire_render(
    request: AuthenticatedHttpRequest,
    access: AssessmentAccess,
    domain: str,
    show: str,
    saved: services.PageSaveResult | None = None,
) -> tuple[str, str]:
    """The page's title and body (``render_shared``: no CSRF token of this session in it)."""
    page = selectors.questionnaire_page(
        assessment=access.assessment,
        domain_code=domain,
        show=show,
        posted=saved.values if saved else None,
        errors=saved.errors if saved else None,
    )
    title = f"{page.domain.code} {page.domain.name} · {page.assessment.title}"
    body = render_shared(
        request,
        "assessments/includes/_questionnaire.html",
        {"access": access, "page": page, "ratings": RATING_CHOICES},
    )
    return title, body


def _redirect_after_page_save(
    request: AuthenticatedHttpRequest, access: AssessmentAccess, url_name: str, domain: str, show: str
) -> HttpResponse:
    """Back to the same page, or to the domain its "Save and go to" button named (if the model has it)."""
    target = request.POST.get("go") or domain
    if not selectors.domain_exists(assessment=access.assessment, domain_code=target):
        target = domain
    show = show if show in selectors.SHOW_FILTERS else "all"
    return redirect(f"{reverse(url_name, args=[access.assessment.pk, target])}?show={show}")


def _score_json(score: scoring.ItemScore | scoring.DomainScore | scoring.ModelScore) -> dict[str, Any]:
    return {"level": score.level, "index": None if score.index is None else scoring.format_index(score.index)}


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
            "item": {"code": summary.item.code, **_score_json(summary.item)},
            "domain": {"code": summary.domain.code, **_score_json(summary.domain)},
            "overall": _score_json(summary.overall),
            "progress": {"answered": summary.progress.answered, "required": summary.progress.required},
            "domain_progress": {
                "answered": summary.domain_progress.answered,
                "required": summary.domain_progress.required,
            },
        }
    )


@login_required
@require_POST
def evidence_upload_view(request: AuthenticatedHttpRequest, pk: int, code: str) -> HttpResponse:
    access = assessment_get_for_user(user=request.user, pk=pk)
    form = EvidenceUploadForm(request.POST, request.FILES)
    back = _criterion_url(access.assessment, code)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
        return redirect(back)
    try:
        evidence = services.evidence_attach(
            access=access, criterion_code=code, upload=form.cleaned_data["file"], user=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    messages.success(
        request, _("Attached %(name)s to %(code)s.") % {"name": evidence.original_name, "code": code}
    )
    return redirect(back)


@login_required
def evidence_download_view(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    evidence, _access = evidence_get_for_user(user=request.user, pk=pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=evidence.original_name)
    response["Content-Type"] = evidence.content_type
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def evidence_delete_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    evidence, access = evidence_get_for_user(user=request.user, pk=pk)
    code = evidence.answer.criterion.code
    try:
        services.evidence_delete(access=access, evidence=evidence, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Removed %(name)s.") % {"name": evidence.original_name})
    return redirect(_criterion_url(access.assessment, code))


def _criterion_url(assessment: Assessment, code: str) -> str:
    domain = selectors.criterion_domain_code(assessment=assessment, criterion_code=code)
    if domain is None:
        raise Http404
    return f"{reverse('assessments:questionnaire', args=[assessment.pk, domain])}#criterion-{code}"


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
def review_queue_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "assessments/review_queue.html",
        {"rows": selectors.review_queue_page(user=request.user, page=request.GET.get("page"))},
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_view(request: AuthenticatedHttpRequest, pk: int, domain: str) -> HttpResponse:
    """The consultant's page per domain: self answers beside verified ratings and review comments."""
    access = assessment_get_for_user(user=request.user, pk=pk)
    if not access.can_review:
        raise Http404
    if access.assessment.state == AssessmentState.SUBMITTED:
        # Opening a submitted assessment for review moves it to "in review".
        services.assessment_start_review(access=access, user=request.user)
        access = assessment_get_for_user(user=request.user, pk=pk)
    show = request.GET.get("show", "all")
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        errors = services.review_save(access=access, data=request.POST, user=request.user)
        if not errors:
            messages.success(request, _("Review saved."))
            return _redirect_after_page_save(request, access, "assessments:review", domain, show)
        messages.error(request, _("Some review entries were not saved; see the messages beside them."))
    page = selectors.questionnaire_page(
        assessment=access.assessment, domain_code=domain, show=show, errors=errors
    )
    return render(
        request,
        "assessments/review.html",
        {
            "access": access,
            "page": page,
            "ratings": RATING_CHOICES,
            "reviewable": access.assessment.state == "in_review",
        },
        status=400 if errors else 200,
    )


@login_required
@require_POST
def decide_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = assessment_get_for_user(user=request.user, pk=pk)
    if not access.can_review:
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


@login_required
def history_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = assessment_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "assessments/assessment_history.html",
        {"access": access, "entries": selectors.assessment_history(assessment=access.assessment)},
    )

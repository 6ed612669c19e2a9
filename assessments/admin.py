"""Admin for organisations, memberships, consultant assignments and assessments."""

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .data_protection import organisation_delete, organisation_export
from .models import (
    MEMBER_AND_CONSULTANT,
    Answer,
    Assessment,
    AssessmentState,
    ConsultantAssignment,
    Evidence,
    Membership,
    Organisation,
)

EXPORT_ONE_AT_A_TIME = _("Export one organisation at a time.")
ERASED = _("Erased %(name)s: %(assessments)s assessments, %(files)s evidence files, %(accounts)s accounts.")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)


def _members_posted(data: Any) -> set[str]:
    """The users the organisation's membership rows name in the same admin save (not marked for deletion)."""
    prefix = Membership._meta.get_field("organisation").remote_field.related_name  # the inline's prefix
    try:
        total = min(int(data.get(f"{prefix}-TOTAL_FORMS") or 0), 1_000)
    except (TypeError, ValueError):
        return set()
    return {
        str(data.get(f"{prefix}-{n}-user"))
        for n in range(total)
        if data.get(f"{prefix}-{n}-user") and not data.get(f"{prefix}-{n}-DELETE")
    }


class ConsultantAssignmentFormSet(BaseInlineFormSet):
    """Refuses a consultant who is made a member in the same save: each model's ``clean`` sees only the rows
    already saved, so a membership and an assignment of one person added together would pass both."""

    def clean(self) -> None:
        super().clean()
        members = _members_posted(self.data)
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            consultant = data.get("consultant")
            if consultant is not None and not data.get("DELETE") and str(consultant.pk) in members:
                raise ValidationError(MEMBER_AND_CONSULTANT, code="member_and_consultant")


class ConsultantAssignmentInline(admin.TabularInline):
    model = ConsultantAssignment
    formset = ConsultantAssignmentFormSet
    extra = 0
    autocomplete_fields = ("consultant",)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "industry", "size", "created_at")
    list_filter = ("industry", "size")
    search_fields = ("name",)
    inlines = (MembershipInline, ConsultantAssignmentInline)
    actions = ("export_all_data", "erase_with_all_data")

    def has_delete_permission(self, request: HttpRequest, obj: Organisation | None = None) -> bool:
        # Django's delete would cascade into approved assessments and leave evidence files and history
        # behind; erasure goes through the action below, which removes everything and says so first.
        return False

    def has_erase_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    @admin.action(description=_("Export all data (JSON and evidence files, one zip)"), permissions=["view"])
    def export_all_data(self, request: HttpRequest, queryset: QuerySet[Organisation]) -> HttpResponse | None:
        if queryset.count() != 1:
            self.message_user(request, EXPORT_ONE_AT_A_TIME, messages.ERROR)
            return None
        organisation = queryset.get()
        response = HttpResponse(
            organisation_export(organisation=organisation), content_type="application/zip"
        )
        filename = f"organisation-{organisation.pk}-{slugify(organisation.name) or 'export'}.zip"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    @admin.action(description=_("Delete with all data and files (erasure)"), permissions=["erase"])
    def erase_with_all_data(
        self, request: HttpRequest, queryset: QuerySet[Organisation]
    ) -> TemplateResponse | None:
        if request.POST.get("confirm") != "yes":
            rows = [
                {
                    "organisation": organisation,
                    "assessments": organisation.assessments.count(),
                    "approved": organisation.assessments.filter(state=AssessmentState.APPROVED).count(),
                    "evidence": Evidence.objects.filter(
                        answer__assessment__organisation=organisation
                    ).count(),
                    "members": organisation.memberships.count(),
                }
                for organisation in queryset
            ]
            return TemplateResponse(
                request,
                "admin/assessments/organisation/erase_confirmation.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Delete with all data and files"),
                    "opts": self.model._meta,
                    "rows": rows,
                    "action": "erase_with_all_data",
                    "action_checkbox_name": ACTION_CHECKBOX_NAME,
                },
            )
        for organisation in queryset:
            name = organisation.name
            summary = organisation_delete(organisation=organisation)
            self.message_user(
                request,
                ERASED
                % {
                    "name": name,
                    "assessments": summary.assessments,
                    "files": summary.evidence_files,
                    "accounts": summary.accounts,
                },
                messages.SUCCESS,
            )
        return None


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    fields = ("criterion", "rating", "verified_rating", "comment", "flagged")
    readonly_fields = fields
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Assessment | None = None) -> bool:
        return False


@admin.register(Assessment)
class AssessmentAdmin(SimpleHistoryAdmin):
    """Approved assessments are final: read-only here as everywhere else.

    The admin corrects a title or scope and nothing more. The state moves only through the workflow's
    services (submit, review, return, approve: each checks who may and records the decision), and the
    organisation, model version, target and the review's facts are never edited here: moving an
    assessment to another organisation would show its evidence there while its files stay in the old
    organisation's folder; a draft set to *approved* would have no reviewer and no decision. Assessments
    are started by their organisation's managers (``services.assessment_start`` creates the answers), not
    added here.
    """

    EDITABLE_FIELDS = ("title", "scope")
    readonly_fields = (
        "organisation",
        "capability_model",
        "target_level",
        "state",
        "baseline",
        "created_by",
        "created_at",
        "submitted_at",
        "decided_at",
        "reviewer",
        "return_reason",
        "approval_note",
    )
    fields = (*EDITABLE_FIELDS, *readonly_fields)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Assessment | None = None) -> bool:
        return (obj is None or obj.state != AssessmentState.APPROVED) and super().has_change_permission(
            request, obj
        )

    def has_delete_permission(self, request: HttpRequest, obj: Assessment | None = None) -> bool:
        return (obj is None or obj.state != AssessmentState.APPROVED) and super().has_delete_permission(
            request, obj
        )

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        # The history is for reading. simple-history hides its revert button when reverting is disabled
        # but would still save a posted form, so refuse the write here.
        if request.method == "POST":
            raise PermissionDenied
        response: HttpResponse = super().history_form_view(request, object_id, version_id, extra_context)
        return response

    list_display = ("title", "organisation", "capability_model", "target_level", "state", "created_at")
    list_filter = ("state", "capability_model", "organisation")
    search_fields = ("title", "organisation__name")
    list_select_related = ("organisation", "capability_model")
    date_hierarchy = "created_at"
    inlines = (AnswerInline,)

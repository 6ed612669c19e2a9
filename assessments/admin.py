"""Admin for organisations, memberships, consultant assignments and assessments."""

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin

from .models import Answer, Assessment, AssessmentState, ConsultantAssignment, Membership, Organisation


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)


class ConsultantAssignmentInline(admin.TabularInline):
    model = ConsultantAssignment
    extra = 0
    autocomplete_fields = ("consultant",)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "industry", "size", "created_at")
    list_filter = ("industry", "size")
    search_fields = ("name",)
    inlines = (MembershipInline, ConsultantAssignmentInline)


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
    """Approved assessments are final: read-only here as everywhere else."""

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

"""Administrators may set any organisation's peer profile (and opt it in or out) in the admin."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.utils import timezone

from .models import PeerProfile, Snapshot


@admin.register(PeerProfile)
class PeerProfileAdmin(admin.ModelAdmin):
    list_display = ("organisation", "industry", "size", "opted_in", "opted_in_at", "is_demo")
    list_filter = ("opted_in", "industry", "size", "is_demo")
    readonly_fields = ("opted_in_at", "opted_in_by")
    raw_id_fields = ("organisation",)

    def save_model(self, request: Any, obj: PeerProfile, form: Any, change: bool) -> None:
        if obj.opted_in and obj.opted_in_at is None:
            obj.opted_in_at, obj.opted_in_by = timezone.now(), request.user
        elif not obj.opted_in:
            obj.opted_in_at, obj.opted_in_by = None, None
        super().save_model(request, obj, form, change)


@admin.register(Snapshot)
class SnapshotAdmin(admin.ModelAdmin):
    list_display = ("model_code", "computed_at", "organisations")
    readonly_fields = ("model_code", "computed_at", "organisations")

    def has_add_permission(self, request: Any) -> bool:
        return False

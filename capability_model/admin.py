"""Django admin for capability models: model → domains → items → criteria.

A version that assessments use is shown read-only everywhere (and refused by the model layer in any case);
the "clone" action makes an editable draft of it.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from import_export.forms import SelectableFieldsExportForm

from . import services
from .models import (
    CapabilityItem,
    CapabilityModel,
    Criterion,
    Domain,
    Kpi,
    KpiThreshold,
    LevelDefinition,
    ModelPart,
)
from .resources import CriterionResource


def _locked(obj: CapabilityModel | ModelPart | None) -> bool:
    if obj is None:
        return False
    model = obj if isinstance(obj, CapabilityModel) else obj.capability_model
    return model.is_locked


class LockAwareInline(admin.TabularInline):
    """An inline whose rows are read-only when the parent's model version is locked."""

    extra = 0
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _locked(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _locked(obj) and super().has_delete_permission(request, obj)


class LockAwareAdmin(admin.ModelAdmin):
    """Names the model version on every part's page and says why a locked one cannot be changed."""

    readonly_fields: ClassVar[list[str] | tuple[str, ...]] = ("model_version",)

    class Media:
        css: ClassVar = {"all": ("css/admin.css",)}

    @admin.display(description=_("model version"))
    def model_version(self, obj: Any) -> str:
        if obj is None or obj.pk is None:
            return "—"
        model = obj if isinstance(obj, CapabilityModel) else obj.capability_model
        if model.is_locked:
            return _(
                "%(model)s — read-only: assessments use this version, so its criteria are fixed. "
                "Clone the version (Capability models → action “clone”) to edit a new draft."
            ) % {"model": model}
        return str(model)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _locked(obj) and super().has_delete_permission(request, obj)


class LevelDefinitionInline(LockAwareInline):
    model = LevelDefinition
    fields = ("level", "name_zh", "name_en", "description_zh", "description_en")
    show_change_link = False


class DomainInline(LockAwareInline):
    model = Domain
    fields = ("order", "code", "clause", "name_zh", "name_en")


@admin.register(CapabilityModel)
class CapabilityModelAdmin(LockAwareAdmin):
    list_display = ("code", "version", "name_zh", "state", "published_at", "criteria_count", "in_use")
    list_filter = ("state", "code")
    search_fields = ("code", "name_zh", "name_en")
    ordering = ("code", "-version")
    readonly_fields = ("state", "published_at", "created_at")
    inlines = (LevelDefinitionInline, DomainInline)
    actions = ("clone_versions", "publish_versions", "retire_versions")

    def get_queryset(self, request: HttpRequest) -> QuerySet[CapabilityModel]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                criteria_total=Count("criteria", distinct=True),
                assessments_total=Count("assessments", distinct=True),
            )
        )

    @admin.display(description=_("criteria"), ordering="criteria_total")
    def criteria_count(self, obj: Any) -> int:
        return int(obj.criteria_total)

    @admin.display(description=_("in use (locked)"), boolean=True)
    def in_use(self, obj: Any) -> bool:
        return bool(obj.assessments_total)

    @admin.action(description=_("Clone into a new draft version"))
    def clone_versions(self, request: HttpRequest, queryset: QuerySet[CapabilityModel]) -> None:
        for model in queryset:
            clone = services.capability_model_clone(source=model)
            self.message_user(
                request, _("Created %(clone)s from %(source)s.") % {"clone": clone, "source": model}
            )

    @admin.action(description=_("Publish (retires the published version of the same code)"))
    def publish_versions(self, request: HttpRequest, queryset: QuerySet[CapabilityModel]) -> None:
        self._apply(request, queryset, services.capability_model_publish, _("Published %s."))

    @admin.action(description=_("Retire"))
    def retire_versions(self, request: HttpRequest, queryset: QuerySet[CapabilityModel]) -> None:
        self._apply(request, queryset, services.capability_model_retire, _("Retired %s."))

    def _apply(
        self, request: HttpRequest, queryset: QuerySet[CapabilityModel], action: Any, done: Any
    ) -> None:
        for model in queryset:
            try:
                action(model=model)
            except ValidationError as exc:
                self.message_user(request, f"{model}: {' '.join(exc.messages)}", level=messages.ERROR)
            else:
                self.message_user(request, done % model)


class DomainCodeFilter(admin.AllValuesFieldListFilter):
    """Filter criteria by their domain's code (SP, CB, OP, MI)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.title = str(_("domain"))


class CapabilityItemInline(LockAwareInline):
    model = CapabilityItem
    fields = ("order", "code", "clause", "name_zh", "name_en")


@admin.register(Domain)
class DomainAdmin(LockAwareAdmin):
    list_display = ("code", "clause", "name_zh", "name_en", "capability_model", "order")
    list_filter = ("capability_model",)
    search_fields = ("code", "name_zh", "name_en")
    ordering = ("capability_model", "order")
    list_select_related = ("capability_model",)
    inlines = (CapabilityItemInline,)


class CriterionInline(LockAwareInline):
    model = Criterion
    fields = ("code", "level", "order", "statement_zh", "statement_en")
    ordering = ("level", "order")


@admin.register(CapabilityItem)
class CapabilityItemAdmin(LockAwareAdmin):
    list_display = ("code", "clause", "name_zh", "name_en", "domain", "capability_model")
    list_filter = ("capability_model", "domain__code")
    search_fields = ("code", "name_zh", "name_en")
    ordering = ("capability_model", "domain__order", "order")
    list_select_related = ("capability_model", "domain")
    exclude = ("capability_model",)
    inlines = (CriterionInline,)


class CriterionExportForm(SelectableFieldsExportForm):
    """The export form whose "Select all" works under the Content Security Policy: the library's template
    wires it with an inline handler, which the policy blocks; this script adds the same listener."""

    class Media:
        js = ("js/admin-export.js",)


class KpiThresholdInline(LockAwareInline):
    """The thresholds a criterion asks of KPIs of its own version (the model refuses another version's)."""

    model = KpiThreshold
    fk_name = "criterion"
    fields = ("kpi", "threshold")
    autocomplete_fields = ("kpi",)
    show_change_link = False


class KpiThresholdByKpiInline(KpiThresholdInline):
    fk_name = "kpi"
    fields = ("criterion", "threshold")
    autocomplete_fields = ("criterion",)


@admin.register(Kpi)
class KpiAdmin(LockAwareAdmin):
    list_display = ("code", "name_zh", "name_en", "unit", "direction", "cadence", "capability_model")
    list_filter = ("capability_model", "unit", "direction", "cadence")
    search_fields = ("code", "name_zh", "name_en")
    ordering = ("capability_model", "order", "code")
    list_select_related = ("capability_model",)
    inlines = (KpiThresholdByKpiInline,)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # The version is chosen when the KPI is created; moving it would strand its thresholds.
        return ("model_version", "capability_model") if obj is not None else ("model_version",)


SUCCEEDS_EARLIER_ONLY = _("A criterion succeeds criteria of an earlier version of the same model: %(codes)s.")


class CriterionForm(forms.ModelForm):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        item = data.get("item")
        wrong = [
            str(c)
            for c in data.get("succeeds") or []
            if item is not None
            and (
                c.capability_model.code != item.capability_model.code
                or c.capability_model.version >= item.capability_model.version
            )
        ]
        if wrong:
            self.add_error("succeeds", SUCCEEDS_EARLIER_ONLY % {"codes": ", ".join(wrong)})
        return data


@admin.register(Criterion)
class CriterionAdmin(LockAwareAdmin, ImportExportModelAdmin):
    form = CriterionForm
    resource_classes = (CriterionResource,)
    list_display = (
        "code",
        "level",
        "item_code",
        "statement_short_zh",
        "statement_short_en",
        "capability_model",
    )
    list_filter = ("capability_model", ("item__domain__code", DomainCodeFilter), "level")
    search_fields = ("code", "statement_zh", "statement_en", "guidance_zh", "guidance_en")
    ordering = ("capability_model", "item__domain__order", "item__order", "level", "order")
    list_select_related = ("capability_model", "item", "item__domain")
    list_per_page = 50
    exclude = ("capability_model",)
    autocomplete_fields = ("item", "succeeds")
    export_form_class = CriterionExportForm
    inlines = (KpiThresholdInline,)

    @admin.display(description=_("item"), ordering="item__order")
    def item_code(self, obj: Criterion) -> str:
        return obj.item.code

    @admin.display(description=_("statement (Chinese)"))
    def statement_short_zh(self, obj: Criterion) -> str:
        return Truncator(obj.statement_zh).chars(60)

    @admin.display(description=_("statement (English)"))
    def statement_short_en(self, obj: Criterion) -> str:
        return Truncator(obj.statement_en).chars(90)

    def get_import_data_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        # One invalid row rolls the whole import back, as a dry run shows before it is confirmed.
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

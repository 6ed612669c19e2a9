"""Spreadsheet import and export of criteria (django-import-export), keyed by codes, never by ids.

Columns: model, version, item, code, level, order, and the six texts. A row updates the criterion with the
same model, version and code, or creates it. Rows are validated with ``full_clean`` and the import runs in
one transaction, so one bad row applies nothing (see ``CriterionAdmin``).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import QuerySet
from import_export import fields, resources, widgets

from .models import CapabilityItem, Criterion


class ItemByCodeWidget(widgets.ForeignKeyWidget):
    """Finds the item by its code inside the model version named on the same row."""

    def __init__(self) -> None:
        super().__init__(CapabilityItem, field="code")

    def get_queryset(self, value: Any, row: Any, *args: Any, **kwargs: Any) -> QuerySet[CapabilityItem]:
        return CapabilityItem.objects.filter(
            capability_model__code=row.get("model"), capability_model__version=_as_int(row.get("version"))
        )

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> CapabilityItem | None:
        try:
            item: CapabilityItem | None = super().clean(value, row=row, **kwargs)
        except CapabilityItem.DoesNotExist:
            # A ValueError becomes a validation error on this row, listed with the row's number.
            model, version = row.get("model"), row.get("version")
            raise ValueError(
                f"unknown capability item {value!r} in model {model!r} version {version!r}"
            ) from None
        return item


def _as_int(value: Any) -> int:
    """A version number from a spreadsheet cell; 0 (no such version) when it is not a number."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


class CriterionResource(resources.ModelResource):
    model_code = fields.Field(attribute="capability_model__code", column_name="model", readonly=True)
    model_version = fields.Field(attribute="capability_model__version", column_name="version", readonly=True)
    item = fields.Field(attribute="item", column_name="item", widget=ItemByCodeWidget())

    class Meta:
        model = Criterion
        fields: ClassVar = [
            "model_code", "model_version", "item", "code", "level", "order",
            "statement_zh", "statement_en", "guidance_zh", "guidance_en", "evidence_zh", "evidence_en",
        ]  # fmt: skip
        export_order = fields
        import_id_fields: ClassVar = ["code"]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = False
        use_transactions = True

    def get_instance(self, instance_loader: Any, row: Any) -> Criterion | None:
        return Criterion.objects.filter(
            capability_model__code=row.get("model"),
            capability_model__version=_as_int(row.get("version")),
            code=row.get("code"),
        ).first()

    def get_queryset(self) -> QuerySet[Criterion]:
        return Criterion.objects.select_related("capability_model", "item", "item__domain")

    def import_instance(self, instance: Criterion, row: Any, **kwargs: Any) -> None:
        super().import_instance(instance, row, **kwargs)
        # The version comes from the item; stored on the criterion too (see Criterion.save).
        if instance.item_id is not None:
            instance.capability_model_id = instance.item.capability_model_id

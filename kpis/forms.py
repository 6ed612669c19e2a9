from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import MultipleObjectsReturned, ValidationError
from django.utils.translation import gettext_lazy as _

from capability_model.models import Kpi


class KpiChoiceField(forms.ModelChoiceField):
    """A KPI by its code; two published models sharing a code is a choice error, not a server error."""

    def to_python(self, value: Any) -> Any:
        try:
            return super().to_python(value)
        except MultipleObjectsReturned:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from None


class KpiValueForm(forms.Form):
    """The shape of one value; the service checks the period against the KPI's cadence and the number."""

    kpi = KpiChoiceField(queryset=Kpi.objects.none(), label=_("KPI"), to_field_name="code")
    period = forms.CharField(
        label=_("Period"), max_length=10, help_text=_("YYYY-MM for monthly KPIs, YYYY-Qn for quarterly ones.")
    )
    value = forms.CharField(label=_("Value"), max_length=20)
    source = forms.CharField(label=_("Source"), max_length=200, help_text=_("e.g. ACD monthly report"))
    evidence = forms.FileField(label=_("Evidence (optional)"), required=False)

    def __init__(self, *args: Any, kpis: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["kpi"]
        field.queryset = kpis
        field.label_from_instance = lambda kpi: f"{kpi.code} · {kpi.name}"


class KpiImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"))

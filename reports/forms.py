"""Forms of the reports app: they check the shape of input; selectors and services do the rest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.models import Assessment, Organisation

SAME_ASSESSMENT = _("Choose two different assessments.")


class ComparisonForm(forms.Form):
    """Two assessments of one organisation; ids of any other organisation's assessments are not choices."""

    before = forms.ModelChoiceField(label=_("Earlier assessment"), queryset=Assessment.objects.none())
    after = forms.ModelChoiceField(label=_("Later assessment"), queryset=Assessment.objects.none())

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        choices = Assessment.objects.filter(organisation=organisation).select_related("capability_model")
        for name in ("before", "after"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - narrows the type for mypy
            field.queryset = choices.order_by("-created_at")
            field.label_from_instance = _assessment_label  # type: ignore[method-assign,assignment]

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        before, after = cleaned.get("before"), cleaned.get("after")
        if before is not None and before == after:
            raise forms.ValidationError(SAME_ASSESSMENT, code="same_assessment")
        return cleaned


def _assessment_label(assessment: Assessment) -> str:
    return f"{assessment.title} · {assessment.get_state_display()} · {assessment.created_at:%Y-%m-%d}"

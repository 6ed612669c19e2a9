"""Forms check the shape of input; the services enforce the rules (owner a member, criteria of the model)."""

from __future__ import annotations

from typing import Any, cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from assessments.models import Assessment, Organisation
from capability_model.models import LEVELS, Domain

from .models import ActionStatus, Priority
from .selectors import owner_choices

TEXT_LIMIT = 5000


def _no_nul(value: str) -> None:
    if "\x00" in value:
        raise forms.ValidationError(_("The text contains a NUL character."))


class ActionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, validators=[_no_nul])
    criteria = forms.CharField(
        label=_("Criteria"),
        max_length=2000,
        help_text=_(
            "Codes of the criteria it addresses, separated by spaces or commas (one capability item)."
        ),
        validators=[_no_nul],
    )
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)
    owner_name = forms.CharField(
        label=_("Or a person outside the portal"), max_length=200, required=False, validators=[_no_nul]
    )
    due_date = forms.DateField(
        label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices, initial=ActionStatus.OPEN)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.MEDIUM)
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[_no_nul],
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["owner"]).queryset = owner_choices(organisation=organisation)
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Save")))


class ActionStatusForm(forms.Form):
    """What a contributor may change on an action they own: its status."""

    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Update the status")))


class ActionFilterForm(forms.Form):
    """The list's filters, from the query string; every field optional."""

    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All")), *ActionStatus.choices], required=False
    )
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)
    phase = forms.TypedChoiceField(
        label=_("Phase (level)"),
        choices=[("", _("All")), *((level, level) for level in LEVELS)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    domain = forms.ChoiceField(label=_("Domain"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args: Any, assessment: Assessment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owners = owner_choices(organisation=assessment.organisation)
        cast(forms.ModelChoiceField, self.fields["owner"]).queryset = owners
        domains = Domain.objects.filter(capability_model=assessment.capability_model_id).order_by("order")
        cast(forms.ChoiceField, self.fields["domain"]).choices = [
            ("", _("All")),
            *((d.code, f"{d.code} {d.name}") for d in domains),
        ]


class ReassessmentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, validators=[_no_nul])
    target_level = forms.TypedChoiceField(
        label=_("Target level"), choices=[(level, level) for level in LEVELS], coerce=int
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("start", _("Start the re-assessment")))

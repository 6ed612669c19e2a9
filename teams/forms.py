"""Forms check the shape of team-work input; ``teams.services`` enforces the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from assessments.forms import TEXT_LIMIT
from assessments.models import RATING_CHOICES

NUL = _("The text contains a NUL character.")


class _NoNul(forms.Form):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, value in data.items():
            if isinstance(value, str) and "\x00" in value:
                self.add_error(name, NUL)
        return data


class AssignmentForm(_NoNul):
    part = forms.ChoiceField(label=_("Domain or capability item"))
    assignee = forms.ModelChoiceField(label=_("Assigned to"), queryset=User.objects.none())
    due_date = forms.DateField(
        label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, parts: list[tuple[str, str]], members: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["part"].choices = parts  # type: ignore[attr-defined]
        self.fields["assignee"].queryset = User.objects.filter(pk__in=[m.pk for m in members]).order_by(  # type: ignore[attr-defined]
            "username"
        )


class PanelForm(_NoNul):
    part = forms.ChoiceField(label=_("Domain or capability item"))
    respondents = forms.ModelMultipleChoiceField(
        label=_("Respondents"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    blind = forms.BooleanField(
        label=_("Blind: respondents see the others' ratings only after giving their own"), required=False
    )

    def __init__(self, *args: Any, parts: list[tuple[str, str]], members: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["part"].choices = parts  # type: ignore[attr-defined]
        self.fields["respondents"].queryset = User.objects.filter(pk__in=[m.pk for m in members]).order_by(  # type: ignore[attr-defined]
            "username"
        )


class ResponseForm(_NoNul):
    """One respondent's own answer to one criterion."""

    criterion = forms.CharField(max_length=40)
    rating = forms.ChoiceField(label=_("My rating"), choices=[("", "—"), *RATING_CHOICES], required=False)
    comment = forms.CharField(label=_("My comment"), required=False, max_length=TEXT_LIMIT, strip=False)
    evidence = forms.CharField(label=_("Evidence"), required=False, max_length=TEXT_LIMIT, strip=False)
    revision = forms.IntegerField(min_value=0, max_value=2**31 - 1)

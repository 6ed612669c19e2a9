"""Forms check the shape of input; the services enforce the rules."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from capability_model.models import LEVELS
from capability_model.selectors import capability_model_list_published
from common.validators import validate_single_line

from .models import RATING_CHOICES, Role

TEXT_LIMIT = 5000


class AssessmentStartForm(forms.Form):
    capability_model = forms.ModelChoiceField(
        label=_("Model version"),
        queryset=capability_model_list_published(),
        empty_label=None,
    )
    title = forms.CharField(label=_("Title"), max_length=200, validators=[validate_single_line])
    target_level = forms.TypedChoiceField(
        label=_("Target level"),
        choices=[(level, level) for level in LEVELS],
        coerce=int,
        initial=3,
        help_text=_("Criteria above the target level are optional."),
    )
    scope = forms.CharField(
        label=_("Scope"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sites, channels and services the assessment covers."),
    )
    from_baseline = forms.BooleanField(
        label=_("Pre-fill from our last assessment of this model"),
        required=False,
        help_text=_(
            "Ratings, comments and justifications are copied and marked as carried over until confirmed."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Start assessment")))


class AnswerForm(forms.Form):
    """One criterion's answer, as the autosave request and the no-JavaScript page form post it."""

    rating = forms.ChoiceField(choices=[("", "—"), *RATING_CHOICES], required=False)
    comment = forms.CharField(required=False, max_length=TEXT_LIMIT, strip=False)
    justification = forms.CharField(required=False, max_length=TEXT_LIMIT, strip=False)
    flagged = forms.BooleanField(required=False)
    revision = forms.IntegerField(min_value=0, max_value=2**31 - 1)
    confirm = forms.BooleanField(required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("comment", "justification"):
            if "\x00" in data.get(name, ""):
                self.add_error(name, _("The text contains a NUL character."))
        return data


class EvidenceUploadForm(forms.Form):
    file = forms.FileField(label=_("Evidence file"), max_length=255, allow_empty_file=True)


class MemberInviteForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[(r.value, r.label) for r in (Role.CONTRIBUTOR, Role.VIEWER)],
        initial=Role.CONTRIBUTOR,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_class = "row g-2 align-items-end"
        self.helper.add_input(Submit("invite", _("Invite")))


class ReviewForm(forms.Form):
    """One criterion's review as the review page posts it."""

    verified_rating = forms.ChoiceField(choices=[("", "—"), *RATING_CHOICES], required=False)
    review_comment = forms.CharField(required=False, max_length=TEXT_LIMIT, strip=False)

    def clean_review_comment(self) -> str:
        value: str = self.cleaned_data["review_comment"]
        if "\x00" in value:
            raise forms.ValidationError(_("The text contains a NUL character."))
        return value


class ReviewAutosaveForm(ReviewForm):
    """One criterion's review as the review page's autosave posts it: the new values and those the page
    was loaded with (``loaded_*``), which the service compares with the stored ones."""

    loaded_verified_rating = forms.ChoiceField(choices=[("", "—"), *RATING_CHOICES], required=False)
    loaded_review_comment = forms.CharField(required=False, max_length=TEXT_LIMIT, strip=False)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("return", _("Return for rework")), ("approve", _("Approve"))])
    note = forms.CharField(required=False, max_length=TEXT_LIMIT)
    confirm = forms.BooleanField(required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "approve" and not data.get("confirm"):
            self.add_error("confirm", _("Confirm that the approval is final before approving."))
        return data

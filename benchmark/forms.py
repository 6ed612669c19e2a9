from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.models import Industry, OrganisationSize


class PeerProfileForm(forms.Form):
    industry = forms.ChoiceField(label=_("Industry"), choices=Industry.choices)
    size = forms.ChoiceField(label=_("Size band"), choices=OrganisationSize.choices)
    opted_in = forms.BooleanField(label=_("Take part in the peer benchmark"), required=False)
    accept_terms = forms.BooleanField(label=_("I have read the terms above and accept them"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("opted_in") and not data.get("accept_terms"):
            self.add_error("accept_terms", _("Accept the terms to take part."))
        return data

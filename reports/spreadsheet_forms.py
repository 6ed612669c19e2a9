"""Forms of the offline questionnaire: they check the shape of input; ``reports.imports`` does the rest.

Kept apart from ``reports.forms`` (the report pages' forms) as ``spreadsheet_views`` is from ``views``.
"""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth.models import User
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessments.access import AssessmentAccess

from .imports import ImportChange, import_changes_load
from .workbook_reader import MAX_UPLOAD_BYTES


class QuestionnaireUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Filled-in workbook (.xlsx)"),
        max_length=255,
        allow_empty_file=True,  # an empty file gets the import's own message
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext(
            "The file exported with “Export to Excel” from this assessment, at most %(limit)s MB."
        ) % {"limit": MAX_UPLOAD_BYTES // (1024 * 1024)}
        self.helper = FormHelper()
        self.helper.form_id = "import-upload"
        self.helper.add_input(Submit("preview", _("Upload and preview")))


class QuestionnaireApplyForm(forms.Form):
    """The signed list of changes a preview showed; valid only for the same assessment and user."""

    payload = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, access: AssessmentAccess, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.access, self.user = access, user
        self.helper = FormHelper()
        self.helper.form_id = "import-apply"
        apply = Submit("apply", _("Apply these changes"))
        apply.field_classes = "btn btn-success"
        self.helper.add_input(apply)

    def clean_payload(self) -> list[ImportChange]:
        return import_changes_load(access=self.access, user=self.user, token=self.cleaned_data["payload"])

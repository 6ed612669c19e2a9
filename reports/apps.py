from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from assessments.signals import organisation_erased

        organisation_erased.connect(_clear_organisation_reports, dispatch_uid="reports_organisation_erased")


def _clear_organisation_reports(sender: Any, organisation_id: int, **kwargs: Any) -> None:
    """Cached report PDFs show the organisation's data: they go with it."""
    from .services import report_cache_clear_organisation

    report_cache_clear_organisation(organisation_id=organisation_id)

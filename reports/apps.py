from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from assessments.signals import assessment_approved, organisation_erased

        organisation_erased.connect(_clear_organisation_reports, dispatch_uid="reports_organisation_erased")
        assessment_approved.connect(_prepare_reports, dispatch_uid="reports_assessment_approved")


def _clear_organisation_reports(sender: Any, organisation_id: int, **kwargs: Any) -> None:
    """Cached report PDFs show the organisation's data: they go with it."""
    from .services import report_cache_clear_organisation

    report_cache_clear_organisation(organisation_id=organisation_id)


def _prepare_reports(sender: Any, assessment_id: int, **kwargs: Any) -> None:
    """An approved assessment's PDFs are rendered in both languages by the queue, before anyone asks."""
    from django.conf import settings

    from .tasks import prepare_approved_reports

    if settings.REPORTS_PREPARE_ON_APPROVAL:
        prepare_approved_reports.enqueue(assessment_id)

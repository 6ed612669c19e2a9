from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KpisConfig(AppConfig):
    name = "kpis"
    verbose_name = _("KPI values")

    def ready(self) -> None:
        # The questionnaire and the review show a criterion's KPI reading without assessments importing
        # this app (DESIGN.md §4: dependencies point one way; a registry where another app must add).
        from assessments.extensions import register_row_panels
        from assessments.signals import organisation_erased

        from .selectors import criterion_panels

        register_row_panels(criterion_panels)
        organisation_erased.connect(_erase_kpi_values, dispatch_uid="kpis_organisation_erased")


def _erase_kpi_values(sender: Any, organisation_id: int, **kwargs: Any) -> None:
    """The values went with the organisation (cascade); their history rows and evidence files go too."""
    from django.core.files.storage import default_storage

    from .models import KpiValue

    KpiValue.history.filter(organisation_id=organisation_id).delete()
    folder = f"kpi-evidence/{organisation_id}"
    try:
        _folders, files = default_storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in files:
        default_storage.delete(f"{folder}/{name}")

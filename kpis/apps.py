from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KpisConfig(AppConfig):
    name = "kpis"
    verbose_name = _("KPI values")

    def ready(self) -> None:
        # The questionnaire and the review show a criterion's KPI reading without assessments importing
        # this app (DESIGN.md §4: dependencies point one way; a registry where another app must add).
        from assessments.data_protection import ArchivePart, archive_part_register
        from assessments.extensions import register_row_panels
        from assessments.signals import organisation_erased

        from .selectors import criterion_panels

        register_row_panels(criterion_panels)
        organisation_erased.connect(_erase_kpi_values, dispatch_uid="kpis_organisation_erased")
        # The organisation's export and restore carry its KPI values, their history and evidence files.
        archive_part_register(ArchivePart(organisation_rows=_archive_rows, file_prefixes=("kpi-evidence/",)))


def _archive_rows(organisation_id: int) -> dict[str, list[Any]]:
    from .models import KpiValue

    return {
        "kpi_values": list(KpiValue.objects.filter(organisation_id=organisation_id).order_by("pk")),
        "kpi_value_history": list(
            KpiValue.history.filter(organisation_id=organisation_id).order_by("history_id")
        ),
    }


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

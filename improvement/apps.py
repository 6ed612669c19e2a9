from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImprovementConfig(AppConfig):
    name = "improvement"
    verbose_name = _("Improvement")

    def ready(self) -> None:
        from assessments.signals import organisation_erased

        organisation_erased.connect(_erase_action_history, dispatch_uid="improvement_organisation_erased")


def _erase_action_history(sender: Any, organisation_id: int, **kwargs: Any) -> None:
    """The actions went with the organisation's assessments (cascade); their history rows hold the same
    personal data (titles, notes, owners), so they go too: every history row whose assessment is gone,
    and the closure evidence files, their history and the built certification packages."""
    from assessments.models import Assessment

    from .models import Action, ActionEvidence

    Action.history.exclude(assessment_id__in=Assessment.objects.values("pk")).delete()
    live = Action.objects.values("pk")
    ActionEvidence.history.exclude(action_id__in=live).delete()
    _delete_files(f"action-evidence/{organisation_id}")
    _delete_files(f"certification-packages/{organisation_id}")


def _delete_files(folder: str) -> None:
    """Closure evidence files live under the organisation's folder: they go with it."""
    from django.core.files.storage import default_storage

    try:
        folders, files = default_storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in files:
        default_storage.delete(f"{folder}/{name}")
    for name in folders:
        _delete_files(f"{folder}/{name}")

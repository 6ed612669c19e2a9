from datetime import datetime
from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImprovementConfig(AppConfig):
    name = "improvement"
    verbose_name = _("Improvement")

    def ready(self) -> None:
        from assessments.data_protection import ArchivePart, archive_part_register
        from assessments.signals import organisation_erased

        organisation_erased.connect(_erase_action_history, dispatch_uid="improvement_organisation_erased")
        archive_part_register(
            ArchivePart(rows=_archive_rows, file_prefixes=("action-evidence/",), after_restore=_restored)
        )


def _restored(rows: list[dict[str, Any]], started: datetime) -> None:
    """loaddata sets each restored action's criteria, which the history records as a change ("~") made
    now; the exported history already holds the real ones, so these are removed."""
    from django.apps import apps

    from .models import Action

    ids = [row["pk"] for row in rows if str(row.get("model", "")).lower() == "improvement.action"]
    made_now = Action.history.filter(id__in=ids, history_type="~", history_date__gte=started)
    criteria_history = apps.get_model("improvement", "HistoricalAction_criteria")
    criteria_history.objects.filter(history__in=made_now.values("history_id")).delete()
    made_now.delete()


def _archive_rows(assessment_ids: list[int]) -> dict[str, list[Any]]:
    """The action plans of an organisation's assessments for its export: actions (with their criteria),
    closure evidence (and its files) and the history of both. Built packages are derived, not exported."""
    from django.apps import apps

    from .models import Action, ActionEvidence

    action_history = list(Action.history.filter(assessment_id__in=assessment_ids).order_by("history_id"))
    action_ids = {row.id for row in action_history} | set(
        Action.objects.filter(assessment_id__in=assessment_ids).values_list("pk", flat=True)
    )
    criteria_history = apps.get_model("improvement", "HistoricalAction_criteria")
    return {
        "actions": list(Action.objects.filter(pk__in=action_ids).order_by("pk")),
        "action_evidence": list(ActionEvidence.objects.filter(action_id__in=action_ids).order_by("pk")),
        "action_history": action_history,
        "action_criteria_history": list(
            criteria_history.objects.filter(history__in=[r.history_id for r in action_history]).order_by("pk")
        ),
        "action_evidence_history": list(
            ActionEvidence.history.filter(action_id__in=action_ids).order_by("history_id")
        ),
    }


def _erase_action_history(sender: Any, organisation_id: int, **kwargs: Any) -> None:
    """The actions went with the organisation's assessments (cascade); their history rows hold the same
    personal data (titles, notes, owners), so they go too: every history row whose assessment is gone,
    and the closure evidence files, their history and the built certification packages."""
    from django.apps import apps

    from assessments.models import Assessment

    from .models import Action, ActionEvidence

    Action.history.exclude(assessment_id__in=Assessment.objects.values("pk")).delete()
    # The history of the actions' criteria points at those rows without a constraint: it goes with them.
    criteria_history = apps.get_model("improvement", "HistoricalAction_criteria")
    criteria_history.objects.exclude(history_id__in=Action.history.values("history_id")).delete()
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

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamsConfig(AppConfig):
    name = "teams"
    verbose_name = _("Team work")

    def ready(self) -> None:
        from assessments import extensions
        from assessments.data_protection import ArchivePart, archive_part_register
        from assessments.signals import organisation_erased

        from . import data_protection, history, selectors, services

        extensions.register_answer_guard("teams", services.answer_guard)
        extensions.register_criterion_filter(
            "disputed", lambda assessment: selectors.disputed_codes(assessment=assessment)
        )
        extensions.register_history_source("teams", history.history_entries)
        organisation_erased.connect(_erase_team_history, dispatch_uid="teams_organisation_erased")
        archive_part_register(
            ArchivePart(rows=data_protection.archive_rows, after_restore=data_protection.after_restore)
        )


def _erase_team_history(sender: Any, organisation_id: int, **kwargs: Any) -> None:
    """The team work went with the organisation's assessments (cascade); its history rows hold the same
    personal data (who answered what, comments, notes), so they go too."""
    from assessments.models import Assessment

    from .data_protection import panel_respondents_history
    from .models import Assignment, Panel, Response

    live = Assessment.objects.values("pk")
    for model in (Assignment, Panel, Response):
        model.history.exclude(assessment_id__in=live).delete()
    # A panel's respondents' history points at its history rows without a constraint (no cascade).
    panel_respondents_history().objects.exclude(history_id__in=Panel.history.values("history_id")).delete()

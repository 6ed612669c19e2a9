from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamsConfig(AppConfig):
    name = "teams"
    verbose_name = _("Team work")

    def ready(self) -> None:
        from assessments import extensions
        from assessments.signals import organisation_erased

        from . import selectors, services

        extensions.register_answer_guard("teams", services.answer_guard)
        extensions.register_criterion_filter(
            "disputed", lambda assessment: selectors.disputed_codes(assessment=assessment)
        )
        organisation_erased.connect(_erase_team_history, dispatch_uid="teams_organisation_erased")


def _erase_team_history(sender: Any, organisation_id: int, **kwargs: Any) -> None:
    """The team work went with the organisation's assessments (cascade); its history rows hold the same
    personal data (who answered what, comments, notes), so they go too."""
    from assessments.models import Assessment

    from .models import Assignment, Panel, Response

    live = Assessment.objects.values("pk")
    for model in (Assignment, Panel, Response):
        # A panel's respondents' history rows hang on its history rows and go with them (cascade).
        model.history.exclude(assessment_id__in=live).delete()

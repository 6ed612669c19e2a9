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
    personal data (titles, notes, owners), so they go too: every history row whose assessment is gone."""
    from assessments.models import Assessment

    from .models import Action

    Action.history.exclude(assessment_id__in=Assessment.objects.values("pk")).delete()

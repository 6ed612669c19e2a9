from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KpisConfig(AppConfig):
    name = "kpis"
    verbose_name = _("KPI values")

    def ready(self) -> None:
        # The questionnaire and the review show a criterion's KPI reading without assessments importing
        # this app (DESIGN.md §4: dependencies point one way; a registry where another app must add).
        from assessments.extensions import register_row_panels

        from .selectors import criterion_panels

        register_row_panels(criterion_panels)

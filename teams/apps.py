from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamsConfig(AppConfig):
    name = "teams"
    verbose_name = _("Team work")

    def ready(self) -> None:
        from assessments import extensions

        from . import selectors, services

        extensions.register_answer_guard("teams", services.answer_guard)
        extensions.register_criterion_filter(
            "disputed", lambda assessment: selectors.disputed_codes(assessment=assessment)
        )

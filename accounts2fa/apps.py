from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Accounts2faConfig(AppConfig):
    name = "accounts2fa"
    verbose_name = _("Two-factor sign-in")

    def ready(self) -> None:
        from . import signals  # noqa: F401 - marks sessions at sign-in

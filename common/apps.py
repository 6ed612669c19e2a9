from django.apps import AppConfig


class CommonConfig(AppConfig):
    """Helpers every app of the portal uses: bilingual fields, typing, security hooks, middleware."""

    name = "common"
    verbose_name = "Common"

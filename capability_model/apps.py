from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CapabilityModelConfig(AppConfig):
    name = "capability_model"
    verbose_name = _("Capability model")

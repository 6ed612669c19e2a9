"""Settings package: ``base`` (development defaults), ``test`` and ``production``.

``DJANGO_ENV`` picks the module when ``DJANGO_SETTINGS_MODULE`` is not set, so that one variable switches a
deployment to production settings (which refuse to start without a real secret key).
"""

import os

_MODULES = {
    "development": "maturity_portal.settings.base",
    "test": "maturity_portal.settings.test",
    "production": "maturity_portal.settings.production",
}


def default_settings_module() -> str:
    env = os.environ.get("DJANGO_ENV", "development")
    try:
        return _MODULES[env]
    except KeyError:
        raise SystemExit(f"DJANGO_ENV must be one of {', '.join(_MODULES)}, not {env!r}") from None

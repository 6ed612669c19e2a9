"""Settings for ``make bench``: production-like serving (DEBUG off) on a database of its own.

The bench database is never the development one: ``var/bench.sqlite3`` by default, or, when
``DATABASE_URL`` names PostgreSQL, a database beside it called ``<name>_bench`` (created and filled by
``bench/populate.py``). ``ROOT_URLCONF`` adds the bare reference views to the product's URLs, so the
product's URL configuration carries no benchmark code.
"""

from __future__ import annotations

from typing import Any

from maturity_portal.settings.base import *  # noqa: F403
from maturity_portal.settings.base import BASE_DIR, SQLITE_OPTIONS, TEMPLATES, VAR_DIR, env

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]  # testserver: bench_queries
ROOT_URLCONF = "bench.urls"
TEMPLATES[0]["DIRS"] = [BASE_DIR / "templates", BASE_DIR / "bench" / "templates"]


def bench_database(url: str | None) -> dict[str, Any]:
    """The bench twin of the database ``url`` names: PostgreSQL ``<name>_bench``, else an SQLite file."""
    if url and url.startswith(("postgres://", "postgresql://", "pgsql://")):
        config: dict[str, Any] = environ_db(url)
        if not config["NAME"].endswith("_bench"):
            config["NAME"] = f"{config['NAME']}_bench"
        return config
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(VAR_DIR / "bench.sqlite3"),
        "OPTIONS": dict(SQLITE_OPTIONS),  # as the portal runs it: WAL, writers queue for the lock
    }


def environ_db(url: str) -> dict[str, Any]:
    return dict(env.db_url_config(url))


DATABASES = {"default": bench_database(env.str("DATABASE_URL", default=""))}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections, as a site behind gunicorn would run; the bare views pay the same.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)

# Sessions are written straight into the database by the bench; the hash speed does not matter.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = VAR_DIR / "bench-media"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
# Notifications of the generated and demo data are not read: keep them off the bench's output.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

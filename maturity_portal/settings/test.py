"""Test settings: fast hashing, in-memory email; the database comes from DATABASE_URL (PostgreSQL in CI)."""

import os
from pathlib import Path

from .base import *  # noqa: F403
from .base import DATABASES, STATIC_ROOT, VAR_DIR

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run inside enqueue(); tests that need a real worker switch to the database backend.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TEST_TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"),
        "QUEUES": ["default", "reports", "emails"],
    }
}
# A real worker started by a test (tests/reports/test_worker.py) is told the test's folder and backend.
MEDIA_ROOT = Path(os.environ.get("TEST_MEDIA_ROOT", str(VAR_DIR / "test-media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# WhiteNoise warns at start-up when the collected-static folder is missing; tests serve through finders.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# The immediate backend would render two PDFs in every approval a test makes; the tests of that ask for it.
REPORTS_PREPARE_ON_APPROVAL = False

# Threads in concurrency tests need one shared database: a file, not SQLite's private in-memory one.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls beside it are safe
# here because each test owns its data (see tests/e2e/conftest.py).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Tests sign certification packages with their own key (created on first use), never the development one.
PACKAGE_SIGNING_KEY = ""
PACKAGE_SIGNING_KEY_FILE = VAR_DIR / "test-package-signing-key.pem"

"""What the demo set-up commands share: development only, and no side effects left for `make run`."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.management.base import CommandError
from django.test.utils import override_settings

IMMEDIATE = "django_tasks.backends.immediate.ImmediateBackend"


def refuse_in_production(command: str) -> None:
    if (settings.SETTINGS_MODULE or "").endswith(".production"):
        raise CommandError(f"{command} is for development only: its accounts share a published password")


@contextmanager
def demo_quietly() -> Iterator[None]:
    """The demo submits, approves, assigns and invites: its notification emails must not wait in the queue
    for `make run`'s worker to print them in full, nor its approvals queue two PDF renders each. Its tasks
    run at once (mails into the dummy backend, without a log line per task); its PDFs render on demand."""
    task_log = logging.getLogger("django_tasks")
    level = task_log.level
    task_log.setLevel(logging.WARNING)
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
            TASKS={**settings.TASKS, "default": {**settings.TASKS["default"], "BACKEND": IMMEDIATE}},
            REPORTS_PREPARE_ON_APPROVAL=False,
        ):
            yield
    finally:
        task_log.setLevel(level)

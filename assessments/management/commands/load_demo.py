"""``python manage.py load_demo``: demo organisations, accounts (password ``portal-demo``) and assessments."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from assessments.demo import DEMO_PASSWORD, load_demo
from benchmark.demo import load_peer_demo

IMMEDIATE = "django_tasks.backends.immediate.ImmediateBackend"


class Command(BaseCommand):
    help = "Create the demo organisations, accounts and assessments (idempotent; not in production)."

    def handle(self, *args: Any, **options: Any) -> None:
        if (settings.SETTINGS_MODULE or "").endswith(".production"):
            raise CommandError("load_demo is for development only: its accounts share a published password")
        # The demo submits and approves (its own assessments and 18 peers'): its notification emails must
        # not wait in the queue for `make run`'s worker to print them in full, nor its approvals queue two
        # PDF renders each. Its mails run at once into the dummy backend; its report PDFs render on demand.
        quiet = override_settings(
            EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
            TASKS={**settings.TASKS, "default": {**settings.TASKS["default"], "BACKEND": IMMEDIATE}},
            REPORTS_PREPARE_ON_APPROVAL=False,
        )
        with quiet:
            lines = load_demo()
            peers = len(load_peer_demo())  # demo peer organisations for the benchmark, and a snapshot
        accounts = sum(line.startswith("account ") for line in lines)
        assessments = len(lines) - accounts
        self.stdout.write(
            f"demo: {accounts} accounts ({DEMO_PASSWORD}), {assessments} assessments, "
            f"{peers} benchmark peers added"
        )

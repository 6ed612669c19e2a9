"""``python manage.py load_demo``: demo organisations, accounts (password ``portal-demo``) and assessments."""

from typing import Any

from django.core.management.base import BaseCommand

from assessments.demo import DEMO_PASSWORD, load_demo
from benchmark.demo import load_peer_demo
from common.demo import demo_quietly, refuse_in_production


class Command(BaseCommand):
    help = "Create the demo organisations, accounts and assessments (idempotent; not in production)."

    def handle(self, *args: Any, **options: Any) -> None:
        refuse_in_production("load_demo")
        with demo_quietly():  # its emails and PDFs are not left for `make run`'s worker
            lines = load_demo()
            peers = len(load_peer_demo())  # demo peer organisations for the benchmark, and a snapshot
        accounts = sum(line.startswith("account ") for line in lines)
        assessments = len(lines) - accounts
        self.stdout.write(
            f"demo: {accounts} accounts ({DEMO_PASSWORD}), {assessments} assessments, "
            f"{peers} benchmark peers added"
        )

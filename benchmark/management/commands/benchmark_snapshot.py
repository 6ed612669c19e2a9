"""``python manage.py benchmark_snapshot``: computes and publishes the peer benchmark (run daily)."""

from typing import Any

from django.core.management.base import BaseCommand

from benchmark.services import snapshot_compute


class Command(BaseCommand):
    help = "Compute today's peer benchmark snapshot of every model code (run once a day)."

    def handle(self, *args: Any, **options: Any) -> None:
        for snapshot in snapshot_compute():
            self.stdout.write(
                f"benchmark: {snapshot.model_code}, {snapshot.organisations} organisations counted"
            )

"""``python manage.py benchmark_snapshot``: queues the peer benchmark's daily snapshot (cron or a timer).

A thin wrapper around the task ``benchmark.tasks.take_benchmark_snapshot``, which a worker runs;
``--now`` computes it in this process instead (a machine without a worker, or by hand).
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from benchmark.services import snapshot_compute
from benchmark.tasks import take_benchmark_snapshot


class Command(BaseCommand):
    help = "Queue today's peer benchmark snapshot of every model code for a worker (run once a day)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", action="store_true", help="compute it here instead of on a worker")

    def handle(self, *args: Any, now: bool, **options: Any) -> None:
        if now:
            for snapshot in snapshot_compute():
                self.stdout.write(
                    f"benchmark: {snapshot.model_code}, {snapshot.organisations} organisations counted"
                )
            return
        result = take_benchmark_snapshot.enqueue()
        self.stdout.write(f"benchmark: snapshot queued (task {result.id}, {result.status})")

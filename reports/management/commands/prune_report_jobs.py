"""Deletes old report jobs and cached PDFs nobody asked for lately (daily from cron or a systemd timer)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from reports.maintenance import report_jobs_prune


class Command(BaseCommand):
    help = "Delete report jobs finished more than --days ago and cached PDFs no job points to."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=30, help="keep what is newer (default 30)")

    def handle(self, *args: Any, days: int, **options: Any) -> None:
        pruned = report_jobs_prune(older_than=timedelta(days=max(days, 0)))
        self.stdout.write(f"pruned {pruned.jobs} report jobs and {pruned.files} PDF files")

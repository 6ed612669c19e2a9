"""Daily reminders (cron or a systemd timer; safe to run by hand, again and again: each is sent once)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from reminders.services import reminders_send


class Command(BaseCommand):
    help = (
        "Remind managers of drafts untouched for 14 days and consultants of submissions waiting more than "
        "5 days (and, once action plans exist, owners of overdue actions). Each occasion is reminded once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="list what would be sent, send nothing")

    def handle(self, *args: Any, dry_run: bool, **options: Any) -> None:
        outcome = reminders_send(dry_run=dry_run)
        for reminder in outcome.sent:
            self.stdout.write(f"{reminder.kind} {reminder.subject_key} → {', '.join(reminder.recipients)}")
        verb = "would send" if dry_run else "sent"
        self.stdout.write(f"{verb} {len(outcome.sent)} reminders; {outcome.already} already sent before")

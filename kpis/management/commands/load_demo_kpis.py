"""``python manage.py load_demo_kpis``: the demo organisation's KPI values and a draft on version 2."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kpis.demo import load_kpi_demo


class Command(BaseCommand):
    help = "Give the demo organisation months of KPI values (some stale) and a draft on the newest version."

    def handle(self, *args: Any, **options: Any) -> None:
        if (settings.SETTINGS_MODULE or "").endswith(".production"):
            raise CommandError("load_demo_kpis is for development only")
        lines = load_kpi_demo()
        self.stdout.write("\n".join(lines) or "no demo organisation or no KPI dictionary: nothing to add")

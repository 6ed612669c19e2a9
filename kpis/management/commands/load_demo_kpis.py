"""``python manage.py load_demo_kpis``: the demo organisation's KPI values and a draft on version 2."""

from typing import Any

from django.core.management.base import BaseCommand

from common.demo import demo_quietly, refuse_in_production
from kpis.demo import load_kpi_demo


class Command(BaseCommand):
    help = "Give the demo organisation months of KPI values (some stale) and a draft on the newest version."

    def handle(self, *args: Any, **options: Any) -> None:
        refuse_in_production("load_demo_kpis")
        with demo_quietly():
            lines = load_kpi_demo()
        self.stdout.write("\n".join(lines) or "no demo organisation or no KPI dictionary: nothing to add")

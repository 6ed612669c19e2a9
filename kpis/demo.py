"""Demo KPI values for the demo organisation (``load_demo_kpis``): six months (three quarters) of figures per
KPI of the published dictionary, a few of them stale, and a draft on the newest version started from the
approved demo assessment, so a newcomer sees value, threshold and suggestion on the questionnaire.

Deterministic (seeded) and relative to today, so the stale ones stay stale; a second run changes nothing.
"""

from __future__ import annotations

import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from assessments.demo import APPROVED_TITLE, DEMO_ORGANISATION
from assessments.models import Assessment, Organisation
from assessments.services import assessment_start
from capability_model.models import KpiThreshold

from . import rules
from .models import KpiValue
from .selectors import kpi_dictionary

V2_DRAFT_TITLE = "2027 自评估（第 2 版）2027 self-assessment (model version 2)"
# KPIs whose figures stopped some months ago: the questionnaire shows them as stale, with no suggestion.
STALE = {"QIC": 4, "AIT": 2}  # how many periods late the last value is
SOURCES = {"month": "ACD/CRM 月报 monthly report", "quarter": "HR / PMO 季报 quarterly report"}


def _demo_value(rng: random.Random, level3: Decimal | None, direction: str, unit: str, step: int) -> Decimal:
    """Around the level-3 threshold, drifting towards better month by month."""
    base = float(level3) if level3 is not None else 80.0
    if unit == "count":
        return Decimal(max(0, round(base + rng.choice([-1, 0, 0, 1]))))
    better = 1 if direction == "higher" else -1
    spread = max(base * 0.08, 0.05)
    value = base + better * (step - 3) * spread / 4 + rng.uniform(-spread, spread)
    if unit == "percent":
        value = min(100.0, max(0.0, value))
    return Decimal(f"{max(0.0, value):.2f}")


@transaction.atomic
def load_kpi_demo() -> list[str]:
    organisation = Organisation.objects.filter(name=DEMO_ORGANISATION).first()
    manager = get_user_model().objects.filter(username="demo-manager").first()
    kpis = list(kpi_dictionary())
    if organisation is None or manager is None or not kpis:
        return []
    level3 = {
        t.kpi_id: t.threshold
        for t in KpiThreshold.objects.filter(kpi__in=kpis, criterion__level=3).order_by("criterion__code")
    }
    today = timezone.localdate()
    created = 0
    for kpi in kpis:
        rng = random.Random(f"{kpi.code}-2026")  # noqa: S311 - demo data, not security
        cadence = kpi.cadence
        months = rules.MONTHS[cadence]
        current = rules.period_start(year=today.year, month=today.month, cadence=cadence)  # type: ignore[arg-type]
        late = STALE.get(kpi.code, 0)
        for step in range(6 if cadence == "month" else 3):
            start = rules.add_months(current, -months * (1 + late + step))
            _row, made = KpiValue.objects.get_or_create(
                organisation=organisation,
                kpi=kpi,
                period_start=start,
                defaults={
                    "value": _demo_value(rng, level3.get(kpi.pk), kpi.direction, kpi.unit, 6 - step),
                    "source": SOURCES[cadence],
                    "recorded_by": manager,
                },
            )
            created += made
    report = [f"KPI values: {created} added"]
    newest = kpis[0].capability_model
    approved = Assessment.objects.filter(organisation=organisation, title=APPROVED_TITLE).first()
    exists = Assessment.objects.filter(organisation=organisation, title=V2_DRAFT_TITLE).exists()
    if approved is not None and not exists and approved.capability_model_id != newest.pk:
        assessment_start(
            organisation=organisation,
            user=manager,
            capability_model=newest,
            title=V2_DRAFT_TITLE,
            target_level=3,
            scope="全渠道。 All channels.",
            baseline=approved,
        )
        report.append(f"assessment draft: {V2_DRAFT_TITLE}")
    return report

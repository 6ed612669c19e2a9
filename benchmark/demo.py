"""Demo peers for the benchmark (``load_demo``): approved organisations across three industries, opted in and
marked as demo data, so that the dashboard and the report show a benchmark on a fresh installation.

Deterministic (seeded) and idempotent: a second run finds the organisations and adds nothing.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from assessments.demo import DEMO_ORGANISATION, MODEL_VERSION
from assessments.models import Answer, Assessment, AssessmentState, Industry, Organisation, OrganisationSize
from capability_model.models import CapabilityModel
from capability_model.scoring import Rating

from .models import PeerProfile
from .services import snapshot_compute

DEMO_PREFIX = "[Demo peer]"
DEMO_USER = "demo-peer-author"
MODEL_CODE = "gbt43045-1-2023"
# (industry, size band, how many): the demo organisation (telecom, large) finds its own cohort, e-commerce
# falls back to its industry, and retail to everyone.
LAYOUT = [
    (Industry.TELECOM, OrganisationSize.LARGE, 6),
    (Industry.TELECOM, OrganisationSize.MEDIUM, 2),
    (Industry.ECOMMERCE, OrganisationSize.MEDIUM, 3),
    (Industry.ECOMMERCE, OrganisationSize.SMALL, 3),
    (Industry.FINANCE, OrganisationSize.LARGE, 4),
]


def approved_peer(
    *,
    organisation: Organisation,
    model: CapabilityModel,
    user: User,
    strength: float,
    decided_at: datetime,
    seed: int,
    rated: bool = True,
) -> Assessment:
    """An approved assessment whose criteria up to level 4 are rated (and verified) around ``strength``
    (0–1), higher levels reached less often; ``rated=False`` leaves every criterion unanswered (tests about
    selection only). Written in one insert per table, with history, as ``assessment_start`` does."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    assessment = Assessment(
        organisation=organisation,
        capability_model=model,
        title=f"{DEMO_PREFIX} {seed}",
        target_level=3,
        created_by=user,
        state=AssessmentState.APPROVED,
        submitted_at=decided_at,
        decided_at=decided_at,
    )
    assessment._history_user = user  # type: ignore[attr-defined]
    assessment.save()
    scale = [Rating.N, Rating.P, Rating.L, Rating.F]
    answers = []
    for criterion in model.criteria.only("pk", "level"):
        rating = ""
        if rated and criterion.level <= 4:
            chance = max(0.0, min(1.0, strength - 0.15 * (criterion.level - 1) + rng.uniform(-0.2, 0.2)))
            rating = scale[min(3, int(chance * 4))].value
        answers.append(
            Answer(assessment=assessment, criterion=criterion, rating=rating, verified_rating=rating)
        )
    bulk_create_with_history(
        answers, Answer, default_user=user, custom_historical_attrs={"history_username": user.get_username()}
    )
    return assessment


@transaction.atomic
def load_peer_demo() -> list[str]:
    """Creates the missing demo peers, opts the demo organisation in, and computes a snapshot."""
    # The version of the demo organisation's approved assessment (assessments.demo), so it has peers.
    model = CapabilityModel.objects.filter(code=MODEL_CODE, version=MODEL_VERSION).first()
    if model is None:
        return []
    user, _created = get_user_model().objects.get_or_create(username=DEMO_USER, defaults={"is_active": False})
    report, now, number = [], timezone.now(), 0
    for industry, size, count in LAYOUT:
        for _ in range(count):
            number += 1
            name = f"{DEMO_PREFIX} {Industry(industry).label} {number:02d}"
            organisation, created = Organisation.objects.get_or_create(
                name=name, defaults={"industry": industry, "size": size}
            )
            PeerProfile.objects.get_or_create(
                organisation=organisation,
                defaults={
                    "industry": industry,
                    "size": size,
                    "opted_in": True,
                    "opted_in_at": now,
                    "is_demo": True,
                },
            )
            if created:
                rng = random.Random(number)  # noqa: S311 - demo data, not security
                approved_peer(
                    organisation=organisation,
                    model=model,
                    user=user,
                    strength=rng.uniform(0.35, 0.95),
                    decided_at=now - timedelta(days=rng.randint(10, 500)),
                    seed=number,
                )
                report.append(f"demo peer: {name}")
    for organisation in Organisation.objects.filter(name=DEMO_ORGANISATION, peer_profile__isnull=True):
        PeerProfile.objects.create(
            organisation=organisation,
            industry=organisation.industry,
            size=organisation.size,
            opted_in=True,
            opted_in_at=now,
        )
        report.append(f"peer benchmark opted in: {organisation.name}")
    snapshot_compute(now=now)
    return report

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

from assessments import services as assessment_services
from assessments.demo import DEMO_ORGANISATION
from assessments.models import Answer, Assessment, AssessmentState, Industry, Organisation, OrganisationSize
from capability_model.models import CapabilityModel, ModelState
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
    """An approved assessment whose criteria up to level 4 are rated around ``strength`` (0–1): higher
    levels are reached less often. Saved answer by answer, so the history records it (``rated=False``
    leaves every criterion unanswered, for tests about selection only)."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    assessment = assessment_services.assessment_start(
        organisation=organisation,
        user=user,
        capability_model=model,
        title=f"{DEMO_PREFIX} {seed}",
        target_level=3,
    )
    scale = [Rating.N, Rating.P, Rating.L, Rating.F]
    for answer in Answer.objects.filter(
        assessment=assessment, criterion__level__lte=4 if rated else 0
    ).select_related("criterion"):
        chance = max(0.0, min(1.0, strength - 0.15 * (answer.criterion.level - 1) + rng.uniform(-0.2, 0.2)))
        answer.rating = scale[min(3, int(chance * 4))].value
        answer._history_user = user  # type: ignore[attr-defined]
        answer.save(update_fields=["rating", "updated_at"])
    assessment.state = AssessmentState.APPROVED
    assessment.submitted_at = assessment.decided_at = decided_at
    assessment._history_user = user  # type: ignore[attr-defined]
    assessment.save()
    return assessment


@transaction.atomic
def load_peer_demo() -> list[str]:
    """Creates the missing demo peers, opts the demo organisation in, and computes a snapshot."""
    model = (
        CapabilityModel.objects.filter(code=MODEL_CODE, state=ModelState.PUBLISHED)
        .order_by("-version")
        .first()
    )
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

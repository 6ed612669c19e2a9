"""Organisations with approved assessments, opted in to the benchmark, in a chosen cohort."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from assessments.models import Assessment, Organisation
from benchmark.demo import approved_peer
from benchmark.models import PeerProfile
from capability_model.models import CapabilityModel
from tests.assessments import conftest as assessment_fixtures
from tests.factories import OrganisationFactory, UserFactory

org = assessment_fixtures.org
other_org = assessment_fixtures.other_org
assessment = assessment_fixtures.assessment
unassigned_consultant = assessment_fixtures.unassigned_consultant

Peer = Callable[..., Assessment]


def opt_in(organisation: Organisation, industry: str = "telecom", size: str = "small") -> PeerProfile:
    profile, _ = PeerProfile.objects.update_or_create(
        organisation=organisation,
        defaults={"industry": industry, "size": size, "opted_in": True, "opted_in_at": timezone.now()},
    )
    return profile


@pytest.fixture
def peer(shipped_model: CapabilityModel) -> Peer:
    """peer(strength=…, industry=…, size=…, organisation=None, days_ago=30, rated=False): an approved
    assessment of a (new, opted-in) organisation; rated only when asked (rating is slow)."""
    author = UserFactory.create(username="peer-author")
    seeds = iter(range(1000))

    def make(
        strength: float = 0.5,
        industry: str = "telecom",
        size: str = "small",
        organisation: Organisation | None = None,
        days_ago: int = 30,
        now: datetime | None = None,
        rated: bool = False,
    ) -> Assessment:
        organisation = organisation or OrganisationFactory.create()
        if not PeerProfile.objects.filter(organisation=organisation).exists():
            opt_in(organisation, industry, size)
        return approved_peer(
            organisation=organisation,
            model=shipped_model,
            user=author,
            strength=strength,
            decided_at=(now or timezone.now()) - timedelta(days=days_ago),
            seed=next(seeds),
            rated=rated,
        )

    return make

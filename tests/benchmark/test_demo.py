"""load_demo adds labelled demo peers in three industries, and the demo organisation sees a benchmark."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from assessments.demo import DEMO_ORGANISATION
from assessments.models import Organisation
from benchmark.models import PeerProfile
from benchmark.selectors import peer_view
from capability_model.models import CapabilityModel

pytestmark = pytest.mark.django_db


def test_the_demo_shows_a_benchmark(shipped_model: CapabilityModel) -> None:
    call_command("load_demo", stdout=io.StringIO())
    demo_peers = PeerProfile.objects.filter(is_demo=True, opted_in=True)
    assert demo_peers.count() == 18
    assert len(set(demo_peers.values_list("industry", flat=True))) == 3
    assert all(
        p.organisation.name.startswith("[Demo peer]") for p in demo_peers.select_related("organisation")
    )
    view = peer_view(organisation=Organisation.objects.get(name=DEMO_ORGANISATION))
    assert view.status == "shown"
    assert view.demo
    assert view.cohort == ("size", "telecom", "large")
    assert view.peers == 6

"""The peer benchmark's bench database: 10,000 opted-in organisations, each with one approved assessment
of the shipped model and all its answers (about 2.5 million rows), in a database of its own
(``var/bench-peers.sqlite3``, or ``<bench>_peers`` on PostgreSQL), made once and then kept, so the
snapshot is timed with every database read the daily job makes. Making it is slow on SQLite (832 s on
2026-12-02 under load ~13: the first ``make bench`` pays it once).
"""

from __future__ import annotations

import io
import os
import random
import sys
import time
from collections.abc import Iterator
from datetime import timedelta

PEERS = 10_000
MARK = "Peer bench "  # the generated organisations' names start with this


def peers_database_ready() -> int:
    """Switches this process to the peers database, made and filled when missing; returns its size."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    from django.conf import settings

    config = settings.DATABASES["default"]
    if config["ENGINE"].endswith("sqlite3"):
        config["NAME"] = str(settings.VAR_DIR / "bench-peers.sqlite3")
    else:
        config["NAME"] = f"{config['NAME']}_peers"
    import django

    django.setup()
    from django.core.management import call_command

    from assessments.models import Organisation
    from bench.populate import _database_create

    _database_create(fresh=False)
    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_capability_model", verbosity=0, stdout=io.StringIO())
    made = Organisation.objects.filter(name__startswith=MARK).count()
    if made not in (0, PEERS):
        _database_create(fresh=True)
        call_command("migrate", verbosity=0, interactive=False)
        call_command("load_capability_model", verbosity=0, stdout=io.StringIO())
        made = 0
    if made == 0:
        start = time.monotonic()
        _populate()
        print(f"populate: {PEERS} peers in {time.monotonic() - start:.0f} s", file=sys.stderr)
    return PEERS


def _populate() -> None:
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from assessments.models import (
        Answer,
        Assessment,
        AssessmentState,
        Industry,
        Organisation,
        OrganisationSize,
    )
    from bench.generate import ANSWER_COLUMNS, SHIPPED_CODE, rows_write
    from benchmark.models import PeerProfile
    from capability_model.models import CapabilityModel, ModelState

    rng = random.Random(43045)
    model = CapabilityModel.objects.get(code=SHIPPED_CODE, state=ModelState.PUBLISHED)
    criteria = list(model.criteria.values_list("pk", "level"))
    author, _ = get_user_model().objects.get_or_create(username="peer-bench-author")
    now = timezone.now()
    with transaction.atomic():
        orgs = Organisation.objects.bulk_create(
            (Organisation(name=f"{MARK}{n:05d}") for n in range(PEERS)), batch_size=5000
        )
        PeerProfile.objects.bulk_create(
            (
                PeerProfile(
                    organisation=o,
                    industry=rng.choice(Industry.values),
                    size=rng.choice(OrganisationSize.values),
                    opted_in=True,
                    opted_in_at=now,
                )
                for o in orgs
            ),
            batch_size=5000,
        )
        assessments = Assessment.objects.bulk_create(
            (
                Assessment(
                    organisation=o,
                    capability_model=model,
                    title="Peer assessment",
                    target_level=3,
                    state=AssessmentState.APPROVED,
                    created_by=author,
                    submitted_at=now - timedelta(days=40),
                    decided_at=now - timedelta(days=rng.randint(1, 600)),
                )
                for o in orgs
            ),
            batch_size=5000,
        )

        def answers() -> Iterator[tuple[object, ...]]:
            for assessment in assessments:
                strength = rng.random()
                for criterion_id, level in criteria:
                    rating = "NPLF"[max(0, min(3, int(rng.random() * 2 + strength * 3 - level * 0.3 + 0.5)))]
                    yield (assessment.pk, criterion_id, rating, rating, author.pk, "", "", False, False,
                           1, now, "")  # fmt: skip

        rows_write(Answer, ANSWER_COLUMNS, answers())

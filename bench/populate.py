"""The bench database and its generated population (``python bench/populate.py [--fresh]``).

The database is the one ``bench.settings`` names (never the development one). ``bench_database_ready``
creates it if missing, migrates it, loads the shipped model and, unless it already holds the population,
generates it:

- 200 organisations with 5 assessments each (1,000) on the shipped model, every answer row created as
  ``assessment_start`` creates them (one per criterion) but with ``bulk_create`` and no history rows;
- ratings drawn at random (fully answered once submitted, about half answered in drafts), verified
  ratings on the assessments in review and approved, and an evidence row on about one answer in twenty;
- ``bench-consultant`` assigned to the first 125 organisations, whose assessments are 4 awaiting review
  (submitted or in review) and 1 approved each: 500 assessments to review;
- ``bench-manager``, manager of the last organisation, whose assessments are editable (drafts and one
  returned): the questionnaire and autosave figures use them.

``population_add`` is also how ``bench_queries`` doubles the population (a second batch of the same shape).
"""

from __future__ import annotations

import io
import os
import random
import sys
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as `python bench/populate.py`
    sys.path.insert(0, str(ROOT))

SHIPPED_CODE = "gbt43045-1-2023"
ORGANISATIONS = 200
ASSESSMENTS_PER_ORGANISATION = 5
REVIEWED_ORGANISATIONS = 125  # x 4 awaiting review = 500 in the consultant's queue
CONSULTANT = "bench-consultant"
MANAGER = "bench-manager"
EVIDENCE_SHARE = 0.05
SEED = 43045


def django_setup() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()


def _database_create(*, fresh: bool) -> None:
    """Creates the bench database (PostgreSQL: ``<name>_bench`` on the same server; SQLite: a file)."""
    from django.conf import settings
    from django.db import connections

    config = settings.DATABASES["default"]
    name = config["NAME"]
    if config["ENGINE"].endswith("sqlite3"):
        if fresh:
            connections["default"].close()
            Path(name).unlink(missing_ok=True)
        return
    import psycopg
    from psycopg import sql

    params = {
        "dbname": "postgres",
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
    }
    connections["default"].close()
    conninfo = psycopg.conninfo.make_conninfo(**{k: str(v) for k, v in params.items() if v})
    with psycopg.connect(conninfo, autocommit=True) as server:
        exists = server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            server.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists = None
        if not exists:
            server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


@dataclass(frozen=True)
class Population:
    consultant_id: int
    manager_id: int
    editable_ids: list[int]  # the manager's drafts and returned ones, for the questionnaire and autosave


def population_get() -> Population:
    from django.contrib.auth import get_user_model

    from assessments.models import Assessment

    users = get_user_model().objects
    manager = users.get(username=MANAGER)
    drafts = list(
        Assessment.objects.filter(organisation__memberships__user=manager, state__in=["draft", "returned"])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return Population(users.get(username=CONSULTANT).pk, manager.pk, drafts)


def _states(organisation_index: int) -> list[str]:
    if organisation_index < REVIEWED_ORGANISATIONS:
        return ["submitted", "in_review", "submitted", "in_review", "approved"]
    return ["draft", "returned", "approved", "draft", "draft"]


def population_add(*, batch: str, organisations: int = ORGANISATIONS, seed: int = SEED) -> int:
    """One batch of generated organisations with their assessments, answers and evidence; returns the
    number of assessments made. ``batch`` names the organisations, so batches never collide. The
    consultant reviews the first ``REVIEWED_ORGANISATIONS`` of every batch; the manager manages the
    last organisation of every batch."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from assessments.models import (
        Answer,
        Assessment,
        ConsultantAssignment,
        Evidence,
        Membership,
        Organisation,
        Role,
    )
    from capability_model.models import CapabilityModel, ModelState

    rng = random.Random(f"{seed}-{batch}")
    model = CapabilityModel.objects.get(code=SHIPPED_CODE, state=ModelState.PUBLISHED)
    criteria = list(model.criteria.values_list("pk", "level"))
    users = get_user_model().objects
    consultant, _ = users.get_or_create(username=CONSULTANT, defaults={"email": f"{CONSULTANT}@example.com"})
    manager, _ = users.get_or_create(username=MANAGER, defaults={"email": f"{MANAGER}@example.com"})
    now = timezone.now()
    ratings = ["N", "P", "L", "F"]
    with transaction.atomic():
        orgs = Organisation.objects.bulk_create(
            Organisation(name=f"Bench {batch} contact centre {n:03d}", industry="telecom")
            for n in range(organisations)
        )
        ConsultantAssignment.objects.bulk_create(
            ConsultantAssignment(consultant=consultant, organisation=o) for o in orgs[:REVIEWED_ORGANISATIONS]
        )
        Membership.objects.bulk_create([Membership(user=manager, organisation=orgs[-1], role=Role.MANAGER)])
        assessments = []
        for index, organisation in enumerate(orgs):
            for number, state in enumerate(_states(index)):
                submitted = state != "draft"
                assessments.append(
                    Assessment(
                        organisation=organisation,
                        capability_model=model,
                        title=f"Assessment {number + 1}",
                        target_level=3,
                        state=state,
                        created_by=manager,
                        submitted_at=now - timedelta(days=rng.randint(1, 60)) if submitted else None,
                        reviewer=consultant if state in ("in_review", "approved") else None,
                    )
                )
        Assessment.objects.bulk_create(assessments, batch_size=1000)
        answers = []
        for assessment in assessments:
            answered_share = 0.5 if assessment.state == "draft" else 1.0
            verified = assessment.state in ("in_review", "approved")
            for criterion_id, level in criteria:
                rating = rng.choice(ratings) if rng.random() < answered_share else ""
                if rating and level <= 2 and rng.random() < 0.6:
                    rating = "F"
                answers.append(
                    Answer(
                        assessment=assessment,
                        criterion_id=criterion_id,
                        rating=rating,
                        verified_rating=rng.choice(ratings)
                        if verified and rating and rng.random() < 0.3
                        else "",
                        updated_by=manager if rating else None,
                    )
                )
        Answer.objects.bulk_create(answers, batch_size=5000)
        Evidence.objects.bulk_create(
            (
                Evidence(
                    answer=answer,
                    file=f"evidence/{answer.assessment.organisation_id}/bench-{answer.pk}.pdf",
                    original_name=f"evidence-{answer.pk}.pdf",
                    content_type="application/pdf",
                    size=rng.randint(10_000, 2_000_000),
                    uploaded_by=manager,
                )
                for answer in answers
                if answer.rating and rng.random() < EVIDENCE_SHARE
            ),
            batch_size=5000,
        )
    return len(assessments)


def bench_database_ready(*, fresh: bool = False, verbose: bool = True) -> Population:
    """The bench database, migrated, with the shipped model and the population (made once)."""
    django_setup()
    _database_create(fresh=fresh)
    from django.core.management import call_command

    from assessments.models import Organisation

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_capability_model", verbosity=0, stdout=io.StringIO())
    if not Organisation.objects.filter(name__startswith="Bench first ").exists():
        made = population_add(batch="first")
        if verbose:
            print(f"populate: {made} assessments in {ORGANISATIONS} organisations", file=sys.stderr)
    return population_get()


if __name__ == "__main__":
    bench_database_ready(fresh="--fresh" in sys.argv[1:])

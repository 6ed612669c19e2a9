"""One batch of the generated population (``population_add``), fast on either database.

Organisations, assignments, memberships and assessments go through ``bulk_create``. The answers (248 per
assessment: 2.5 million at the PostgreSQL scale) and their evidence rows are streamed: on PostgreSQL with
``COPY ... FROM STDIN`` through psycopg (bench code only, never the application's), elsewhere with
``bulk_create`` in batches, so no more than one batch of model instances is ever in memory. No history
rows, as ``bulk_create`` makes none either.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from itertools import islice
from typing import Any

REVIEWED_ORGANISATIONS = 125  # x 4 awaiting review = 500 in the consultant's queue
CONSULTANT = "bench-consultant"
MANAGER = "bench-manager"
EVIDENCE_MODULUS = 20  # evidence on the answered answers whose id is a multiple of 20: about one in twenty
SHIPPED_CODE = "gbt43045-1-2023"
SEED = 43045
BATCH = 5000
ANSWER_COLUMNS = (
    "assessment_id", "criterion_id", "rating", "verified_rating", "updated_by_id", "comment",
    "justification", "flagged", "carried_over", "revision", "updated_at", "review_comment",
)  # fmt: skip
EVIDENCE_COLUMNS = (
    "answer_id", "file", "original_name", "content_type", "size", "uploaded_by_id", "uploaded_at",
)  # fmt: skip


def _states(organisation_index: int) -> list[str]:
    if organisation_index < REVIEWED_ORGANISATIONS:
        return ["submitted", "in_review", "submitted", "in_review", "approved"]
    return ["draft", "returned", "approved", "draft", "draft"]


def _chunks(rows: Iterable[tuple[Any, ...]], size: int = BATCH) -> Iterator[list[tuple[Any, ...]]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _text(value: object) -> str:
    """One field in COPY's text format (the generated values hold no tab, newline or backslash)."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def rows_write(model: Any, columns: tuple[str, ...], rows: Iterable[tuple[Any, ...]]) -> int:
    """Inserts ``rows`` (values in ``columns`` order) into ``model``'s table; returns how many."""
    from django.db import connection

    written = 0
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        with connection.cursor() as cursor:
            # The generated rows refer to rows made just before; without this, every row queues one check
            # per foreign key to run at commit, which costs more than the COPY itself.
            cursor.execute("SET LOCAL session_replication_role = replica")
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for chunk in _chunks(rows):
                    copy.write("".join("\t".join(map(_text, row)) + "\n" for row in chunk))
                    written += len(chunk)
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
        return written
    for chunk in _chunks(rows):
        model.objects.bulk_create(model(**dict(zip(columns, row, strict=True))) for row in chunk)
        written += len(chunk)
    return written


def _answer_rows(
    assessments: list[Any],
    criteria: list[tuple[int, int]],
    manager_id: int,
    now: datetime,
    rng: random.Random,
) -> Iterator[tuple[Any, ...]]:
    ratings = ["N", "P", "L", "F"]
    for assessment in assessments:
        answered_share = 0.5 if assessment.state == "draft" else 1.0
        verified = assessment.state in ("in_review", "approved")
        for criterion_id, level in criteria:
            rating = rng.choice(ratings) if rng.random() < answered_share else ""
            if rating and level <= 2 and rng.random() < 0.6:
                rating = "F"
            verified_rating = rng.choice(ratings) if verified and rating and rng.random() < 0.3 else ""
            updated_by = manager_id if rating else None
            yield (
                assessment.pk,
                criterion_id,
                rating,
                verified_rating,
                updated_by,
                "",
                "",
                False,
                False,
                0,
                now,
                "",
            )


def population_add(*, batch: str, organisations: int, seed: int = SEED) -> int:
    """One batch of generated organisations with their assessments, answers and evidence; returns the
    number of assessments made. ``batch`` names the organisations, so batches never collide. The
    consultant reviews the first ``REVIEWED_ORGANISATIONS`` of every batch; the manager manages the
    last organisation of every batch."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.db.models import F
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
    with transaction.atomic():
        orgs = Organisation.objects.bulk_create(
            (
                Organisation(name=f"Bench {batch} contact centre {n:04d}", industry="telecom")
                for n in range(organisations)
            ),
            batch_size=BATCH,
        )
        ConsultantAssignment.objects.bulk_create(
            ConsultantAssignment(consultant=consultant, organisation=o) for o in orgs[:REVIEWED_ORGANISATIONS]
        )
        Membership.objects.bulk_create([Membership(user=manager, organisation=orgs[-1], role=Role.MANAGER)])
        assessments = [
            Assessment(
                organisation=organisation,
                capability_model=model,
                title=f"Assessment {number + 1}",
                target_level=3,
                state=state,
                created_by=manager,
                submitted_at=now - timedelta(days=rng.randint(1, 60)) if state != "draft" else None,
                reviewer=consultant if state in ("in_review", "approved") else None,
            )
            for index, organisation in enumerate(orgs)
            for number, state in enumerate(_states(index))
        ]
        Assessment.objects.bulk_create(assessments, batch_size=BATCH)
        rows_write(Answer, ANSWER_COLUMNS, _answer_rows(assessments, criteria, manager.pk, now, rng))
        answered = (
            Answer.objects.filter(assessment__organisation__name__startswith=f"Bench {batch} ")
            .exclude(rating="")
            .alias(remainder=F("pk") % EVIDENCE_MODULUS)
            .filter(remainder=0)
            .values_list("pk", "assessment__organisation_id")
        )
        rows_write(
            Evidence,
            EVIDENCE_COLUMNS,
            (
                (
                    pk,
                    f"evidence/{org}/bench-{pk}.pdf",
                    f"evidence-{pk}.pdf",
                    "application/pdf",
                    rng.randint(10_000, 2_000_000),
                    manager.pk,
                    now,
                )
                for pk, org in list(answered)  # read before the COPY: one statement at a time
            ),
        )
    return len(assessments)

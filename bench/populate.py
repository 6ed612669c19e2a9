"""The bench database and its generated population (``python bench/populate.py [--fresh]``).

The database is the one ``bench.settings`` names (never the development one). ``bench_database_ready``
creates it if missing, migrates it, loads the shipped model and, unless it already holds the population,
generates it:

- 200 organisations with 5 assessments each (1,000) on the shipped model on SQLite, ten times more on
  PostgreSQL (2,000 organisations, 10,000 assessments, about 2.5 million answers), every answer row
  created as ``assessment_start`` creates them (one per criterion) but streamed (``bench/generate.py``:
  ``COPY`` on PostgreSQL, ``bulk_create`` elsewhere) and with no history rows;
- ratings drawn at random (fully answered once submitted, about half answered in drafts), verified
  ratings on the assessments in review and approved, and an evidence row on about one answer in twenty;
- ``bench-consultant`` assigned to the first 125 organisations, whose assessments are 4 awaiting review
  (submitted or in review) and 1 approved each: 500 assessments to review;
- ``bench-manager``, manager of the last organisation, whose assessments are editable (drafts and one
  returned): the questionnaire and autosave figures use them.

The population is kept between runs: its marker is the number of organisations in the first batch.
``population_add`` is also how ``bench_queries`` doubles the population (a second batch of the same shape).
"""

from __future__ import annotations

import io
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as `python bench/populate.py`
    sys.path.insert(0, str(ROOT))

from bench.generate import CONSULTANT, MANAGER, population_add  # noqa: E402 - after the path

ORGANISATIONS = 200  # SQLite: today's population
SCALED_ORGANISATIONS = 2000  # PostgreSQL: ten times today's (10,000 assessments, about 2.5 million answers)


def django_setup() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()


def _database_create(*, fresh: bool, name: str = "", template: str = "") -> None:
    """Creates the bench database (PostgreSQL: ``<name>_bench`` on the same server; SQLite: a file), or
    on PostgreSQL the database ``name`` as a copy of ``template``."""
    from django.conf import settings
    from django.db import connections

    config = settings.DATABASES["default"]
    name = name or config["NAME"]
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
    connections.close_all()
    conninfo = psycopg.conninfo.make_conninfo(**{k: str(v) for k, v in params.items() if v})
    with psycopg.connect(conninfo, autocommit=True) as server:
        exists = server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            server.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists = None
        if not exists and template:
            server.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(name), sql.Identifier(template)
                )
            )
        elif not exists:
            server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def doubled_database_use() -> str:
    """PostgreSQL: switches this process to ``<bench>_doubled``, a copy of the bench database with a second
    batch as large as the first (made once, then kept like the first); returns its name."""
    from django.db import OperationalError, connections

    from assessments.models import Organisation

    config = connections["default"].settings_dict
    bench, doubled = config["NAME"], f"{config['NAME']}_doubled"
    wanted = organisations_wanted()
    connections.close_all()
    config["NAME"] = doubled
    try:
        ready = Organisation.objects.filter(name__startswith="Bench second ").count() == wanted
        ready &= population_made() == wanted
    except OperationalError:  # no such database yet: make it
        ready = False
    if not ready:
        config["NAME"] = bench
        _database_create(fresh=True, name=doubled, template=bench)
        config["NAME"] = doubled
        start = time.monotonic()
        population_add(batch="second", organisations=wanted)
        print(f"populate: doubled in {time.monotonic() - start:.0f} s", file=sys.stderr)
    return doubled


@dataclass(frozen=True)
class Population:
    consultant_id: int
    manager_id: int
    editable_ids: list[int]  # the manager's drafts and returned ones, for the questionnaire and autosave
    approved_id: int  # the manager's approved assessment: the report page
    review_id: int  # an assessment in review by the consultant: the review page
    organisation_id: int  # the manager's organisation (the concurrency bench's editors join it)


def population_get() -> Population:
    from django.contrib.auth import get_user_model

    from assessments.models import Assessment, Organisation

    users = get_user_model().objects
    manager = users.get(username=MANAGER)
    consultant = users.get(username=CONSULTANT)
    organisation = Organisation.objects.filter(
        memberships__user=manager, name__startswith="Bench first "
    ).get()
    mine = Assessment.objects.filter(organisation=organisation).order_by("pk")
    drafts = list(mine.filter(state__in=["draft", "returned"]).values_list("pk", flat=True))
    approved = mine.filter(state="approved").values_list("pk", flat=True).first()
    review = (
        Assessment.objects.filter(state="in_review", reviewer=consultant)
        .order_by("pk")
        .values_list("pk", flat=True)
    ).first()
    if approved is None or review is None:
        raise SystemExit("populate: the bench population lacks an approved or an in-review assessment")
    return Population(consultant.pk, manager.pk, drafts, approved, review, organisation.pk)


def organisations_wanted() -> int:
    """How many organisations the bench database's first batch holds: ten times more on PostgreSQL."""
    from django.db import connection

    return SCALED_ORGANISATIONS if connection.vendor == "postgresql" else ORGANISATIONS


def population_made() -> int:
    """Organisations of the first batch in the bench database: the marker of the population made."""
    from assessments.models import Organisation

    return Organisation.objects.filter(name__startswith="Bench first ").count()


def bench_database_ready(*, fresh: bool = False, verbose: bool = True) -> Population:
    """The bench database, migrated, with the shipped model and the population (made once, then kept:
    a database whose first batch has another size than this engine's is made afresh)."""
    django_setup()
    _database_create(fresh=fresh)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    made, wanted = population_made(), organisations_wanted()
    if made not in (0, wanted):
        _database_create(fresh=True)
        call_command("migrate", verbosity=0, interactive=False)
        made = 0
    call_command("load_capability_model", verbosity=0, stdout=io.StringIO())
    if made == 0:
        start = time.monotonic()
        count = population_add(batch="first", organisations=wanted)
        if verbose:
            print(
                f"populate: {count} assessments in {wanted} organisations "
                f"in {time.monotonic() - start:.0f} s",
                file=sys.stderr,
            )
    return population_get()


if __name__ == "__main__":
    bench_database_ready(fresh="--fresh" in sys.argv[1:])

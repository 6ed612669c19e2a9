"""Benchmark of the peer benchmark's in-memory pass (``benchmark.rules``) at 10,000 organisations.

The snapshot reads the selection in one query and the answers in batches (scored at the rate
``bench_scoring`` measures); this measures the rest: grouping 10,000 members into cohorts, the stability
rule against the previous snapshot, and the figures of every cohort, then the figures for 1,000 viewers.
Goal: the whole pass under 10 s on a slow two-core machine. Pure Python: no database needed.

Then the daily job as it runs, database reads included: ``snapshot_compute()`` on a database of 10,000
opted-in organisations with one approved assessment each and all their answers (``bench/peers_population.py``,
made once and kept): the selection query, the answers read and scored in batches, the cohorts written.
Goal: under 60 s (a daily job; the figure to watch is how it grows).
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmark import rules  # noqa: E402

GOAL_SECONDS = 10.0
DATABASE_GOAL_SECONDS = 60.0
ORGANISATIONS = 10_000
INDUSTRIES = ["telecom", "finance", "ecommerce", "retail", "insurance", "manufacturing", "logistics", "other"]
SIZES = ["small", "medium", "large", "xlarge"]
DIMENSIONS = [f"D:{d}" for d in ("SP", "CB", "OP", "MI")] + [f"I:{i}" for i in range(20)]


def population(seed: int, assessment_offset: int = 0) -> list[tuple[str, str, rules.Member]]:
    rng = random.Random(seed)
    return [
        (
            rng.choice(INDUSTRIES),
            rng.choice(SIZES),
            rules.Member(org, org + assessment_offset, {d: rng.uniform(0, 5) for d in DIMENSIONS}),
        )
        for org in range(ORGANISATIONS)
    ]


def main() -> int:
    previous = rules.group(population(1))
    counted = population(1, assessment_offset=1)[:-50]  # every organisation reassessed, fifty left
    started = time.perf_counter()
    fresh = rules.group(counted)
    eligible = {member.organisation_id for _i, _s, member in counted}
    published = {}
    for key in fresh.keys() | previous.keys():
        old = previous.get(key)
        withdrawn = {m.organisation_id for m in old or ()} - eligible
        published[key] = rules.stabilise(old, fresh.get(key, []), withdrawn)[0]
    sizes = {key: len(members) for key, members in published.items()}
    for members in published.values():
        rules.figures(members)
    snapshot = time.perf_counter() - started
    started = time.perf_counter()
    for viewer in range(1000):
        industry, size, _member = counted[viewer]
        rules.choose(published, industry, size, {viewer}, sizes=sizes)
    viewers = (time.perf_counter() - started) * 1000 / 1000
    verdict = "OK" if snapshot < GOAL_SECONDS else "MISSED"
    print(f"peer benchmark snapshot pass, {ORGANISATIONS:,} organisations: {snapshot:.2f} s {verdict}")
    print(f"peer benchmark figures for one viewer: {viewers:.3f} ms (average of 1,000)")
    with_reads = database_pass()
    return 0 if verdict == "OK" and with_reads else 1


def database_pass() -> bool:
    from bench.peers_population import peers_database_ready

    organisations = peers_database_ready()
    from django.db import connection

    from benchmark.services import snapshot_compute

    started = time.perf_counter()
    snapshots = snapshot_compute()
    spent = time.perf_counter() - started
    counted = sum(s.organisations for s in snapshots)
    met = spent < DATABASE_GOAL_SECONDS and counted == organisations
    print(
        f"peer benchmark snapshot with database reads ({connection.vendor}), {counted:,} organisations "
        f"counted: {spent:.1f} s (goal < {DATABASE_GOAL_SECONDS:.0f} s) {'OK' if met else 'MISSED'}"
    )
    return met


if __name__ == "__main__":
    sys.exit(main())

"""``make bench``: every ``bench/bench_*.py`` in turn, then the total time and ``bench: N of M goals met``.

Each benchmark prints one line per figure, ending in ``OK`` or ``MISSED`` where the figure has a goal;
this runner counts those and exits non-zero when any goal is missed (or a benchmark fails to run).

The database-bound benchmarks run once per database: SQLite (the default) and PostgreSQL when it is
reachable, at ``DATABASE_URL`` when that names PostgreSQL, else at ``DEFAULT_POSTGRESQL`` (its lines start
with ``postgresql``); ``bench_concurrency`` runs on PostgreSQL only. The whole run has a time goal.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_POSTGRESQL = "postgres://postgres@127.0.0.1:5432/portal"
PER_DATABASE = {"bench_http.py", "bench_queries.py"}
POSTGRESQL_ONLY = {"bench_concurrency.py"}
TOTAL_GOAL_MINUTES = 20


def postgresql_url() -> str:
    """The PostgreSQL server's URL when one answers, else ``""``."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://", "pgsql://")):
        url = DEFAULT_POSTGRESQL
    import psycopg
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    try:
        params = conninfo_to_dict(url.replace("pgsql://", "postgres://", 1))
        params["dbname"] = "postgres"  # the bench database may not exist yet
        with psycopg.connect(make_conninfo("", **params), connect_timeout=3):
            return url
    except (psycopg.Error, ValueError):
        return ""


def runs(script: str, postgresql: str) -> list[tuple[str, dict[str, str]]]:
    """(label, environment) of each run of ``script``."""
    base = {**os.environ, "PYTHONPATH": str(HERE.parent)}
    sqlite = {k: v for k, v in base.items() if k != "DATABASE_URL"}
    on_postgresql = [("postgresql ", {**base, "DATABASE_URL": postgresql})] if postgresql else []
    if script in POSTGRESQL_ONLY:
        return on_postgresql
    if script in PER_DATABASE:
        return [("sqlite ", sqlite), *on_postgresql]
    return [("", base)]


def main() -> int:
    # `make bench` passes the time it started (before its set-up step), so the total is the whole target's.
    started = float(os.environ.get("BENCH_STARTED") or time.time())
    met = total = 0
    failed_to_run = []
    postgresql = postgresql_url()
    if not postgresql:
        print("bench: PostgreSQL not reachable; its figures are skipped")
    for script in sorted(HERE.glob("bench_*.py")):
        for label, env in runs(script.name, postgresql):
            result = subprocess.run(  # noqa: S603 - our own scripts
                [sys.executable, str(script)], capture_output=True, text=True, env=env, check=False
            )
            lines = [f"{label}{line}" for line in result.stdout.splitlines() if line.strip()]
            for line in lines:
                print(line, flush=True)
                if line.endswith((" OK", " MISSED")):
                    total += 1
                    met += line.endswith(" OK")
            if result.returncode not in (0, 1) or not lines:
                failed_to_run.append(script.name)
                reason = result.stderr.strip().splitlines()[-1:] or result.returncode
                print(f"{label}{script.name}: failed to run: {reason}", flush=True)
    minutes = (time.time() - started) / 60
    ok = minutes < TOTAL_GOAL_MINUTES
    print(f"bench: total time {minutes:.1f} min (goal < {TOTAL_GOAL_MINUTES} min) {'OK' if ok else 'MISSED'}")
    met, total = met + ok, total + 1
    print(f"bench: {met} of {total} goals met")
    return 0 if met == total and not failed_to_run else 1


if __name__ == "__main__":
    sys.exit(main())

"""Pages served for real: gunicorn (2 workers) on the bench database, load from wrk in another process.

Run once per database by ``bench/run.py`` (SQLite, and PostgreSQL at ten times the population when it is
reachable). Each figure is a pair measured in the same run, alternating (bare, page, bare, page, 4 s each
after a warm-up), with 4 connections of logged-in sessions; latencies of the two rounds are merged
exactly (wrk's ``done`` hook dumps its latency quantiles) and the page's p50 and p95 are divided by the
bare view's (``bench/bare/``: the portal's layout, middleware and context processors, nothing else):

- the questionnaire page of the largest domain (OP), the assessment page, the dashboard of a consultant
  with 500 assessments to review, the review queue and the review page (OP) of an assessment in review,
  goal ≤ 3× at p50 and at p95;
- saving one answer (the autosave POST) vs a bare authenticated, CSRF-checked POST, goal ≤ 3×;
- the report page (the whole gap report as HTML) of an approved assessment, goal ≤ 10×.

Every autosave request is a real write. Each wrk thread (one connection each) owns one editable
assessment of the manager and cycles through 20 of its OP criteria, setting each to the rating after the
one it holds (N → P → L → F → N) with the revision the server last answered (read from the database
before the run, then from each response's ``revision``). So no request repeats stored values (which
``answer_record`` would accept without writing) and none conflicts; a non-200 answer fails the figure.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.load import (  # noqa: E402 - after the path
    LUA_GET,
    LUA_POST_BARE,
    Measurement,
    Server,
    drain,
    session_cookie,
    wrk,
)

if TYPE_CHECKING:
    from bench.populate import Population

CONNECTIONS = 4
ROUND_SECONDS = 4
ROUNDS = 2
WARMUP_SECONDS = 2
PAGE_GOAL = 3.0  # the page (or the autosave) vs the bare view, at p50 and at p95
REPORT_GOAL = 10.0
AUTOSAVE_CRITERIA = 20
NEXT_RATING = {"": "N", "NA": "N", "N": "P", "P": "L", "L": "F", "F": "N"}

# PLAN (per thread: path prefix, codes, revisions, ratings) is prepended by the bench.
LUA_AUTOSAVE = """
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
local following = {N = "P", P = "L", L = "F", F = "N"}
local index = 0
local pending = nil
request = function()
  local plan = PLAN[tid]
  index = index % #plan.codes + 1
  pending = following[plan.ratings[index]]
  local body = "rating=" .. pending .. "&comment=&justification=&revision=" .. plan.revisions[index]
  return wrk.format("POST", plan.prefix .. plan.codes[index] .. "/", nil, body)
end
response = function(status, headers, body)
  local plan = PLAN[tid]
  if status == 200 then
    plan.revisions[index] = tonumber(string.match(body, '"revision":%s*(%d+)'))
    plan.ratings[index] = pending
  else
    bad = bad + 1
  end
end
"""


def _autosave_plan(assessment_ids: list[int]) -> str:
    """The Lua table of each thread's assessment, criteria, current revisions and ratings."""
    from assessments.models import Answer

    threads = []
    for assessment_id in assessment_ids:
        answers = list(
            Answer.objects.filter(assessment_id=assessment_id, criterion__item__domain__code="OP")
            .order_by("criterion__code")
            .values_list("criterion__code", "revision", "rating")[:AUTOSAVE_CRITERIA]
        )
        codes = ",".join(f'"{code}"' for code, _, _ in answers)
        revisions = ",".join(str(revision) for _, revision, _ in answers)
        ratings = ",".join(
            f'"{rating if rating in NEXT_RATING and rating not in ("", "NA") else "F"}"'
            for _, _, rating in answers
        )
        threads.append(
            f'{{prefix = "/assessments/{assessment_id}/answers/", codes = {{{codes}}}, '
            f"revisions = {{{revisions}}}, ratings = {{{ratings}}}}}"
        )
    return "PLAN = {" + ", ".join(threads) + "}\n"


@dataclass(frozen=True)
class Figure:
    name: str
    page_url: str
    page_script: Callable[[], str]  # made afresh for each run (the autosave plan reads revisions)
    bare_url: str
    bare_script: Callable[[], str]
    goal: float
    csrf: bool = False


def measure(figure: Figure, *, cookie: str, csrf: str) -> tuple[Measurement, Measurement]:
    token = csrf if figure.csrf else ""
    runs = [(figure.bare_url, figure.bare_script), (figure.page_url, figure.page_script)]
    for url, script in runs:
        wrk(url, cookie=cookie, script=script(), seconds=WARMUP_SECONDS, csrf=token)
        drain(figure.bare_url, cookie)
    bare, page = Measurement(), Measurement()
    for _ in range(ROUNDS):
        for (url, script), into in zip(runs, (bare, page), strict=True):
            into.add(wrk(url, cookie=cookie, script=script(), seconds=ROUND_SECONDS, csrf=token))
            drain(figure.bare_url, cookie)
    return page, bare


def report(figure: Figure, page: Measurement, bare: Measurement) -> bool:
    p50, p95 = page.percentile(50), page.percentile(95)
    b50, b95 = bare.percentile(50), bare.percentile(95)
    ratio = max(p50 / b50, p95 / b95)
    failed = page.failed + bare.failed
    ok = ratio <= figure.goal and failed == 0
    note = f", {failed} failed requests" if failed else ""
    print(
        f"{figure.name}: p50 {p50:.1f} ms p95 {p95:.1f} ms ({page.rate:.0f} req/s) vs bare p50 {b50:.1f} "
        f"p95 {b95:.1f} ({bare.rate:.0f} req/s) → {p50 / b50:.1f}× / {p95 / b95:.1f}×{note} "
        f"(goal ≤ {figure.goal:g}×) {'OK' if ok else 'MISSED'}"
    )
    return ok


def figures(base: str, population: Population, autosave: Callable[[], str]) -> list[tuple[Figure, str]]:
    """Each figure with the role whose session requests it (``manager`` or ``consultant``)."""

    def get() -> str:
        return LUA_GET

    def post_bare() -> str:
        return LUA_POST_BARE

    bare = f"{base}/bench/bare/"
    editable, review = population.editable_ids[0], population.review_id
    pages = [
        ("questionnaire OP", f"/assessments/{editable}/domains/OP/", "manager", PAGE_GOAL),
        ("assessment page", f"/assessments/{editable}/", "manager", PAGE_GOAL),
        ("consultant dashboard (500 to review)", "/", "consultant", PAGE_GOAL),
        ("review queue", "/review/", "consultant", PAGE_GOAL),
        ("review page OP", f"/assessments/{review}/review/OP/", "consultant", PAGE_GOAL),
        (
            "report page (gap report HTML)",
            f"/assessments/{population.approved_id}/report/",
            "manager",
            REPORT_GOAL,
        ),
    ]
    found = [(Figure(name, f"{base}{path}", get, bare, get, goal), role) for name, path, role, goal in pages]
    save = Figure(
        "autosave (one answer)", f"{base}/assessments/", autosave, f"{bare}post/", post_bare, PAGE_GOAL, True
    )
    found.insert(1, (save, "manager"))
    return found


def main() -> int:
    if shutil.which("wrk") is None:
        raise SystemExit(
            "http: wrk is missing; run `bash scripts/system-deps.sh --bench` (Debian: apt-get install wrk)"
        )
    from bench.populate import bench_database_ready

    population = bench_database_ready()
    from django.db import connections
    from django.middleware.csrf import _get_new_csrf_string

    csrf = _get_new_csrf_string()
    cookies = {
        "manager": f"{session_cookie(population.manager_id)}; csrftoken={csrf}",
        "consultant": f"{session_cookie(population.consultant_id)}; csrftoken={csrf}",
    }
    editable = population.editable_ids[:CONNECTIONS]
    if len(editable) < CONNECTIONS:
        raise SystemExit(f"http: the bench manager needs {CONNECTIONS} editable assessments")

    def autosave() -> str:
        script = _autosave_plan(editable) + LUA_AUTOSAVE
        connections.close_all()  # SQLite: no lock held while the server writes
        return script

    connections.close_all()
    server = Server()
    all_ok = True
    try:
        server.wait(cookies["manager"])
        only = sys.argv[1:]  # names to run, e.g. `questionnaire` (development)
        for figure, role in figures(server.url, population, autosave):
            if only and not any(name in figure.name for name in only):
                continue
            page, bare = measure(figure, cookie=cookies[role], csrf=csrf)
            all_ok &= report(figure, page, bare)
    finally:
        server.stop()
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())

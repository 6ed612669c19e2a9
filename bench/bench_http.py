"""Pages served for real: gunicorn (2 workers) on the bench database, load from wrk in another process.

Each figure is a pair measured in the same run, alternating (bare, page, bare, page, 5 s each after a
warm-up), with 4 connections of logged-in sessions; latencies of the two rounds are merged exactly (wrk's
``done`` hook dumps its latency histogram) and the page's p50 and p95 are divided by the bare view's:

- the questionnaire page of the largest domain (OP) vs a bare page (``bench/bare/``: the portal's layout,
  middleware and context processors, nothing else), goal ≤ 3× at p50 and at p95;
- saving one answer (the autosave POST) vs a bare authenticated, CSRF-checked POST, goal ≤ 2×;
- the dashboard of a consultant with 500 assessments to review vs the bare page, goal ≤ 3×.

Every autosave request is a real write. Each wrk thread (one connection each) owns one editable
assessment of the manager and cycles through 20 of its OP criteria, setting each to the rating after the
one it holds (N → P → L → F → N) with the revision the server last answered (read from the database
before the run, then from each response's ``revision``). So no request repeats stored values (which
``answer_record`` would accept without writing) and none conflicts; a non-200 answer fails the figure.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CONNECTIONS = 4
ROUND_SECONDS = 5
ROUNDS = 2
WARMUP_SECONDS = 2
AUTOSAVE_CRITERIA = 20
NEXT_RATING = {"": "N", "NA": "N", "N": "P", "P": "L", "L": "F", "F": "N"}

# Prints, as JSON, the latency quantiles of the run (µs, at the middle of each of QUANTILES equal slices:
# wrk's Lua API gives percentiles, not its histogram's counts) and the count of failed or non-200 requests.
QUANTILES = 400
LUA_COMMON = (
    f"QUANTILES = {QUANTILES}\n"
    + """
local threads = {}
bad = 0
setup = function(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end
done = function(summary, latency, requests)
  local quantiles = {}
  for i = 1, QUANTILES do
    table.insert(quantiles, string.format("%d", latency:percentile((i - 0.5) * 100 / QUANTILES)))
  end
  local failed = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  for _, thread in ipairs(threads) do failed = failed + thread:get("bad") end
  io.write(string.format('BENCH {"requests":%d,"seconds":%f,"failed":%d,"quantiles":[%s]}\\n',
    summary.requests, summary.duration / 1e6, failed, table.concat(quantiles, ",")))
end
"""
)

LUA_GET = """
response = function(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end
"""

LUA_POST_BARE = """
wrk.method = "POST"
wrk.body = "rating=F&comment=&justification=&revision=0"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
response = function(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end
"""

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


@dataclass
class Measurement:
    requests: int = 0
    seconds: float = 0.0
    failed: int = 0
    samples: list[tuple[float, float]] | None = None  # (latency µs, weight in requests)

    def add(self, run: dict[str, Any]) -> None:
        """Adds one wrk run: each quantile stands for an equal share of that run's requests."""
        self.requests += int(run["requests"])
        self.seconds += float(run["seconds"])
        self.failed += int(run["failed"])
        quantiles = [float(q) for q in run["quantiles"]]
        weight = int(run["requests"]) / len(quantiles)
        self.samples = [*(self.samples or []), *((q, weight) for q in quantiles)]

    def percentile(self, p: float) -> float:
        """Latency at percentile ``p`` of all runs together, in ms."""
        samples = sorted(self.samples or [])
        total = sum(weight for _, weight in samples)
        if total == 0:
            return float("nan")
        seen = 0.0
        for micros, weight in samples:
            seen += weight
            if seen >= p / 100 * total:
                return micros / 1000
        return samples[-1][0] / 1000

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _session_cookie(user_id: int) -> str:
    """A logged-in session row for the user, written directly (what ``login()`` stores), as a cookie."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore

    user = get_user_model().objects.get(pk=user_id)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


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


class Server:
    """gunicorn with 2 sync workers on a free local port, serving ``bench.settings``."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "PYTHONPATH": str(ROOT)}
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(  # noqa: S603 - our own server
            [str(gunicorn), "maturity_portal.wsgi:application", "--workers", "2",
             "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning"],
            cwd=ROOT, env=env, start_new_session=True,
        )  # fmt: skip

    def wait(self, cookie: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit("http: gunicorn exited at start-up")
            try:
                request = urllib.request.Request(f"{self.url}/bench/bare/", headers={"Cookie": cookie})  # noqa: S310
                with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - local
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise SystemExit("http: gunicorn did not answer within 30 s")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


def wrk(url: str, *, cookie: str, script: str, seconds: int, csrf: str = "") -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script + LUA_COMMON)
    headers = ["-H", f"Cookie: {cookie}"]
    if csrf:
        headers += ["-H", f"X-CSRFToken: {csrf}"]
    try:
        result = subprocess.run(  # noqa: S603 - wrk from Debian
            [shutil.which("wrk") or "wrk", "-t", str(CONNECTIONS), "-c", str(CONNECTIONS),
             "-d", f"{seconds}s", "--timeout", "10s", "-s", handle.name, *headers, url],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
    finally:
        os.unlink(handle.name)
    line = next(line for line in result.stdout.splitlines() if line.startswith("BENCH "))
    data: dict[str, Any] = json.loads(line.removeprefix("BENCH "))
    return data


@dataclass(frozen=True)
class Figure:
    name: str
    page_url: str
    page_script: Callable[[], str]  # made afresh for each run (the autosave plan reads revisions)
    bare_url: str
    bare_script: Callable[[], str]
    goal: float
    csrf: bool = False


def drain(bare_url: str, cookie: str) -> None:
    """Waits until requests still queued in the server from the last run are done (bare answers fast)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        start = time.monotonic()
        request = urllib.request.Request(bare_url.replace("/post/", "/"), headers={"Cookie": cookie})  # noqa: S310
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - local
            response.read()
        if time.monotonic() - start < 0.5:
            return


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
    manager = f"{_session_cookie(population.manager_id)}; csrftoken={csrf}"
    consultant = f"{_session_cookie(population.consultant_id)}; csrftoken={csrf}"
    editable = population.editable_ids[:CONNECTIONS]
    if len(editable) < CONNECTIONS:
        raise SystemExit(f"http: the bench manager needs {CONNECTIONS} editable assessments")

    def get() -> str:
        return LUA_GET

    def post_bare() -> str:
        return LUA_POST_BARE

    def autosave() -> str:
        script = _autosave_plan(editable) + LUA_AUTOSAVE
        connections.close_all()  # SQLite: no lock held while the server writes
        return script

    connections.close_all()

    server = Server()
    all_ok = True
    try:
        server.wait(manager)
        base = server.url
        figures = [
            (
                Figure(
                    "questionnaire OP",
                    f"{base}/assessments/{editable[0]}/domains/OP/",
                    get,
                    f"{base}/bench/bare/",
                    get,
                    3,
                ),
                manager,
            ),
            (
                Figure(
                    "autosave (one answer)",
                    f"{base}/assessments/",
                    autosave,
                    f"{base}/bench/bare/post/",
                    post_bare,
                    2,
                    csrf=True,
                ),
                manager,
            ),
            (
                Figure(
                    "consultant dashboard (500 to review)", f"{base}/", get, f"{base}/bench/bare/", get, 3
                ),
                consultant,
            ),
        ]
        only = sys.argv[1:]  # names to run, e.g. `questionnaire` (development)
        for figure, cookie in figures:
            if only and not any(name in figure.name for name in only):
                continue
            page, bare = measure(figure, cookie=cookie, csrf=csrf)
            all_ok &= report(figure, page, bare)
    finally:
        server.stop()
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())

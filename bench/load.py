"""What every served-page benchmark shares: gunicorn on the bench database, wrk driving it, the figures.

``Server`` starts gunicorn (sync workers) on a free local port with ``bench.settings``; ``wrk`` runs the
load generator with a Lua script ending in ``LUA_COMMON``, whose ``done`` hook prints the run's latency
quantiles as JSON; ``Measurement`` merges runs and answers percentiles; ``session_cookie`` logs a user in
by writing the session row directly.
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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

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


def session_cookie(user_id: int) -> str:
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


class Server:
    """gunicorn with ``workers`` sync workers on a free local port, serving ``bench.settings``."""

    def __init__(self, workers: int = 2) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "PYTHONPATH": str(ROOT)}
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(  # noqa: S603 - our own server
            [str(gunicorn), "maturity_portal.wsgi:application", "--workers", str(workers),
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


def wrk(
    url: str,
    *,
    cookie: str,
    script: str,
    seconds: int,
    csrf: str = "",
    connections: int = 4,
    tail: str = "",
) -> dict[str, Any]:
    """One wrk run: ``script`` then ``LUA_COMMON`` then ``tail``; the JSON its ``done`` printed, and
    everything it printed under ``stdout``."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script + LUA_COMMON + tail)
    headers = ["-H", f"Cookie: {cookie}"]
    if csrf:
        headers += ["-H", f"X-CSRFToken: {csrf}"]
    try:
        result = subprocess.run(  # noqa: S603 - wrk from Debian
            [shutil.which("wrk") or "wrk", "-t", str(connections), "-c", str(connections),
             "-d", f"{seconds}s", "--timeout", "10s", "-s", handle.name, *headers, url],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
    finally:
        os.unlink(handle.name)
    line = next(line for line in result.stdout.splitlines() if line.startswith("BENCH "))
    data: dict[str, Any] = json.loads(line.removeprefix("BENCH "))
    data["stdout"] = result.stdout
    return data


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

"""50 editors autosaving at once on PostgreSQL: nothing lost, nothing doubled, no 5xx, latency bounded.

gunicorn with 4 workers on the PostgreSQL bench database (ten times today's population); wrk with 50
connections, one per editor, each with its own session (``bench-editor-NN``, contributors of the bench
manager's organisation). The editors share 100 answers (25 OP criteria of each of the manager's four
editable assessments), ten each, so ten editors work on every answer and saves race. Each editor sends a
rating of its own (by editor and turn, never the one it last saw) with the revision it last saw; on a 409
it takes the current value and revision from the answer, as the page does. For ``EDITOR_SECONDS`` (after
``BARE_SECONDS`` of the bare POST under the same 50 connections):

- no 5xx (and no answer other than 200 or 409);
- every accepted save (200) is in the database or superseded by a later accepted save of the same answer:
  per answer, the highest accepted revision and its rating are what the database holds, and no two
  accepted saves claim one revision with different ratings;
- one history row per accepted save: one row per accepted (answer, revision), with its rating and the
  username of an editor whose save was accepted at that revision, and no other history rows;
- p95 (and p50) ≤ 5× the bare POST's.
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.load import LUA_POST_BARE, Measurement, Server, session_cookie, wrk  # noqa: E402

EDITORS = 50
WORKERS = 4
EDITOR_SECONDS = 60
BARE_SECONDS = 15
CRITERIA = 25  # per editable assessment: 4 x 25 = 100 answers shared by the editors
PER_EDITOR = 10
GOAL = 5.0

# PLAN[tid] = {cookie, answers = {{path, assessment, code, revision, rating}, ...}}, prepended by the bench.
LUA_EDITORS = """
local ratings = {"N", "P", "L", "F"}
local index = 0
local turn = 0
local pending = nil
saves = {}
server_errors = 0
request = function()
  local plan = PLAN[tid]
  index = index % #plan.answers + 1
  local answer = plan.answers[index]
  turn = turn + 1
  pending = ratings[(tid + turn) % 4 + 1]  -- editors pick different values, so racing saves conflict
  if pending == answer.rating then pending = ratings[(tid + turn + 1) % 4 + 1] end
  local body = "rating=" .. pending .. "&comment=&justification=&revision=" .. answer.revision
  local headers = {["Cookie"] = plan.cookie, ["X-CSRFToken"] = CSRF,
                   ["Content-Type"] = "application/x-www-form-urlencoded"}
  return wrk.format("POST", answer.path, headers, body)
end
response = function(status, headers, body)
  local answer = PLAN[tid].answers[index]
  if status == 200 then
    answer.revision = tonumber(string.match(body, '"revision":%s*(%d+)'))
    answer.rating = pending
    table.insert(saves, string.format("%d %s %d %s %d", answer.assessment, answer.code, answer.revision,
      pending, tid))
  elseif status == 409 then
    answer.rating = string.match(body, '"current":%s*{%s*"rating":%s*"(%a*)"')
    answer.revision = tonumber(string.match(body, '"current":.-"revision":%s*(%d+)'))
  else
    bad = bad + 1
    if status >= 500 then server_errors = server_errors + 1 end
  end
end
"""
LUA_DONE = """
local report = done
done = function(summary, latency, requests)
  report(summary, latency, requests)
  local errors = 0
  for _, thread in ipairs(threads) do
    errors = errors + thread:get("server_errors")
    for _, save in ipairs(thread:get("saves")) do io.write("SAVE " .. save .. "\\n") end
  end
  io.write(string.format("ERRORS5XX %d\\n", errors))
end
"""


def editors_ready(organisation_id: int) -> list[tuple[int, str]]:
    """The editors (id, username), contributors of the manager's organisation (made once)."""
    from django.contrib.auth import get_user_model

    from assessments.models import Membership, Role

    users = get_user_model().objects
    found = []
    for number in range(1, EDITORS + 1):
        user, _ = users.get_or_create(username=f"bench-editor-{number:02d}")
        Membership.objects.get_or_create(
            user=user, organisation_id=organisation_id, defaults={"role": Role.CONTRIBUTOR}
        )
        found.append((user.pk, user.get_username()))
    return found


def shared_answers(assessment_ids: list[int]) -> list[tuple[int, str, int, str]]:
    """(assessment, criterion code, revision, rating) of the answers the editors share."""
    from assessments.models import Answer

    found = []
    for assessment_id in assessment_ids:
        found += list(
            Answer.objects.filter(assessment_id=assessment_id, criterion__item__domain__code="OP")
            .order_by("criterion__code")
            .values_list("assessment_id", "criterion__code", "revision", "rating")[:CRITERIA]
        )
    return found


def plan(cookies: list[str], answers: list[tuple[int, str, int, str]]) -> str:
    threads = []
    for number, cookie in enumerate(cookies):
        mine = [answers[(number * 2 + k * 10) % len(answers)] for k in range(PER_EDITOR)]
        rows = ", ".join(
            f'{{path = "/assessments/{a}/answers/{code}/", assessment = {a}, code = "{code}", '
            f'revision = {revision}, rating = "{rating or "F"}"}}'
            for a, code, revision, rating in mine
        )
        threads.append(f'{{cookie = "{cookie}", answers = {{{rows}}}}}')
    return "PLAN = {" + ", ".join(threads) + "}\n"


def check(saves: list[tuple[int, str, int, str, str]], since: object) -> list[str]:
    """What the database says against the accepted saves; returns the problems found."""
    from assessments.models import Answer

    problems = []
    by_answer: dict[tuple[int, str], dict[int, set[tuple[str, str]]]] = defaultdict(lambda: defaultdict(set))
    for assessment, code, revision, rating, editor in saves:
        by_answer[(assessment, code)][revision].add((rating, editor))
    stored = {
        (a, code): (pk, revision, rating)
        for pk, a, code, revision, rating in Answer.objects.filter(
            assessment_id__in={a for a, _ in by_answer}
        ).values_list("pk", "assessment_id", "criterion__code", "revision", "rating")
    }
    history: dict[tuple[int, int], list[tuple[str, str]]] = defaultdict(list)
    for answer_id, revision, rating, username in Answer.history.filter(
        id__in=[stored[key][0] for key in by_answer], history_date__gte=since
    ).values_list("id", "revision", "rating", "history_username"):
        history[(answer_id, revision)].append((rating, username))
    accepted_rows = 0
    for key, revisions in by_answer.items():
        pk, revision, rating = stored[key]
        last = max(revisions)
        if revision != last or {rating} != {r for r, _ in revisions[last]}:
            problems.append(f"{key}: the database holds {rating} r{revision}, the last accepted save r{last}")
        for number, accepted in revisions.items():
            ratings = {r for r, _ in accepted}
            if len(ratings) > 1:
                problems.append(f"{key} r{number}: accepted with different ratings {sorted(ratings)}")
            rows = history.pop((pk, number), [])
            accepted_rows += 1
            if len(rows) != 1 or rows[0][0] not in ratings or rows[0][1] not in {e for _, e in accepted}:
                problems.append(f"{key} r{number}: history rows {rows} for accepted saves {sorted(accepted)}")
    if history:
        problems.append(f"{sum(map(len, history.values()))} history rows without an accepted save")
    return problems


def main() -> int:
    from bench.populate import bench_database_ready

    population = bench_database_ready()
    from django.db import connection, connections
    from django.middleware.csrf import _get_new_csrf_string
    from django.utils import timezone

    if connection.vendor != "postgresql":
        print("concurrency: runs on PostgreSQL only; skipped")
        return 0
    csrf = _get_new_csrf_string()
    editors = editors_ready(population.organisation_id)
    names = {str(tid): username for tid, (_, username) in enumerate(editors, start=1)}
    cookies = [f"{session_cookie(pk)}; csrftoken={csrf}" for pk, _ in editors]
    script = f'CSRF = "{csrf}"\n' + plan(cookies, shared_answers(population.editable_ids[:4]))
    connections.close_all()
    server = Server(workers=WORKERS)
    try:
        server.wait(cookies[0])
        bare, page = Measurement(), Measurement()
        bare_run = wrk(f"{server.url}/bench/bare/post/", cookie=cookies[0], script=LUA_POST_BARE,
                       seconds=BARE_SECONDS, csrf=csrf, connections=EDITORS)  # fmt: skip
        bare.add(bare_run)
        since = timezone.now()
        run = wrk(f"{server.url}/", cookie=cookies[0], script=script + LUA_EDITORS, tail=LUA_DONE,
                  seconds=EDITOR_SECONDS, connections=EDITORS)  # fmt: skip
        page.add(run)
    finally:
        server.stop()
    saves = []
    for line in run["stdout"].splitlines():
        if line.startswith("SAVE "):
            assessment, code, revision, rating, tid = line.split()[1:]
            saves.append((int(assessment), code, int(revision), rating, names[tid]))
    errors = int(re.search(r"ERRORS5XX (\d+)", run["stdout"]).group(1))  # type: ignore[union-attr]
    problems = check(saves, since)
    p50, p95 = page.percentile(50), page.percentile(95)
    b50, b95 = bare.percentile(50), bare.percentile(95)
    conflicts = page.requests - len(saves) - page.failed
    ok = not problems and errors == 0 and page.failed == 0 and max(p50 / b50, p95 / b95) <= GOAL
    for problem in problems[:10]:
        print(f"concurrency problem: {problem}")
    print(
        f"concurrency ({EDITORS} editors, {EDITOR_SECONDS} s, {WORKERS} workers): "
        f"{len(saves)} saves accepted, "
        f"{conflicts} conflicts (409), {errors} 5xx, {page.failed - errors} other failures, "
        f"{len(problems)} problems in the database; p50 {p50:.1f} ms p95 {p95:.1f} ms vs bare POST "
        f"p50 {b50:.1f} p95 {b95:.1f} → {p50 / b50:.1f}× / {p95 / b95:.1f}× (goal ≤ {GOAL:g}×) "
        f"{'OK' if ok else 'MISSED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

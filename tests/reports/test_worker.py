"""A real worker process (``manage.py db_worker``) on the test database renders a report PDF; two workers
started at once on one job render it once. PostgreSQL in CI (rows claimed with SKIP LOCKED); SQLite too."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from assessments.models import Assessment
from common.mail import send_email
from reports import jobs
from reports.models import ReportJob
from reports.tasks import render_report_job
from tests.assessments.conftest import Org

pytestmark = pytest.mark.django_db(transaction=True)  # the worker must see committed rows

ROOT = Path(__file__).resolve().parents[2]
QUEUES = ["default", "reports", "emails"]
EMAILS = 400
EDITORS = 4
SAVES_PER_EDITOR = 30


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    credentials = f"{db['USER']}:{db['PASSWORD']}@" if db.get("PASSWORD") else f"{db['USER']}@"
    return f"postgres://{credentials}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _worker(media: Path, *options: str, stale_seconds: int = 600) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "maturity_portal.settings.test",
        "DATABASE_URL": _database_url(),
        "TEST_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "TEST_MEDIA_ROOT": str(media),
        "REPORT_JOB_STALE_SECONDS": str(stale_seconds),
    }
    command = [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--no-reload"]
    return subprocess.Popen(  # noqa: S603 - our own interpreter and command
        [*command, *(options or ["--batch"]), "--queue-name", "*", "--interval", "0.2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


@pytest.fixture
def database_queue(settings: Any, tmp_path: Path) -> Path:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": QUEUES}}
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_two_workers_render_one_job_once_through_the_database_queue(
    org: Org, assessment: Assessment, database_queue: Path
) -> None:
    answer = jobs.report_pdf_request(assessment=assessment, user_id=org.manager.pk)
    assert answer.pdf is None  # nothing rendered here: the request only queued it
    job = answer.job
    assert job is not None
    assert job.status == "queued"
    render_report_job.enqueue(job.pk)  # a second task for the same job (a retry click, an approval)
    assert DBTaskResult.objects.count() == 2
    # (each claimed render also leaves its watchdog, due after REPORT_JOB_STALE_AFTER: not run here)

    workers = [_worker(database_queue), _worker(database_queue)]
    outputs = [w.communicate(timeout=120)[0].decode(errors="replace") for w in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs

    job.refresh_from_db()
    assert (job.status, job.attempts, job.html) == ("done", 1, "")
    renders = DBTaskResult.objects.filter(task_path__endswith=".render_report_job")
    results = sorted(str(r.return_value) for r in renders)
    assert results == ["done", "skipped"]  # both tasks ran; one rendered, the other found it claimed
    pdf = (database_queue / job.file_name).read_bytes()
    assert pdf.startswith(b"%PDF")
    assert jobs.report_pdf_request(assessment=assessment, user_id=org.manager.pk).pdf == pdf
    assert django_settings.TASKS["default"]["BACKEND"].startswith("django_tasks_db")


def test_a_worker_killed_mid_render_leaves_the_job_to_another_worker_which_renders_it_once(
    org: Org, assessment: Assessment, database_queue: Path
) -> None:
    # django-tasks-db leaves the task row of a killed worker RUNNING for ever (django-tasks-db issue 5):
    # the portal's own watchdog task, left by the claim, puts the render back in the queue.
    stale = 4
    job = jobs.report_pdf_request(assessment=assessment, user_id=org.manager.pk).job
    assert job is not None
    first = _worker(database_queue, "--max-tasks", "1", stale_seconds=stale)
    deadline = time.monotonic() + 120
    while ReportJob.objects.get(pk=job.pk).status != ReportJob.Status.RUNNING:
        assert first.poll() is None, "the first worker ended without claiming the job"
        assert time.monotonic() < deadline, "the first worker never claimed the job"
        time.sleep(0.05)
    first.send_signal(signal.SIGKILL)  # mid-render: a real PDF takes seconds
    first.wait(timeout=30)
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("running", 1)

    # The next worker runs three tasks: the watchdog (requeues), the render, the second render's watchdog.
    second = _worker(database_queue, "--max-tasks", "3", stale_seconds=stale)
    output = second.communicate(timeout=300)[0].decode(errors="replace")
    assert second.returncode == 0, output

    job.refresh_from_db()
    assert (job.status, job.attempts, job.html) == ("done", 2, "")
    assert (database_queue / job.file_name).read_bytes().startswith(b"%PDF")
    outcomes = sorted(
        f"{r.task_path.rsplit('.', 1)[-1]}:{r.status}:{r.return_value if r.status == 'SUCCESSFUL' else ''}"
        for r in DBTaskResult.objects.all()
    )
    assert outcomes == [
        "render_report_job:RUNNING:",  # the killed worker's row, abandoned (nothing runs it again)
        "render_report_job:SUCCESSFUL:done",  # rendered exactly once to the end
        "watch_report_job:SUCCESSFUL:finished",
        "watch_report_job:SUCCESSFUL:requeued",
    ], output


def _run_on_sqlite(node_id: str, folder: Path) -> None:
    """Runs one test of this file in a pytest of its own on an embedded SQLite database."""
    env = {**os.environ, "DJANGO_ENV": "test", "DATABASE_URL": f"sqlite:///{folder / 'portal.sqlite3'}"}
    result = subprocess.run(  # noqa: S603 - our own interpreter and test
        [sys.executable, "-m", "pytest", node_id, "-q", "-p", "no:cacheprovider"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=900,
        check=False,
    )
    output = result.stdout.decode(errors="replace") + result.stderr.decode(errors="replace")
    assert result.returncode == 0, output
    assert "1 passed" in output, output


def test_web_autosaves_and_a_worker_writing_at_once_never_meet_a_locked_sqlite_database(
    request: pytest.FixtureRequest, org: Org, assessment: Assessment, database_queue: Path, tmp_path: Path
) -> None:
    if connection.vendor != "sqlite":
        # "database is locked" is a question about the embedded SQLite file of `make run`; where the suite
        # runs on PostgreSQL (CI), it is asked there, in a pytest of its own, rather than skipped.
        _run_on_sqlite(request.node.nodeid, tmp_path)
        return
    # The embedded file database of `make run`: one web process and one worker process writing at once.
    # IMMEDIATE transactions, WAL and a 20 s busy timeout (settings/base.py SQLITE_OPTIONS) make writers
    # queue instead of failing.
    for n in range(EMAILS):
        send_email.enqueue(subject=f"load {n}", body="-", recipient=f"person{n}@example.com")
    codes = list(assessment.answers.order_by("criterion__code").values_list("criterion__code", flat=True))
    worker = _worker(database_queue)  # --batch: runs every queued email, then ends
    sent = DBTaskResult.objects.filter(status="SUCCESSFUL")
    deadline = time.monotonic() + 60
    while not sent.exists():
        assert worker.poll() is None, "the worker ended before sending anything"
        assert time.monotonic() < deadline, "the worker sent nothing"
        time.sleep(0.05)

    answers: dict[str, list[int]] = {}

    def editor(name: str, mine: list[str]) -> None:
        client = Client()
        client.force_login(org.contributor)
        revisions = dict.fromkeys(mine, 0)
        statuses = []
        try:
            for turn in range(SAVES_PER_EDITOR):
                code = mine[turn % len(mine)]
                response = client.post(
                    reverse("assessments:autosave", args=[assessment.pk, code]),
                    {"rating": "NPLF"[turn % 4], "revision": revisions[code]},
                )
                statuses.append(response.status_code)
                if response.status_code == 200:
                    revisions[code] = response.json()["revision"]
        finally:
            answers[name] = statuses
            connection.close()

    before = sent.count()
    editors = [
        threading.Thread(target=editor, args=(f"e{i}", codes[i * 8 : i * 8 + 8])) for i in range(EDITORS)
    ]
    for thread in editors:
        thread.start()
    for thread in editors:
        thread.join(timeout=240)
    during = sent.count() - before
    output = worker.communicate(timeout=240)[0].decode(errors="replace")

    assert worker.returncode == 0, output
    assert "locked" not in output.lower(), output
    assert sorted(answers) == [f"e{i}" for i in range(EDITORS)]
    assert {status for statuses in answers.values() for status in statuses} == {200}, answers
    assert during > 0, "the worker wrote nothing while the autosaves ran: the test did not overlap them"
    assert sent.count() == EMAILS
    assert DBTaskResult.objects.exclude(status="SUCCESSFUL").count() == 0

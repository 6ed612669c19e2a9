"""Approval to both report PDFs ready (zh-hans and en), through the real path: a consultant's approval
(the service the Approve button calls) queues the renders on the database queue, and a real worker
process (``manage.py db_worker``) renders them. Timed from the approval call to both jobs done, with the
worker already running and idle (its backlog drained first), so the figure is what a manager waits.

The demo's approved assessment is put back "in review" for this (a bench database of its own), approved
again and left approved. Reported, no goal (issue 17 asks for the figure); each PDF takes ~8–11 s to
render on a quiet machine, one worker renders them one after the other.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORKER_POLL = "0.2"  # the worker's --interval: how long an idle worker sleeps between looks
TIMEOUT_SECONDS = 600


def _worker() -> subprocess.Popen[bytes]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "PYTHONPATH": str(ROOT)}
    command = ["manage.py", "db_worker", "--queue-name", "*", "--interval", WORKER_POLL]
    return subprocess.Popen(  # noqa: S603 - our own interpreter and command
        [sys.executable, *command, "--no-startup-delay", "--no-reload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def main() -> int:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from bench.populate import bench_database_ready

    bench_database_ready(verbose=False)
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from assessments import services
    from assessments.access import assessment_get_for_user
    from assessments.demo import APPROVED_TITLE
    from assessments.models import Assessment, AssessmentState
    from reports import services as report_services
    from reports.models import ReportJob

    if not settings.TASKS["default"]["BACKEND"].startswith("django_tasks_db"):
        print(f"report approval to both PDFs: needs the database queue, not {settings.TASKS['default']}")
        return 2
    call_command("load_demo", stdout=io.StringIO())  # once: it keeps what it made
    assessment = Assessment.objects.get(title=APPROVED_TITLE)
    consultant = get_user_model().objects.get(username="demo-consultant")
    report_services.report_cache_clear(assessment=assessment)
    ReportJob.objects.filter(assessment=assessment).delete()
    # Back to "in review" directly (a bench's shortcut, not a workflow step): approval is what is timed.
    assessment.state = AssessmentState.IN_REVIEW
    assessment.save(update_fields=["state", "updated_at"])

    worker = _worker()
    try:
        deadline = time.monotonic() + TIMEOUT_SECONDS
        while DBTaskResult.objects.filter(status="READY", run_after__lte=timezone.now()).exists():
            if worker.poll() is not None or time.monotonic() > deadline:
                print("report approval to both PDFs: the worker did not drain its backlog")
                return 2
            time.sleep(0.2)
        access = assessment_get_for_user(user=consultant, pk=assessment.pk)
        start = time.perf_counter()
        services.assessment_approve(access=access, user=consultant, note="Bench: approval to both PDFs.")
        done = ReportJob.objects.filter(assessment=assessment, status=ReportJob.Status.DONE)
        while done.count() < 2:
            failed = ReportJob.objects.filter(assessment=assessment, status=ReportJob.Status.FAILED).first()
            if failed is not None or worker.poll() is not None or time.monotonic() > deadline:
                print(f"report approval to both PDFs: not ready ({failed.error if failed else 'timed out'})")
                return 2
            time.sleep(0.05)
        spent = time.perf_counter() - start
        renders = [
            (job.language, (job.finished_at - job.started_at).total_seconds())
            for job in done.order_by("started_at")
            if job.started_at and job.finished_at
        ]
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            worker.kill()
    each = ", ".join(f"{language} {seconds:.1f} s" for language, seconds in renders)
    print(
        f"report approval to both PDFs ready (one real worker, {WORKER_POLL} s poll): {spent:.1f} s ({each})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

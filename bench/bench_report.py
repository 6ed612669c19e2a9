"""Benchmark of the PDF gap report, which the task queue renders.

- *Download PDF* (``GET /assessments/<id>/report.pdf`` with no PDF stored yet) only queues the render: the
  goal is that request ≤ 3× the bare report page (``GET /assessments/<id>/report/``) — it never renders.
- The render itself (``reports.jobs.report_job_run``, what a worker runs) against WeasyPrint alone on the
  same HTML with the same fetcher and base URL: ours ≤ 1.0×. The two alternate, so machine noise falls on
  both; ratios of medians.
- Approval to both PDFs ready: ``bench_approval.py`` (a real approval and a real worker process).

Needs ``make setup`` (the shipped model and the demo's approved assessment in the configured database).
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import time
from pathlib import Path

GOAL = 1.0
CLICK_GOAL = 3.0
ROUNDS = int(os.environ.get("BENCH_REPORT_ROUNDS", "1"))  # per side, per language
QUEUES = ["default", "reports", "emails"]


def main() -> int:
    root = str(Path(__file__).resolve().parents[1])
    if root not in sys.path:
        sys.path.insert(0, root)
    from bench.populate import bench_database_ready

    bench_database_ready()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse
    from django.utils import translation
    from weasyprint import HTML

    from assessments.demo import APPROVED_TITLE
    from assessments.models import Assessment
    from reports import jobs, services
    from reports.models import ReportJob
    from reports.pdf import BASE_URL, PortalURLFetcher

    call_command("load_demo", stdout=io.StringIO())  # once: it keeps what it made
    assessment = Assessment.objects.get(title=APPROVED_TITLE)
    host = (settings.ALLOWED_HOSTS or ["127.0.0.1"])[0].lstrip(".") or "127.0.0.1"
    client = Client(HTTP_HOST="127.0.0.1" if host == "*" else host)
    client.force_login(get_user_model().objects.get(username="demo-manager"))
    url = reverse("reports:report_pdf", args=[assessment.pk])

    report_url = reverse("reports:report", args=[assessment.pk])
    queued = {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": QUEUES}

    def forget() -> None:
        services.report_cache_clear(assessment=assessment)
        ReportJob.objects.filter(assessment=assessment).delete()

    ok = True
    for language in ("en", "zh-hans"):
        with translation.override(language):
            html = services.report_document_html(assessment=assessment)
        clicks: list[float] = []
        bare: list[float] = []
        ours: list[float] = []
        alone: list[float] = []
        size = 0
        for round_number in range(ROUNDS + 1):  # the first round warms caches and is not counted
            forget()
            with override_settings(TASKS={"default": queued}):  # nobody runs the task: the request alone
                start = time.perf_counter()
                response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
                spent_click = time.perf_counter() - start
            if response.status_code != 302:
                print(f"report: GET {url} answered {response.status_code}, not the job's page")
                return 2
            start = time.perf_counter()
            client.get(report_url, HTTP_ACCEPT_LANGUAGE=language)
            spent_bare = time.perf_counter() - start
            job = ReportJob.objects.get(assessment=assessment, language=language)
            start = time.perf_counter()
            outcome = jobs.report_job_run(job_id=job.pk)
            spent_ours = time.perf_counter() - start
            job.refresh_from_db()
            pdf = jobs.report_job_pdf(job) or b""
            if outcome != "done" or not pdf.startswith(b"%PDF"):
                print(f"report: the job ended {outcome} {job.error}")
                return 2
            start = time.perf_counter()
            alone_pdf = HTML(string=html, base_url=BASE_URL, url_fetcher=PortalURLFetcher()).write_pdf()
            spent_alone = time.perf_counter() - start
            if round_number:
                clicks.append(spent_click)
                bare.append(spent_bare)
                ours.append(spent_ours)
                alone.append(spent_alone)
            size = len(pdf)
        pages = len(HTML(string=html, base_url=BASE_URL, url_fetcher=PortalURLFetcher()).render().pages)
        forget()
        assert alone_pdf.startswith(b"%PDF")  # noqa: S101 - a broken rendering must not pass as fast
        click_ratio = statistics.median(clicks) / statistics.median(bare)
        met = click_ratio <= CLICK_GOAL
        ok &= met
        print(
            f"report Download PDF {language}: request {statistics.median(clicks) * 1000:.0f} ms vs report "
            f"page {statistics.median(bare) * 1000:.0f} ms → {click_ratio:.2f}× (goal ≤ {CLICK_GOAL}×) "
            f"{'OK' if met else 'MISSED'}"
        )
        ratio = statistics.median(ours) / statistics.median(alone)
        met = ratio <= GOAL
        ok &= met
        print(
            f"report PDF {language}: {pages} pages, {size / 1024:.0f} KiB; worker render median "
            f"{statistics.median(ours):.2f} s vs WeasyPrint alone {statistics.median(alone):.2f} s "
            f"→ {ratio:.2f}× (goal ≤ {GOAL}×) {'OK' if met else 'MISSED'}"
        )
    forget()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

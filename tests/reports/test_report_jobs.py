"""Report PDFs on the queue: Download PDF never renders in the request, one job per document however often
it is asked for, a status page that polls its JSON, failures retried, a cap per person, approvals that
prepare both languages, and pruning. Renders are faked here (WeasyPrint itself is tested in test_pdf.py
and through a real worker in test_worker.py)."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from assessments.models import Assessment
from assessments.services import assessment_start
from reports import jobs
from reports.maintenance import report_jobs_prune
from reports.models import ReportJob
from tests.assessments.conftest import Org
from tests.reports.conftest import approve

pytestmark = pytest.mark.django_db

FAKE_PDF = b"%PDF-1.7 fake"
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["reports", "emails"]}}


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []

    def fake(html: str, **kwargs: Any) -> bytes:
        calls.append(html)
        return FAKE_PDF

    monkeypatch.setattr(jobs, "html_to_pdf", fake)
    return calls


@pytest.fixture
def no_worker(settings: Any) -> None:
    """Enqueued tasks wait (nobody runs them), as they do in production between the click and a worker."""
    settings.TASKS = DUMMY


def _pdf_url(assessment: Assessment) -> str:
    return reverse("reports:report_pdf", args=[assessment.pk])


def test_download_waits_for_the_job_and_a_second_click_shares_it(
    client: Client, org: Org, assessment: Assessment, renders: list[str], no_worker: None
) -> None:
    client.force_login(org.manager)
    first = client.get(_pdf_url(assessment), HTTP_ACCEPT_LANGUAGE="en")
    assert first.status_code == 302
    job = ReportJob.objects.get()
    assert first["Location"] == reverse("reports:job", args=[job.pk])
    client.force_login(org.viewer)  # another person, the same document
    again = client.get(_pdf_url(assessment), HTTP_ACCEPT_LANGUAGE="en")
    assert again["Location"] == first["Location"]
    assert ReportJob.objects.count() == 1
    assert renders == []  # nothing rendered in a request

    page = client.get(first["Location"])
    assert page.status_code == 200
    body = page.content.decode()
    assert "js/report-job.js" in body
    assert not re.search(r"<script(?![^>]*\bsrc=)", body)  # no inline script (the CSP forbids it)
    status_url = reverse("reports:job_status", args=[job.pk])
    assert client.get(status_url).json()["status"] == "queued"

    assert jobs.report_job_run(job_id=job.pk) == "done"
    state = client.get(status_url).json()
    assert state["status"] == "done"
    assert state["download"] == reverse("reports:job_download", args=[job.pk])
    download = client.get(state["download"])
    assert download.content == FAKE_PDF
    assert download["Content-Disposition"].endswith('-en.pdf"')
    # Ready now: the button serves the file at once.
    assert client.get(_pdf_url(assessment), HTTP_ACCEPT_LANGUAGE="en").content == FAKE_PDF
    assert len(renders) == 1


def test_with_the_immediate_backend_the_pdf_comes_at_once_and_is_rendered_once(
    client: Client, org: Org, assessment: Assessment, renders: list[str]
) -> None:
    client.force_login(org.manager)
    for _ in range(2):
        response = client.get(_pdf_url(assessment), HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 200
        assert response.content == FAKE_PDF
    assert len(renders) == 1
    assert ReportJob.objects.get().language == "zh-hans"


def test_a_job_is_rendered_once_however_many_workers_run_it(
    org: Org, assessment: Assessment, renders: list[str], no_worker: None
) -> None:
    answer = jobs.report_pdf_request(assessment=assessment, user_id=org.manager.pk)
    assert answer.job is not None
    outcomes = [jobs.report_job_run(job_id=answer.job.pk) for _ in range(3)]
    assert outcomes == ["done", "skipped", "skipped"]
    assert len(renders) == 1


def test_a_changed_report_is_a_new_document(
    org: Org, assessment: Assessment, renders: list[str], no_worker: None
) -> None:
    jobs.report_pdf_request(assessment=assessment, user_id=org.manager.pk)
    assessment.title = "Renamed"
    assessment.save()
    jobs.report_pdf_request(assessment=assessment, user_id=org.manager.pk)
    assert ReportJob.objects.count() == 2


def test_a_failed_render_says_why_and_can_be_retried(
    client: Client, org: Org, assessment: Assessment, monkeypatch: pytest.MonkeyPatch, no_worker: None
) -> None:
    def broken(html: str, **kwargs: Any) -> bytes:
        raise RuntimeError("font missing")

    monkeypatch.setattr(jobs, "html_to_pdf", broken)
    client.force_login(org.manager)
    page_url = client.get(_pdf_url(assessment), HTTP_ACCEPT_LANGUAGE="en")["Location"]
    job = ReportJob.objects.get()
    assert jobs.report_job_run(job_id=job.pk) == "failed"
    state = client.get(reverse("reports:job_status", args=[job.pk])).json()
    assert state["status"] == "failed"
    assert "font missing" in state["error"]
    page = client.get(page_url).content.decode()
    assert "font missing" in page
    assert reverse("reports:job_retry", args=[job.pk]) in page

    monkeypatch.setattr(jobs, "html_to_pdf", lambda html, **kwargs: FAKE_PDF)
    assert client.post(reverse("reports:job_retry", args=[job.pk]))["Location"] == page_url
    job.refresh_from_db()
    assert (job.status, job.error) == ("queued", "")
    assert jobs.report_job_run(job_id=job.pk) == "done"
    assert client.get(reverse("reports:job_download", args=[job.pk])).content == FAKE_PDF


def test_one_person_may_wait_for_only_so_many_renders(
    client: Client, org: Org, assessment: Assessment, settings: Any, no_worker: None
) -> None:
    settings.REPORT_JOBS_PER_USER = 1
    client.force_login(org.viewer)
    assert client.get(_pdf_url(assessment), HTTP_ACCEPT_LANGUAGE="en").status_code == 302
    # The same document again is the same job, not a second one.
    assert client.get(_pdf_url(assessment), HTTP_ACCEPT_LANGUAGE="en").status_code == 302
    refused = client.get(_pdf_url(assessment), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert refused.status_code == 429
    assert "您已有 1 份报告正在生成" in refused.content.decode()  # in the reader's language
    assert refused["Retry-After"] == "15"
    assert ReportJob.objects.count() == 1
    # Someone else is not held up by the viewer's queue.
    client.force_login(org.manager)
    assert client.get(_pdf_url(assessment), HTTP_ACCEPT_LANGUAGE="zh-hans").status_code == 302


def test_a_job_whose_worker_vanished_is_retried(
    org: Org, assessment: Assessment, renders: list[str], no_worker: None
) -> None:
    job = jobs.report_pdf_request(assessment=assessment, user_id=org.manager.pk).job
    assert job is not None
    # A worker claimed it and was killed: the job stays "running" with nobody working on it.
    ReportJob.objects.filter(pk=job.pk).update(
        status="running", attempts=1, started_at=timezone.now() - timedelta(hours=1)
    )
    again = jobs.report_pdf_request(assessment=assessment, user_id=org.viewer.pk).job
    assert again is not None
    assert (again.pk, again.status) == (job.pk, "running")  # a click shares the job, it does not recover it
    assert jobs.report_job_watch(job_id=job.pk, attempt=1) == "requeued"  # the worker's watchdog does
    assert jobs.report_job_run(job_id=job.pk) == "done"
    assert len(renders) == 1


def test_approval_prepares_both_languages(
    org: Org,
    assessment: Assessment,
    renders: list[str],
    django_capture_on_commit_callbacks: Any,
    settings: Any,
) -> None:
    settings.REPORTS_PREPARE_ON_APPROVAL = True
    with django_capture_on_commit_callbacks(execute=True):
        approve(assessment, org, {})
    assert sorted(ReportJob.objects.values_list("language", "status")) == [
        ("en", "done"),
        ("zh-hans", "done"),
    ]
    assert len(renders) == 2
    with translation.override("en"):
        assert jobs.report_pdf_request(assessment=assessment, user_id=org.manager.pk).pdf == FAKE_PDF
    assert len(renders) == 2


def test_prune_removes_old_jobs_and_their_files(
    org: Org, assessment: Assessment, renders: list[str], settings: Any
) -> None:
    answer = jobs.report_pdf_request(assessment=assessment, user_id=org.manager.pk)
    assert answer.pdf == FAKE_PDF
    assert report_jobs_prune(older_than=timedelta(days=1)).jobs == 0
    ReportJob.objects.update(finished_at=timezone.now() - timedelta(days=40))
    out = io.StringIO()
    call_command("prune_report_jobs", "--days", "30", stdout=out)
    assert "pruned 1 report jobs" in out.getvalue()
    assert ReportJob.objects.count() == 0
    pruned = report_jobs_prune(older_than=timedelta(0))
    assert pruned.files == 1
    # Asked for again, it is rendered again.
    assert jobs.report_pdf_request(assessment=assessment, user_id=org.manager.pk).pdf == FAKE_PDF
    assert len(renders) == 2


def test_the_comparison_pdf_is_rendered_by_the_queue_too(
    client: Client, org: Org, assessment: Assessment, renders: list[str], no_worker: None
) -> None:
    last_year = assessment_start(
        organisation=org.organisation,
        user=org.manager,
        capability_model=assessment.capability_model,
        title="FY25",
        target_level=2,
        allow_retired=True,
    )
    client.force_login(org.viewer)
    url = reverse("reports:comparison_pdf", args=[org.organisation.pk])
    response = client.get(url, {"before": last_year.pk, "after": assessment.pk}, HTTP_ACCEPT_LANGUAGE="en")
    job = ReportJob.objects.get()
    assert response["Location"] == reverse("reports:job", args=[job.pk])
    assert (job.kind, job.assessment_id) == ("comparison", assessment.pk)
    assert renders == []
    jobs.report_job_run(job_id=job.pk)
    download = client.get(reverse("reports:job_download", args=[job.pk]))
    assert (
        download["Content-Disposition"]
        == f'attachment; filename="assessment-{assessment.pk}-comparison-en.pdf"'
    )
    assert client.get(
        url, {"before": last_year.pk, "after": assessment.pk}, HTTP_ACCEPT_LANGUAGE="en"
    ).content == (FAKE_PDF)


def test_the_status_poll_only_reads_and_the_watchdog_puts_a_lost_render_back(
    client: Client, org: Org, assessment: Assessment, renders: list[str], no_worker: None
) -> None:
    job = jobs.report_pdf_request(assessment=assessment, user_id=org.manager.pk).job
    assert job is not None
    ReportJob.objects.filter(pk=job.pk).update(
        status="running", attempts=1, started_at=timezone.now() - timedelta(minutes=5)
    )
    assert jobs.report_job_watch(job_id=job.pk, attempt=1) == "watching"  # within REPORT_JOB_STALE_AFTER
    ReportJob.objects.filter(pk=job.pk).update(started_at=timezone.now() - timedelta(hours=1))
    client.force_login(org.manager)
    status_url = reverse("reports:job_status", args=[job.pk])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(status_url).json()["status"] == "running"  # a GET never requeues
    writes = [
        q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert [w for w in writes if "reports_reportjob" in w or "django_tasks" in w] == []
    assert jobs.report_job_watch(job_id=job.pk, attempt=2) == "finished"  # another attempt's watchdog
    assert jobs.report_job_watch(job_id=job.pk, attempt=1) == "requeued"
    assert client.get(status_url).json()["status"] == "queued"
    assert jobs.report_job_watch(job_id=job.pk, attempt=1) == "finished"  # twice is harmless
    assert jobs.report_job_run(job_id=job.pk) == "done"

"""Report PDFs rendered by the task queue, never in a request.

*Download PDF* asks for the PDF of the report's current content (its HTML's hash, in the reader's language).
If the file exists it is served; otherwise there is exactly one ``ReportJob`` for that content — created by
the first request, found by every later one — and one task renders it. Renders take 8–11 s, so a person
may have only ``REPORT_JOBS_PER_USER`` of them waiting at once. A job whose worker vanished (killed, machine
gone) is put back in the queue by a worker once it has been "running" for ``REPORT_JOB_STALE_AFTER``: each
claimed render leaves a watchdog task due at that moment (``report_job_watch``). Reading a job's status
never writes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from assessments.access import AnyUser, AssessmentAccess, assessment_get_for_user
from assessments.models import Assessment

from .models import ReportJob
from .pdf import html_to_pdf
from .services import (
    cached_pdf,
    comparison_document_html,
    html_digest,
    pdf_store,
    report_document_html,
    report_pdf_name,
)

logger = logging.getLogger(__name__)

Status = ReportJob.Status
Kind = ReportJob.Kind


class ReportJobLimitError(Exception):
    """The person already waits for as many renders as one person may."""


@dataclass(frozen=True)
class PdfAnswer:
    """Either the PDF (it existed, or the immediate backend just rendered it) or the job to wait for."""

    pdf: bytes | None
    job: ReportJob | None


def report_language() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh-hans"


def _open_jobs(user_id: int) -> int:
    fresh = timezone.now() - settings.REPORT_JOB_STALE_AFTER
    return (
        ReportJob.objects.filter(requested_by_id=user_id)
        .filter(Q(status=Status.QUEUED) | Q(status=Status.RUNNING, started_at__gte=fresh))
        .count()
    )


def _enqueue(job: ReportJob) -> None:
    from .tasks import render_report_job

    render_report_job.enqueue(job.pk)


def _create(
    assessment: Assessment, kind: str, language: str, digest: str, html: str, user_id: int | None
) -> ReportJob:
    """The job for this document, created (and enqueued) unless another request created it first."""
    key = {"assessment": assessment, "language": language, "digest": digest}
    try:
        with transaction.atomic():
            if user_id is not None:
                # One request per person at a time passes this point, so the cap cannot be raced past.
                get_user_model().objects.select_for_update().filter(pk=user_id).first()
                if _open_jobs(user_id) >= settings.REPORT_JOBS_PER_USER:
                    raise ReportJobLimitError
            job = ReportJob.objects.create(**key, kind=kind, html=html, requested_by_id=user_id)
    except IntegrityError:
        return ReportJob.objects.get(**key)
    _enqueue(job)
    job.refresh_from_db()
    return job


def _requeue(job: ReportJob, html: str) -> ReportJob:
    """Puts a job back in the queue, if nobody else did since it was read (the status is compared)."""
    moved = ReportJob.objects.filter(pk=job.pk, status=job.status, attempts=job.attempts).update(
        status=Status.QUEUED, html=html, error="", file_name="", started_at=None, finished_at=None
    )
    if moved:
        _enqueue(job)
    job.refresh_from_db()
    return job


def _revive(job: ReportJob, html: str) -> ReportJob:
    """A done job whose file has gone (pruned) is rendered again (a lost running one is the watchdog's)."""
    if job.status == Status.DONE and cached_pdf(job.file_name) is None:
        return _requeue(job, html)
    return job


def _pdf_request(assessment: Assessment, kind: str, html: str, user_id: int | None) -> PdfAnswer:
    digest = html_digest(html)
    pdf = cached_pdf(report_pdf_name(assessment=assessment, digest=digest))
    if pdf is not None:
        return PdfAnswer(pdf=pdf, job=None)
    language = report_language()
    job = ReportJob.objects.filter(assessment=assessment, language=language, digest=digest).first()
    job = _create(assessment, kind, language, digest, html, user_id) if job is None else _revive(job, html)
    return PdfAnswer(pdf=report_job_pdf(job), job=job)


def report_pdf_request(*, assessment: Assessment, user_id: int | None) -> PdfAnswer:
    """The report's PDF in the active language if it exists, else the one job rendering it."""
    return _pdf_request(assessment, Kind.REPORT, report_document_html(assessment=assessment), user_id)


def comparison_pdf_request(*, before: Assessment, after: Assessment, user_id: int | None) -> PdfAnswer:
    """The comparison's PDF, likewise (kept with the later assessment)."""
    html = comparison_document_html(before=before, after=after)
    return _pdf_request(after, Kind.COMPARISON, html, user_id)


def _watch(job_id: int, attempt: int, *, at: datetime) -> None:
    """Asks a worker to look at this render again when it would count as lost (only a queue that can
    run a task later can; the immediate backend of the tests would look at once, while it renders)."""
    from .tasks import watch_report_job

    if watch_report_job.get_backend().supports_defer:
        watch_report_job.using(run_after=at).enqueue(job_id, attempt)


def report_job_watch(*, job_id: int, attempt: int) -> str:
    """The watchdog of one render attempt, run by a worker: a render still "running" after
    ``REPORT_JOB_STALE_AFTER`` lost its worker (killed, machine gone: django-tasks-db leaves its task row
    RUNNING for ever) and goes back to the queue. Recovery happens here, never in a request that reads."""
    job = ReportJob.objects.filter(pk=job_id).first()
    if job is None or job.status != Status.RUNNING or job.attempts != attempt or job.started_at is None:
        return "finished"  # done, failed, or already tried again: this attempt is not lost
    lost_at = job.started_at + settings.REPORT_JOB_STALE_AFTER
    if timezone.now() < lost_at:  # woken early (clocks of two machines): look again then
        _watch(job_id, attempt, at=lost_at)
        return "watching"
    _requeue(job, job.html)
    return "requeued"


def report_job_pdf(job: ReportJob) -> bytes | None:
    return cached_pdf(job.file_name) if job.status == Status.DONE and job.file_name else None


def report_job_retry(*, job: ReportJob, user_id: int) -> ReportJob:
    """A failed render, tried again at a person's request (who then waits for it, within their cap)."""
    if job.status != Status.FAILED:
        return job
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=user_id).first()
        if _open_jobs(user_id) >= settings.REPORT_JOBS_PER_USER:
            raise ReportJobLimitError
        ReportJob.objects.filter(pk=job.pk).update(requested_by_id=user_id)
    return _requeue(job, job.html)


def report_job_run(*, job_id: int) -> str:
    """Renders one job (the task's body). Claimed by a compare-and-set, so two workers render it once."""
    started = timezone.now()
    with transaction.atomic():  # the claim and its watchdog together: no moment when a kill loses the job
        claimed = ReportJob.objects.filter(pk=job_id, status=Status.QUEUED).update(
            status=Status.RUNNING, started_at=started, attempts=F("attempts") + 1
        )
        if not claimed:
            return "skipped"
        job = ReportJob.objects.select_related("assessment").get(pk=job_id)
        _watch(job_id, job.attempts, at=started + settings.REPORT_JOB_STALE_AFTER)
    try:
        pdf = html_to_pdf(job.html)
        name = pdf_store(report_pdf_name(assessment=job.assessment, digest=job.digest), pdf)
        if name is None:
            raise OSError(_("The PDF could not be stored."))
    except Exception as error:
        logger.exception("report job %s failed", job_id)
        ReportJob.objects.filter(pk=job_id, status=Status.RUNNING).update(
            status=Status.FAILED, error=f"{type(error).__name__}: {error}"[:500], finished_at=timezone.now()
        )
        return "failed"
    ReportJob.objects.filter(pk=job_id, status=Status.RUNNING).update(
        status=Status.DONE, file_name=name, html="", finished_at=timezone.now()
    )
    return "done"


def report_job_get_for_user(*, user: AnyUser, pk: int) -> tuple[ReportJob, AssessmentAccess]:
    """The job and the person's access to its assessment; 404 for a job of an assessment they cannot see."""
    job = ReportJob.objects.filter(pk=pk).first()
    if job is None:
        raise Http404
    return job, assessment_get_for_user(user=user, pk=job.assessment_id)


def reports_prepare(*, assessment_id: int) -> list[str]:
    """Both languages' PDFs of an approved assessment, queued so they are ready when someone looks."""
    from django.utils.translation import override

    assessment = Assessment.objects.filter(pk=assessment_id).first()
    if assessment is None:
        return []
    outcomes = []
    for language in ("zh-hans", "en"):
        with override(language):
            answer = report_pdf_request(assessment=assessment, user_id=None)
        outcomes.append(f"{language}: {'ready' if answer.pdf is not None else 'queued'}")
    return outcomes

"""Certification packages built by the task queue, never in a request — the pattern of ``reports.jobs``.

*Certification package* asks for the package of the assessment's current content (``package_digest``: the
approved record, its evidence, the action plan and the signing key). If that zip exists it is served;
otherwise there is exactly one ``PackageJob`` for that content — created by the first request, found by every
later one — and one task builds it (two PDFs and every file: seconds to minutes). A person may wait for
``REPORT_JOBS_PER_USER`` builds at once; a build "running" for ``REPORT_JOB_STALE_AFTER`` lost its worker
and is queued again when someone looks.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from assessments.models import Assessment

from .models import PackageJob
from .services.package import certification_package_build, package_digest

logger = logging.getLogger(__name__)

Status = PackageJob.Status
FOLDER = "certification-packages"


class PackageJobLimitError(Exception):
    """The person already waits for as many builds as one person may."""


def package_file_name(*, assessment: Assessment, digest: str) -> str:
    return f"{FOLDER}/{assessment.organisation_id}/{assessment.pk}/{digest}.zip"


def package_job_file(job: PackageJob) -> str | None:
    """The stored zip of a finished job, None while it is not there (building, failed or pruned)."""
    if job.status != Status.DONE or not job.file_name:
        return None
    try:
        return job.file_name if default_storage.exists(job.file_name) else None
    except OSError:
        return None


def _open_jobs(user_id: int) -> int:
    fresh = timezone.now() - settings.REPORT_JOB_STALE_AFTER
    return (
        PackageJob.objects.filter(requested_by_id=user_id)
        .filter(Q(status=Status.QUEUED) | Q(status=Status.RUNNING, started_at__gte=fresh))
        .count()
    )


def _enqueue(job: PackageJob) -> None:
    from .tasks import build_certification_package

    build_certification_package.enqueue(job.pk)


def _create(assessment: Assessment, digest: str, user_id: int) -> PackageJob:
    try:
        with transaction.atomic():
            # One request per person at a time passes this point, so the cap cannot be raced past.
            get_user_model().objects.select_for_update().filter(pk=user_id).first()
            if _open_jobs(user_id) >= settings.REPORT_JOBS_PER_USER:
                raise PackageJobLimitError
            job = PackageJob.objects.create(assessment=assessment, digest=digest, requested_by_id=user_id)
    except IntegrityError:
        return PackageJob.objects.get(assessment=assessment, digest=digest)
    _enqueue(job)
    job.refresh_from_db()
    return job


def _requeue(job: PackageJob) -> PackageJob:
    """Back in the queue, if nobody else moved it since it was read (status and attempts compared)."""
    moved = PackageJob.objects.filter(pk=job.pk, status=job.status, attempts=job.attempts).update(
        status=Status.QUEUED, error="", file_name="", started_at=None, finished_at=None
    )
    if moved:
        _enqueue(job)
    job.refresh_from_db()
    return job


def package_job_recover(job: PackageJob) -> PackageJob:
    """A done job whose file is gone, or a running one whose worker vanished, goes back to work."""
    if job.status == Status.DONE and package_job_file(job) is None:
        return _requeue(job)
    stale = timezone.now() - settings.REPORT_JOB_STALE_AFTER
    if job.status == Status.RUNNING and job.started_at is not None and job.started_at < stale:
        return _requeue(job)
    return job


def package_request(*, assessment: Assessment, user_id: int) -> PackageJob:
    """The job of the package of the assessment's current content: found, revived or created."""
    digest = package_digest(assessment=assessment)
    job = PackageJob.objects.filter(assessment=assessment, digest=digest).first()
    return _create(assessment, digest, user_id) if job is None else package_job_recover(job)


def package_job_retry(*, job: PackageJob, user_id: int) -> PackageJob:
    """A failed build, tried again at a person's request (within their cap)."""
    if job.status != Status.FAILED:
        return job
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=user_id).first()
        if _open_jobs(user_id) >= settings.REPORT_JOBS_PER_USER:
            raise PackageJobLimitError
        PackageJob.objects.filter(pk=job.pk).update(requested_by_id=user_id)
    return _requeue(job)


def package_job_run(*, job_id: int) -> str:
    """Builds one job (the task's body). Claimed by a compare-and-set, so two workers build it once."""
    claimed = PackageJob.objects.filter(pk=job_id, status=Status.QUEUED).update(
        status=Status.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1
    )
    if not claimed:
        return "skipped"
    job = PackageJob.objects.select_related("assessment__organisation", "assessment__capability_model").get(
        pk=job_id
    )
    try:
        data = certification_package_build(assessment=job.assessment)
        name = package_file_name(assessment=job.assessment, digest=job.digest)
        if default_storage.exists(name):
            default_storage.delete(name)
        name = default_storage.save(name, ContentFile(data))
    except Exception as error:
        logger.exception("certification package job %s failed", job_id)
        PackageJob.objects.filter(pk=job_id, status=Status.RUNNING).update(
            status=Status.FAILED, error=f"{type(error).__name__}: {error}"[:500], finished_at=timezone.now()
        )
        return "failed"
    PackageJob.objects.filter(pk=job_id, status=Status.RUNNING).update(
        status=Status.DONE, file_name=name, finished_at=timezone.now()
    )
    return "done"

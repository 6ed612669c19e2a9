"""The improvement loop's background task (run by ``manage.py db_worker``); the work: ``package_jobs``."""

from __future__ import annotations

from django_tasks import task

from . import package_jobs


@task(queue_name="reports")
def build_certification_package(job_id: int) -> str:
    return package_jobs.package_job_run(job_id=job_id)

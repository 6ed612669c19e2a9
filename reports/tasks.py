"""The reports' background tasks (run by ``manage.py db_worker``); the work itself is in ``reports.jobs``."""

from __future__ import annotations

from django_tasks import task

from . import jobs


@task(queue_name="reports")
def render_report_job(job_id: int) -> str:
    return jobs.report_job_run(job_id=job_id)


@task(queue_name="reports")
def prepare_approved_reports(assessment_id: int) -> list[str]:
    return jobs.reports_prepare(assessment_id=assessment_id)


@task(queue_name="reports")
def watch_report_job(job_id: int, attempt: int) -> str:
    return jobs.report_job_watch(job_id=job_id, attempt=attempt)

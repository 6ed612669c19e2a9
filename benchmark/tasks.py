"""The peer benchmark's background work: the daily snapshot, run by a worker (``manage.py db_worker``).

The trigger is outside the portal, as for every daily job (README "Background work"): cron or a systemd
timer runs ``manage.py benchmark_snapshot``, which only queues this task, so the day's scoring of every
approved assessment happens on a worker, never in the timer's short-lived process or a web request.
"""

from __future__ import annotations

from django_tasks import task

from .services import snapshot_compute


@task(queue_name="default")
def take_benchmark_snapshot() -> list[str]:
    """Computes and publishes today's snapshot of every model code; says what each counted."""
    return [
        f"{snapshot.model_code}: {snapshot.organisations} organisations" for snapshot in snapshot_compute()
    ]

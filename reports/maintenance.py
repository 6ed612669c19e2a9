"""Pruning what the background renders leave behind: old jobs and PDFs nobody asked for lately.

A pruned PDF costs nothing but a new render when someone asks for it again, so pruning is always safe.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core.files.storage import default_storage
from django.utils import timezone

from .models import ReportJob
from .services import CACHE_FOLDER


@dataclass(frozen=True)
class Pruned:
    jobs: int
    files: int


def _files(folder: str) -> list[str]:
    try:
        folders, files = default_storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return []
    return [f"{folder}/{name}" for name in files] + [
        path for name in folders for path in _files(f"{folder}/{name}")
    ]


def report_jobs_prune(*, older_than: timedelta) -> Pruned:
    """Deletes finished or failed jobs that ended before ``older_than`` ago, then every cached PDF that is
    that old and that no remaining job points to."""
    cutoff = timezone.now() - older_than
    finished = ReportJob.objects.filter(
        status__in=[ReportJob.Status.DONE, ReportJob.Status.FAILED], finished_at__lt=cutoff
    )
    jobs, _by_model = finished.delete()
    kept = set(ReportJob.objects.exclude(file_name="").values_list("file_name", flat=True))
    files = 0
    for name in _files(CACHE_FOLDER):
        if name in kept:
            continue
        try:
            old = default_storage.get_modified_time(name) < cutoff
        except (OSError, NotImplementedError):
            old = True
        if old:
            default_storage.delete(name)
            files += 1
    return Pruned(jobs=jobs, files=files)

"""A report PDF being rendered in the background: one row per document (assessment, language, content hash).

The unique constraint is what makes two clicks, two people, or the approval and a click share one render:
whoever comes second finds the row the first created. The row keeps the HTML it was created for, so the PDF
shows exactly the content its hash names, however the assessment changes while the job waits.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessments.models import Assessment


class ReportJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Rendering")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    class Kind(models.TextChoices):
        REPORT = "report", _("Report")
        COMPARISON = "comparison", _("Comparison")

    # The report's assessment; for a comparison, the later of the two (both are of one organisation).
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.REPORT)
    language = models.CharField(max_length=10)
    digest = models.CharField(max_length=64)
    html = models.TextField(blank=True)  # the document to render; emptied once the PDF exists
    file_name = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["assessment", "language", "digest"], name="reports_job_one_per_document"
            )
        ]
        indexes: ClassVar = [models.Index(fields=["requested_by", "status"], name="reports_job_user_status")]

    def __str__(self) -> str:
        return f"report {self.assessment_id} {self.language} {self.digest[:12]} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

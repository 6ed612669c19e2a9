"""The action plan of an assessment: what the organisation will do to close its gaps, by whom and when.

An action addresses the criteria of one capability item that keep it below a level
(``capability_model.gaps``); ``phase`` is that level, so the plan reads foundations first, and ``effort``
the rating steps it must climb, so that quick wins come first inside a phase.
Every change is kept in the history, as for answers.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from assessments.models import Assessment, AuditedManager, HistoryUsername
from capability_model.models import MAX_LEVEL, MIN_LEVEL, CapabilityItem, Criterion


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    BLOCKED = "blocked", _("Blocked")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


# Work still to do: carried into the next assessment, counted by the readiness verdict and the reminders.
OPEN_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.BLOCKED)


class Priority(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class Action(models.Model):
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="actions", verbose_name=_("assessment")
    )
    item = models.ForeignKey(
        CapabilityItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("capability item")
    )
    criteria = models.ManyToManyField(Criterion, related_name="+", blank=True, verbose_name=_("criteria"))
    title = models.CharField(_("title"), max_length=200)
    phase = models.PositiveSmallIntegerField(
        _("phase (level)"),
        validators=[MinValueValidator(MIN_LEVEL), MaxValueValidator(MAX_LEVEL)],
        help_text=_("The level this action helps the item reach; lower levels come first."),
    )
    effort = models.PositiveSmallIntegerField(
        _("rating steps"), default=0, help_text=_("Steps between the current and required ratings.")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    owner_name = models.CharField(
        _("owner outside the portal"),
        max_length=200,
        blank=True,
        help_text=_("A named person without an account."),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority.choices, default=Priority.MEDIUM
    )
    notes = models.TextField(_("notes"), blank=True)
    carried_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_to",
        verbose_name=_("carried over from"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AuditedManager()
    history = HistoricalRecords(
        excluded_fields=["updated_at"], bases=[HistoryUsername], m2m_fields=[criteria]
    )

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering: ClassVar = ["phase", "effort", "pk"]
        constraints: ClassVar = [
            models.CheckConstraint(condition=Q(status__in=ActionStatus.values), name="action_status_valid"),
            models.CheckConstraint(condition=Q(priority__in=Priority.values), name="action_priority_valid"),
            models.CheckConstraint(
                condition=Q(phase__gte=MIN_LEVEL, phase__lte=MAX_LEVEL), name="action_phase_in_range"
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["assessment", "status"], name="action_assessment_status"),
            models.Index(fields=["status", "due_date"], name="action_status_due"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def owner_label(self) -> str:
        if self.owner is not None:
            return self.owner.get_full_name() or self.owner.get_username()
        return self.owner_name


def action_evidence_upload_to(instance: ActionEvidence, filename: str) -> str:
    """A random name under the organisation's folder, as for answers' evidence (erased with it)."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"action-evidence/{instance.action.assessment.organisation_id}/{uuid.uuid4().hex}.{extension}"


class ActionEvidence(models.Model):
    """A file showing that an action was carried out; checked like answers' evidence, served only
    through an access check."""

    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("action")
    )
    file = models.FileField(_("file"), upload_to=action_evidence_upload_to, max_length=255)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(pgettext_lazy("file", "size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = AuditedManager()
    history = HistoricalRecords(bases=[HistoryUsername])

    class Meta:
        verbose_name = _("closure evidence")
        verbose_name_plural = _("closure evidence")
        ordering: ClassVar = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class PackageJob(models.Model):
    """One build of an assessment's certification package by the task queue, as ``reports.ReportJob`` is for
    a PDF: one row per content (``digest`` of everything the package holds), claimed by one worker."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Building")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64)
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
            models.UniqueConstraint(fields=["assessment", "digest"], name="package_job_one_per_content")
        ]
        indexes: ClassVar = [models.Index(fields=["requested_by", "status"], name="package_job_user_status")]

    def __str__(self) -> str:
        return f"package {self.assessment_id} {self.digest[:12]} ({self.status})"

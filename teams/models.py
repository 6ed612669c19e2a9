"""Team work on an assessment: parts handed to members (``Assignment``), and criteria opened to several
respondents (``Panel``) whose own answers (``Response``) a person consolidates into the assessment's
``Answer`` — which stays the one rating that scoring, review and reports use.

A part is a whole domain or one capability item. Where an item and its domain are both assigned, the
item's assignment is the more specific and decides who holds the item.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from assessments.models import RATING_CHOICES, RATING_VALUES, Assessment, AuditedManager, HistoryUsername
from capability_model.models import CapabilityItem, Criterion, Domain

# Exactly one of domain and item names the part.
_ONE_PART = (Q(domain__isnull=False) & Q(item__isnull=True)) | (
    Q(domain__isnull=True) & Q(item__isnull=False)
)


class Assignment(models.Model):
    """A domain or an item of an assessment handed to one member, with a due date and a note."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="team_assignments", verbose_name=_("assessment")
    )
    domain = models.ForeignKey(
        Domain, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("domain")
    )
    item = models.ForeignKey(
        CapabilityItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("capability item"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="team_assignments",
        verbose_name=_("assigned to"),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = AuditedManager()
    history = HistoricalRecords(bases=[HistoryUsername])

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints: ClassVar = [
            models.CheckConstraint(condition=_ONE_PART, name="teams_assignment_one_part"),
            models.UniqueConstraint(
                fields=["assessment", "domain"],
                condition=Q(domain__isnull=False),
                name="teams_assignment_domain",
            ),
            models.UniqueConstraint(
                fields=["assessment", "item"], condition=Q(item__isnull=False), name="teams_assignment_item"
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["assignee", "due_date"], name="teams_assignment_due")]

    def __str__(self) -> str:
        part = self.item or self.domain
        return f"{self.assessment_id}: {part} → {self.assignee}"

    @property
    def part_code(self) -> str:
        return self.item.code if self.item else self.domain.code if self.domain else ""

    @property
    def domain_code(self) -> str:
        """The domain the part lies in: where the questionnaire opens for it."""
        return self.item.domain.code if self.item else self.domain.code if self.domain else ""


class Panel(models.Model):
    """An item or a whole domain opened to several respondents, each answering on their own."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="team_panels", verbose_name=_("assessment")
    )
    domain = models.ForeignKey(
        Domain, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("domain")
    )
    item = models.ForeignKey(
        CapabilityItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("capability item"),
    )
    respondents = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="team_panels", verbose_name=_("respondents")
    )
    blind = models.BooleanField(
        _("blind"),
        default=False,
        help_text=_("Respondents see the others' ratings only after giving their own."),
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = AuditedManager()
    history = HistoricalRecords(bases=[HistoryUsername], m2m_fields=[respondents])

    class Meta:
        verbose_name = _("respondent panel")
        verbose_name_plural = _("respondent panels")
        constraints: ClassVar = [
            models.CheckConstraint(condition=_ONE_PART, name="teams_panel_one_part"),
            models.UniqueConstraint(
                fields=["assessment", "domain"], condition=Q(domain__isnull=False), name="teams_panel_domain"
            ),
            models.UniqueConstraint(
                fields=["assessment", "item"], condition=Q(item__isnull=False), name="teams_panel_item"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}: {self.item or self.domain}"


class Response(models.Model):
    """One respondent's own answer to one criterion: rating, comment and where the evidence is."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="team_responses", verbose_name=_("assessment")
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="+", verbose_name=_("criterion")
    )
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="team_responses",
        verbose_name=_("respondent"),
    )
    rating = models.CharField(_("rating"), max_length=2, choices=RATING_CHOICES, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    evidence = models.TextField(
        _("evidence"), blank=True, help_text=_("Which documents or records show it (files go on the answer).")
    )
    # Optimistic concurrency, as for answers: a save names the revision it was made against.
    revision = models.PositiveIntegerField(_("revision"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AuditedManager()
    history = HistoricalRecords(excluded_fields=["updated_at"], bases=[HistoryUsername])

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["assessment", "criterion", "respondent"], name="teams_response_unique"
            ),
            models.CheckConstraint(
                condition=Q(rating__in=["", *RATING_VALUES]), name="teams_response_rating_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}/{self.criterion_id}/{self.respondent_id}: {self.rating or '—'}"

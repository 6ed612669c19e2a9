"""Organisations, their people, and their assessments against one capability model version.

An assessment points at the exact model version it was started on (``PROTECT``): that reference is what
locks the version against edits, so an assessment's criteria never change under it.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from capability_model.models import MAX_LEVEL, MIN_LEVEL, CapabilityModel, Criterion
from capability_model.scoring import Rating
from common.validators import validate_single_line

from .audit import AuditBypassError as AuditBypassError  # re-exported: the models' managers raise it
from .audit import AuditedManager
from .workflow import State


class HistoryUsername(models.Model):
    """Base of the history rows: who made the change, by name, so that the audit trail still says who
    after the account is deleted (``history_user`` then becomes NULL)."""

    history_username = models.CharField(_("changed by (username)"), max_length=150, blank=True)

    class Meta:
        abstract = True


def _record_history_username(
    sender: Any, history_instance: Any, history_user: Any = None, **kwargs: Any
) -> None:
    if history_user is not None and not history_instance.history_username:
        history_instance.history_username = history_user.get_username()


pre_create_historical_record.connect(_record_history_username, dispatch_uid="assessments_history_username")


class Industry(models.TextChoices):
    TELECOM = "telecom", _("Telecom")
    FINANCE = "finance", _("Finance")
    ECOMMERCE = "ecommerce", _("E-commerce")
    RETAIL = "retail", _("Retail")
    INSURANCE = "insurance", _("Insurance")
    MANUFACTURING = "manufacturing", _("Manufacturing")
    LOGISTICS = "logistics", _("Logistics")
    PUBLIC_SECTOR = "public_sector", _("Public sector")
    OTHER = "other", _("Other")


class OrganisationSize(models.TextChoices):
    SMALL = "small", _("< 50 seats")
    MEDIUM = "medium", _("50–199 seats")
    LARGE = "large", _("200–999 seats")
    XLARGE = "xlarge", _("1,000+ seats")


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True, validators=[validate_single_line])
    industry = models.CharField(
        _("industry"), max_length=32, choices=Industry.choices, default=Industry.OTHER
    )
    size = models.CharField(
        pgettext_lazy("organisation", "size"),
        max_length=16,
        choices=OrganisationSize.choices,
        default=OrganisationSize.SMALL,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering: ClassVar = ["name"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(industry__in=Industry.values), name="organisation_industry_valid"
            ),
            models.CheckConstraint(
                condition=Q(size__in=OrganisationSize.values), name="organisation_size_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


MEMBER_AND_CONSULTANT = _("Nobody can be both a member and the assigned consultant of the same organisation.")


class Role(models.TextChoices):
    MANAGER = "manager", _("Manager")
    CONTRIBUTOR = "contributor", _("Contributor")
    VIEWER = "viewer", _("Viewer")


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.VIEWER)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.get_role_display()})"

    def clean(self) -> None:
        if ConsultantAssignment.objects.filter(
            consultant_id=self.user_id, organisation_id=self.organisation_id
        ).exists():
            raise ValidationError(MEMBER_AND_CONSULTANT, code="member_and_consultant")


class ConsultantAssignment(models.Model):
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="consultant_assignments",
        verbose_name=_("consultant"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="consultant_assignments",
        verbose_name=_("organisation"),
    )

    class Meta:
        verbose_name = _("consultant assignment")
        verbose_name_plural = _("consultant assignments")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["consultant", "organisation"], name="consultant_assignment_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.consultant} → {self.organisation}"

    def clean(self) -> None:
        if Membership.objects.filter(
            user_id=self.consultant_id, organisation_id=self.organisation_id
        ).exists():
            raise ValidationError(MEMBER_AND_CONSULTANT, code="member_and_consultant")


class Invitation(models.Model):
    """An existing account asked to join an organisation: a membership only once its owner accepts."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("organisation")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.VIEWER)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "organisation"], name="invitation_unique"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="invitation_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.organisation} ({self.get_role_display()})"


class AssessmentState(models.TextChoices):
    """The states of ``workflow.State`` with their labels (the workflow module stays free of Django)."""

    DRAFT = State.DRAFT.value, _("Draft")
    SUBMITTED = State.SUBMITTED.value, _("Submitted")
    IN_REVIEW = State.IN_REVIEW.value, _("In review")
    RETURNED = State.RETURNED.value, _("Returned")
    APPROVED = State.APPROVED.value, _("Approved")


class Assessment(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("organisation")
    )
    capability_model = models.ForeignKey(
        CapabilityModel,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("capability model"),
    )
    title = models.CharField(_("title"), max_length=200, validators=[validate_single_line])
    target_level = models.PositiveSmallIntegerField(
        _("target level"), validators=[MinValueValidator(MIN_LEVEL), MaxValueValidator(MAX_LEVEL)], default=3
    )
    scope = models.TextField(_("scope"), blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=AssessmentState.choices, default=AssessmentState.DRAFT
    )
    baseline = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("baseline assessment"),
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
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewing consultant"),
    )
    return_reason = models.TextField(_("reason for returning"), blank=True)
    approval_note = models.TextField(_("approval note"), blank=True)
    # Raised with every change to the assessment's answers, reviews and evidence (``services``), so that a
    # page or dashboard row cached under it is never served after the data changed. A counter, not a
    # time: concurrent writers raise it in commit order, and an aggregate over the answers would cost a
    # read of every answer on every page.
    revision = models.PositiveIntegerField(_("revision"), default=0, editable=False)

    # Bookkeeping, not a change anyone made: the history leaves them out, and the services raise them with
    # one UPDATE (``services.answers.assessment_changed``).
    UNAUDITED_FIELDS: ClassVar = ("updated_at", "revision")
    objects = AuditedManager()
    history = HistoricalRecords(excluded_fields=list(UNAUDITED_FIELDS), bases=[HistoryUsername])

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering: ClassVar = ["-created_at"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(target_level__gte=MIN_LEVEL, target_level__lte=MAX_LEVEL),
                name="assessment_target_level_in_range",
            ),
            models.CheckConstraint(
                condition=Q(state__in=AssessmentState.values), name="assessment_state_valid"
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["organisation", "state"], name="assessment_org_state")]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.title}"


RATING_CHOICES = [
    (Rating.N.value, _("N Not achieved (0–15 %)")),
    (Rating.P.value, _("P Partially achieved (>15–50 %)")),
    (Rating.L.value, _("L Largely achieved (>50–85 %)")),
    (Rating.F.value, _("F Fully achieved (>85–100 %)")),
    (Rating.NA.value, _("NA Not applicable")),
]
RATING_VALUES = [value for value, _label in RATING_CHOICES]


class Answer(models.Model):
    """One criterion of one assessment: the self-assessment and, after review, the verified rating."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="answers", verbose_name=_("assessment")
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="answers", verbose_name=_("criterion")
    )
    rating = models.CharField(_("rating"), max_length=2, choices=RATING_CHOICES, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    justification = models.TextField(_("justification"), blank=True, help_text=_("Required for NA."))
    flagged = models.BooleanField(_("flagged for follow-up"), default=False)
    carried_over = models.BooleanField(
        _("carried over"),
        default=False,
        help_text=_("Copied from an earlier assessment and not yet confirmed."),
    )
    # Optimistic concurrency: a save names the revision it was made against and is refused when it moved on.
    revision = models.PositiveIntegerField(_("revision"), default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    verified_rating = models.CharField(_("verified rating"), max_length=2, choices=RATING_CHOICES, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    objects = AuditedManager()
    history = HistoricalRecords(excluded_fields=["updated_at"], bases=[HistoryUsername])

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="answer_unique_per_criterion"),
            models.CheckConstraint(condition=Q(rating__in=["", *RATING_VALUES]), name="answer_rating_valid"),
            models.CheckConstraint(
                condition=Q(verified_rating__in=["", *RATING_VALUES]), name="answer_verified_rating_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}/{self.criterion_id}: {self.rating or '—'}"

    @property
    def changed_since_review(self) -> bool:
        """The organisation changed its answer after the consultant last reviewed it."""
        return self.reviewed_at is not None and self.updated_at > self.reviewed_at


def evidence_upload_to(instance: Evidence, filename: str) -> str:
    """A random name under the organisation's folder: the user's file name never reaches the file system."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"evidence/{instance.answer.assessment.organisation_id}/{uuid.uuid4().hex}.{extension}"


class Evidence(models.Model):
    """A file attached to one answer; stored outside the static tree, served only through an access check."""

    answer = models.ForeignKey(
        Answer, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("answer")
    )
    file = models.FileField(_("file"), upload_to=evidence_upload_to, max_length=255)
    original_name = models.CharField(_("file name"), max_length=200, validators=[validate_single_line])
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
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering: ClassVar = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name

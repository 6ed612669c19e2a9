"""The peer benchmark's data: each organisation's opt-in and cohort attributes, and the daily snapshots.

The organisation's own ``industry`` and ``size`` stay where they are (assessments); the peer profile holds
the values the benchmark uses, initialised from them, so that the benchmark never changes the Organisation
table.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from assessments.models import Industry, Organisation, OrganisationSize


class PeerProfile(models.Model):
    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="peer_profile", verbose_name=_("organisation")
    )
    industry = models.CharField(
        _("industry"), max_length=32, choices=Industry.choices, default=Industry.OTHER
    )
    size = models.CharField(
        pgettext_lazy("organisation", "size band"),
        max_length=16,
        choices=OrganisationSize.choices,
        default=OrganisationSize.SMALL,
    )
    opted_in = models.BooleanField(_("take part in the peer benchmark"), default=False)
    opted_in_at = models.DateTimeField(_("opted in at"), null=True, blank=True)
    opted_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opted in by"),
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("peer profile")
        verbose_name_plural = _("peer profiles")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(industry__in=Industry.values), name="peer_profile_industry_valid"
            ),
            models.CheckConstraint(
                condition=Q(size__in=OrganisationSize.values), name="peer_profile_size_valid"
            ),
        ]

    def __str__(self) -> str:
        return str(self.organisation)


class Snapshot(models.Model):
    """One daily computation for one model code; its cohorts are what the pages show until the next."""

    model_code = models.CharField(_("model code"), max_length=64)
    computed_at = models.DateTimeField(_("computed at"), db_index=True)
    organisations = models.PositiveIntegerField(_("organisations counted"), default=0)

    class Meta:
        verbose_name = _("benchmark snapshot")
        verbose_name_plural = _("benchmark snapshots")
        ordering: ClassVar = ["-computed_at", "-pk"]
        indexes: ClassVar = [models.Index(fields=["model_code", "-computed_at"], name="snapshot_code_time")]

    def __str__(self) -> str:
        return f"{self.model_code} {self.computed_at:%Y-%m-%d %H:%M}"


class SnapshotCohort(models.Model):
    """The members of one cohort as published: ``members`` is a list of [organisation id, assessment id,
    {dimension: index}]. Organisation ids are kept so that a viewer's own organisations can be left out;
    they are never shown."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="cohorts")
    key = models.CharField(_("cohort"), max_length=100)
    members = models.JSONField(default=list)
    fresh = models.BooleanField(_("recomputed"), default=True)
    published_at = models.DateTimeField(_("published at"))

    class Meta:
        verbose_name = _("benchmark cohort")
        verbose_name_plural = _("benchmark cohorts")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["snapshot", "key"], name="cohort_unique_key")
        ]

    def __str__(self) -> str:
        return self.key

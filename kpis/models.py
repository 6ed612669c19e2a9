"""An organisation's own KPI values: one value per KPI and period (month or quarter, the KPI's cadence).

Values belong to the organisation, not to an assessment: every assessment on a model version whose
dictionary has the KPI reads the latest value. Every change is kept with who and when (simple_history).
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from assessments.models import HistoryUsername, Organisation
from capability_model.models import Kpi
from common.validators import validate_single_line


def kpi_evidence_upload_to(instance: KpiValue, filename: str) -> str:
    """A random name under the organisation's folder: the user's file name never reaches the file system."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"kpi-evidence/{instance.organisation_id}/{uuid.uuid4().hex}.{extension}"


class KpiValue(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="kpi_values", verbose_name=_("organisation")
    )
    # PROTECT: a version whose KPIs carry an organisation's figures is not deleted with them.
    kpi = models.ForeignKey(Kpi, on_delete=models.PROTECT, related_name="values", verbose_name=_("KPI"))
    period_start = models.DateField(_("period"), help_text=_("First day of the month or quarter."))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=4)
    source = models.CharField(
        _("source"), max_length=200, validators=[validate_single_line], help_text=_("e.g. ACD monthly report")
    )
    evidence = models.FileField(_("evidence"), upload_to=kpi_evidence_upload_to, max_length=255, blank=True)
    evidence_name = models.CharField(_("file name"), max_length=200, blank=True)
    evidence_type = models.CharField(_("content type"), max_length=100, blank=True)
    evidence_size = models.PositiveBigIntegerField(pgettext_lazy("file", "size"), default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    history = HistoricalRecords(bases=[HistoryUsername])

    class Meta:
        verbose_name = _("KPI value")
        verbose_name_plural = _("KPI values")
        ordering: ClassVar = ["organisation", "kpi__order", "-period_start"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["organisation", "kpi", "period_start"], name="kpi_value_one_per_period"
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["organisation", "period_start"], name="kpi_value_org_period"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.kpi_id} {self.period_start}: {self.value}"

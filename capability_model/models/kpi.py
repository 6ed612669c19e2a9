"""The KPI dictionary of a model version: what each figure means, and the threshold a criterion asks of it.

A KPI belongs to one version, like its criteria, and is locked with it. A threshold ties one criterion to one
KPI of the same version: "the value must be >= threshold" for a KPI where higher is better, "<=" where lower
is. The organisation's own values live in the ``kpis`` app; this is only the dictionary.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.validators import validate_single_line

from .criterion import Criterion
from .structure import CapabilityModel, ModelPart, ModelPartQuerySet

KPI_CODE_RE = r"^[A-Z][A-Z0-9]{1,7}$"

THRESHOLD_OTHER_VERSION = _("The KPI and the criterion belong to different model versions.")


class KpiUnit(models.TextChoices):
    PERCENT = "percent", _("percent")
    SECONDS = "seconds", _("seconds")
    COUNT = "count", _("count")
    PER100 = "per100", _("per 100 agents")
    SCORE = "score", _("score")


class KpiDirection(models.TextChoices):
    HIGHER = "higher", _("higher is better")
    LOWER = "lower", _("lower is better")


class KpiCadence(models.TextChoices):
    MONTH = "month", _("monthly")
    QUARTER = "quarter", _("quarterly")


class KpiManager(models.Manager["Kpi"]):
    def get_queryset(self) -> ModelPartQuerySet:
        return ModelPartQuerySet(self.model, using=self._db)

    def get_by_natural_key(self, model_code: str, version: int, code: str) -> Kpi:
        return self.get(capability_model__code=model_code, capability_model__version=version, code=code)


class Kpi(ModelPart):
    capability_model = models.ForeignKey(
        CapabilityModel, on_delete=models.CASCADE, related_name="kpis", verbose_name=_("capability model")
    )
    code = models.CharField(
        _("code"),
        max_length=8,
        validators=[RegexValidator(KPI_CODE_RE)],
        help_text=_("Stable identifier within the version, e.g. FCR."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100, validators=[validate_single_line])
    name_en = models.CharField(_("name (English)"), max_length=100, validators=[validate_single_line])
    definition_zh = models.TextField(_("definition (Chinese)"))
    definition_en = models.TextField(_("definition (English)"))
    formula_zh = models.TextField(_("formula (Chinese)"))
    formula_en = models.TextField(_("formula (English)"))
    measurement_zh = models.TextField(_("how it is measured (Chinese)"))
    measurement_en = models.TextField(_("how it is measured (English)"))
    unit = models.CharField(_("unit"), max_length=16, choices=KpiUnit.choices)
    direction = models.CharField(_("direction"), max_length=8, choices=KpiDirection.choices)
    cadence = models.CharField(_("cadence"), max_length=8, choices=KpiCadence.choices)

    objects = KpiManager()

    class Meta:
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")
        ordering: ClassVar = ["capability_model", "order", "code"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["capability_model", "code"], name="kpi_code_unique_per_model"),
            models.CheckConstraint(condition=Q(code__regex=KPI_CODE_RE), name="kpi_code_format"),
            models.CheckConstraint(condition=Q(unit__in=KpiUnit.values), name="kpi_unit_valid"),
            models.CheckConstraint(
                condition=Q(direction__in=KpiDirection.values), name="kpi_direction_valid"
            ),
            models.CheckConstraint(condition=Q(cadence__in=KpiCadence.values), name="kpi_cadence_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def natural_key(self) -> tuple[str, int, str]:
        return (*self.capability_model.natural_key(), self.code)

    natural_key.dependencies = ("capability_model.capabilitymodel",)  # type: ignore[attr-defined]

    @property
    def definition(self) -> str:
        return self.tr("definition")

    @property
    def formula(self) -> str:
        return self.tr("formula")

    @property
    def measurement(self) -> str:
        return self.tr("measurement")


class KpiThresholdManager(models.Manager["KpiThreshold"]):
    def get_queryset(self) -> ModelPartQuerySet:
        return ModelPartQuerySet(self.model, using=self._db)

    def get_by_natural_key(self, model_code: str, version: int, criterion_code: str, kpi_code: str) -> Any:
        return self.get(
            capability_model__code=model_code,
            capability_model__version=version,
            criterion__code=criterion_code,
            kpi__code=kpi_code,
        )


class KpiThreshold(ModelPart):
    capability_model = models.ForeignKey(
        CapabilityModel,
        on_delete=models.CASCADE,
        related_name="kpi_thresholds",
        verbose_name=_("capability model"),
    )
    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="thresholds", verbose_name=_("KPI"))
    criterion = models.ForeignKey(
        Criterion, on_delete=models.CASCADE, related_name="kpi_thresholds", verbose_name=_("criterion")
    )
    threshold = models.DecimalField(
        _("threshold"),
        max_digits=12,
        decimal_places=4,
        help_text=_("Higher-is-better KPIs: the value must be at least this; lower-is-better: at most this."),
    )

    objects = KpiThresholdManager()

    class Meta:
        verbose_name = _("KPI threshold")
        verbose_name_plural = _("KPI thresholds")
        ordering: ClassVar = ["capability_model", "kpi__order", "criterion__level", "criterion__code"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["criterion", "kpi"], name="kpi_threshold_unique_per_criterion"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id and self.criterion.code} {self.kpi_id and self.kpi.code} {self.threshold}"

    def natural_key(self) -> tuple[str, int, str, str]:
        return (*self.capability_model.natural_key(), self.criterion.code, self.kpi.code)

    natural_key.dependencies = (  # type: ignore[attr-defined]
        "capability_model.criterion",
        "capability_model.kpi",
    )

    def clean(self) -> None:
        if (
            self.kpi_id is not None
            and self.criterion_id is not None
            and self.kpi.capability_model_id != self.criterion.capability_model_id
        ):
            raise ValidationError(THRESHOLD_OTHER_VERSION, code="other_version")

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Fixtures are loaded without clean(); a threshold across versions would suggest ratings from the
        # wrong dictionary, so the check runs on every save too.
        self.clean()
        self.capability_model_id = self.criterion.capability_model_id
        super().save(*args, **kwargs)

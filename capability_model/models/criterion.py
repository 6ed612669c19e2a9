"""Criteria: the verifiable statements of one capability item at one level, and what they succeed.

``succeeds`` links a criterion to the criteria of an earlier version it replaces (one version-2 criterion may
take the place of several version-1 ones, and a version-1 criterion may be split), so an assessment on the
new version can take its answers from one on the old version (``assessments.services.lifecycle``).
"""

from __future__ import annotations

import operator
from functools import reduce
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .structure import (
    CRITERION_CODE_RE,
    LEVELS,
    CapabilityItem,
    CapabilityModel,
    ModelPart,
    ModelPartQuerySet,
    Q,
    _level_check,
    _level_field,
)


class CriterionManager(models.Manager["Criterion"]):
    def get_queryset(self) -> ModelPartQuerySet:
        return ModelPartQuerySet(self.model, using=self._db)

    def get_by_natural_key(self, model_code: str, version: int, code: str) -> Criterion:
        return self.get(capability_model__code=model_code, capability_model__version=version, code=code)


class Criterion(ModelPart):
    capability_model = models.ForeignKey(
        CapabilityModel, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("capability model")
    )
    item = models.ForeignKey(
        CapabilityItem, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("capability item")
    )
    code = models.CharField(
        _("code"),
        max_length=12,
        validators=[RegexValidator(CRITERION_CODE_RE)],
        help_text=_("ITEM-LEVEL-NUMBER, e.g. SP1-3-02 = item SP1, level 3, number 2."),
    )
    level = _level_field()
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    statement_zh = models.TextField(_("statement (Chinese)"))
    statement_en = models.TextField(_("statement (English)"))
    guidance_zh = models.TextField(_("guidance (Chinese)"), blank=True)
    guidance_en = models.TextField(_("guidance (English)"), blank=True)
    evidence_zh = models.TextField(_("evidence examples (Chinese)"), blank=True, help_text=_("One per line."))
    evidence_en = models.TextField(_("evidence examples (English)"), blank=True, help_text=_("One per line."))
    succeeds = models.ManyToManyField(
        "self",
        symmetrical=False,
        related_name="successors",
        blank=True,
        verbose_name=_("succeeds"),
        help_text=_(
            "The criteria of an earlier version this criterion replaces (used to carry answers over)."
        ),
    )

    objects = CriterionManager()

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering: ClassVar = ["capability_model", "item__domain__order", "item__order", "level", "order"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["capability_model", "code"], name="criterion_code_unique_per_model"
            ),
            _level_check("criterion_level_in_range"),
            # The level digit in the code must be the criterion's level (SP1-3-02 is a level-3 criterion).
            models.CheckConstraint(
                condition=reduce(
                    operator.or_,
                    (
                        Q(level=level, code__regex=rf"^[A-Z]{{2,4}}[0-9]{{1,2}}-{level}-[0-9]{{2}}$")
                        for level in LEVELS
                    ),
                ),
                name="criterion_code_matches_level",
            ),
            models.CheckConstraint(condition=~Q(statement_zh=""), name="criterion_statement_zh_present"),
            models.CheckConstraint(condition=~Q(statement_en=""), name="criterion_statement_en_present"),
        ]
        indexes: ClassVar = [
            models.Index(fields=["item", "level", "order"], name="criterion_item_level_order")
        ]

    def __str__(self) -> str:
        return self.code

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.capability_model_id = self.item.capability_model_id
        super().save(*args, **kwargs)

    def natural_key(self) -> tuple[str, int, str]:
        return (*self.capability_model.natural_key(), self.code)

    natural_key.dependencies = ("capability_model.capabilityitem",)  # type: ignore[attr-defined]

    @property
    def statement(self) -> str:
        return self.tr("statement")

    @property
    def guidance(self) -> str:
        return self.tr("guidance")

    @property
    def evidence_examples(self) -> list[str]:
        return [line.strip() for line in self.tr("evidence").splitlines() if line.strip()]

    def clean(self) -> None:
        if self.item_id is None or not self.code:
            return
        if not self.code.startswith(f"{self.item.code}-"):
            raise ValidationError(
                {"code": _("The code must start with the item's code (%s-).") % self.item.code}
            )
        if self.level and self.code.split("-")[1] != str(self.level):
            raise ValidationError({"code": _("The level digit of the code must equal the level.")})

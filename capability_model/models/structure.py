"""The structure of a capability model version: the version itself, its levels, domains and items.

Every object has a natural key made of codes (model code, version, own code), so fixtures and exports never
mention database ids. A version an assessment uses is locked: ``save()``/``delete()`` and queryset
``update()``/``delete()`` refuse changes to it (admins clone it into a new draft version instead).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.i18n import BilingualMixin
from common.validators import validate_single_line

MIN_LEVEL = 1
MAX_LEVEL = 5
LEVELS = range(MIN_LEVEL, MAX_LEVEL + 1)

MODEL_CODE_RE = r"^[a-z0-9][a-z0-9.-]{1,62}$"
DOMAIN_CODE_RE = r"^[A-Z]{2,4}$"
ITEM_CODE_RE = r"^[A-Z]{2,4}[0-9]{1,2}$"
CRITERION_CODE_RE = r"^[A-Z]{2,4}[0-9]{1,2}-[1-5]-[0-9]{2}$"

MODEL_LOCKED_MESSAGE = _(
    "This model version is used by assessments and cannot be edited in place. "
    "Clone it into a new draft version, edit that and publish it."
)


class ModelState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class ModelLockedError(ValidationError):
    """Raised when something tries to change a model version that assessments use."""

    def __init__(self) -> None:
        super().__init__(MODEL_LOCKED_MESSAGE, code="model_locked")


def _level_field() -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        _("level"), validators=[MinValueValidator(MIN_LEVEL), MaxValueValidator(MAX_LEVEL)]
    )


def _level_check(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(level__gte=MIN_LEVEL, level__lte=MAX_LEVEL), name=name)


class CapabilityModelManager(models.Manager["CapabilityModel"]):
    def get_by_natural_key(self, code: str, version: int) -> CapabilityModel:
        return self.get(code=code, version=version)


class CapabilityModel(BilingualMixin, models.Model):
    code = models.CharField(
        _("code"),
        max_length=64,
        validators=[RegexValidator(MODEL_CODE_RE)],
        help_text=_("Stable identifier, e.g. gbt43045-1-2023; shared by all versions of one model."),
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200, validators=[validate_single_line])
    name_en = models.CharField(_("name (English)"), max_length=200, validators=[validate_single_line])
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    state = models.CharField(_("state"), max_length=16, choices=ModelState.choices, default=ModelState.DRAFT)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CapabilityModelManager()

    # Fields that may still change on a locked version: its life cycle, not its content.
    LIFECYCLE_FIELDS: ClassVar[frozenset[str]] = frozenset({"state", "published_at"})

    class Meta:
        verbose_name = _("capability model")
        verbose_name_plural = _("capability models")
        ordering: ClassVar = ["code", "-version"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["code", "version"], name="capmodel_code_version_unique"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(state="published"), name="capmodel_one_published_per_code"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="capmodel_version_positive"),
            models.CheckConstraint(
                condition=Q(state__in=[s.value for s in ModelState]), name="capmodel_state_valid"
            ),
            models.CheckConstraint(condition=Q(code__regex=MODEL_CODE_RE), name="capmodel_code_format"),
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version} ({self.get_state_display()})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and self.is_locked:
            stored: dict[str, Any] = dict(type(self).objects.filter(pk=self.pk).values().first() or {})
            changed = {
                f.attname
                for f in self._meta.concrete_fields
                if f.attname in stored and stored[f.attname] != getattr(self, f.attname)
            }
            if changed - self.LIFECYCLE_FIELDS:
                raise ModelLockedError
        super().save(*args, **kwargs)

    def natural_key(self) -> tuple[str, int]:
        return (self.code, self.version)

    @property
    def is_locked(self) -> bool:
        """A version is locked as soon as an assessment refers to it."""
        if self.pk is None:
            return False
        related = getattr(self, "assessments", None)
        return related is not None and related.exists()


class ModelPartQuerySet(models.QuerySet[Any]):
    """Refuses bulk updates and deletes that would touch a locked model version."""

    def _touches_locked_model(self) -> bool:
        model_ids = self.values("capability_model_id")
        return CapabilityModel.objects.filter(pk__in=model_ids, assessments__isnull=False).exists()

    def update(self, **kwargs: Any) -> int:
        if self._touches_locked_model():
            raise ModelLockedError
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        if self._touches_locked_model():
            raise ModelLockedError
        return super().delete()


class ModelPart(BilingualMixin, models.Model):
    """Base of everything that belongs to one model version; carries the lock."""

    capability_model = models.ForeignKey(
        CapabilityModel, on_delete=models.CASCADE, related_name="+", verbose_name=_("capability model")
    )

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._check_not_locked()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        self._check_not_locked()
        return super().delete(*args, **kwargs)

    def _check_not_locked(self) -> None:
        locked = CapabilityModel.objects.filter(pk=self.capability_model_id, assessments__isnull=False)
        if self.capability_model_id is not None and locked.exists():
            raise ModelLockedError


class LevelDefinitionManager(models.Manager["LevelDefinition"]):
    def get_queryset(self) -> ModelPartQuerySet:
        return ModelPartQuerySet(self.model, using=self._db)

    def get_by_natural_key(self, model_code: str, version: int, level: int) -> LevelDefinition:
        return self.get(capability_model__code=model_code, capability_model__version=version, level=level)


class LevelDefinition(ModelPart):
    capability_model = models.ForeignKey(
        CapabilityModel, on_delete=models.CASCADE, related_name="levels", verbose_name=_("capability model")
    )
    level = _level_field()
    name_zh = models.CharField(_("name (Chinese)"), max_length=100, validators=[validate_single_line])
    name_en = models.CharField(_("name (English)"), max_length=100, validators=[validate_single_line])
    description_zh = models.TextField(_("description (Chinese)"))
    description_en = models.TextField(_("description (English)"))

    objects = LevelDefinitionManager()

    class Meta:
        verbose_name = _("level definition")
        verbose_name_plural = _("level definitions")
        ordering: ClassVar = ["capability_model", "level"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["capability_model", "level"], name="level_unique_per_model"),
            _level_check("level_in_range"),
        ]

    def __str__(self) -> str:
        return f"L{self.level} {self.name}"

    def natural_key(self) -> tuple[str, int, int]:
        return (*self.capability_model.natural_key(), self.level)

    natural_key.dependencies = ("capability_model.capabilitymodel",)  # type: ignore[attr-defined]


class DomainManager(models.Manager["Domain"]):
    def get_queryset(self) -> ModelPartQuerySet:
        return ModelPartQuerySet(self.model, using=self._db)

    def get_by_natural_key(self, model_code: str, version: int, code: str) -> Domain:
        return self.get(capability_model__code=model_code, capability_model__version=version, code=code)


class Domain(ModelPart):
    capability_model = models.ForeignKey(
        CapabilityModel, on_delete=models.CASCADE, related_name="domains", verbose_name=_("capability model")
    )
    code = models.CharField(_("code"), max_length=4, validators=[RegexValidator(DOMAIN_CODE_RE)])
    clause = models.CharField(
        _("clause"), max_length=16, help_text=_("The standard's clause number, e.g. 6.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200, validators=[validate_single_line])
    name_en = models.CharField(_("name (English)"), max_length=200, validators=[validate_single_line])
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    objects = DomainManager()

    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")
        ordering: ClassVar = ["capability_model", "order", "code"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["capability_model", "code"], name="domain_code_unique_per_model"),
            models.CheckConstraint(condition=Q(code__regex=DOMAIN_CODE_RE), name="domain_code_format"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def natural_key(self) -> tuple[str, int, str]:
        return (*self.capability_model.natural_key(), self.code)

    natural_key.dependencies = ("capability_model.capabilitymodel",)  # type: ignore[attr-defined]


class CapabilityItemManager(models.Manager["CapabilityItem"]):
    def get_queryset(self) -> ModelPartQuerySet:
        return ModelPartQuerySet(self.model, using=self._db)

    def get_by_natural_key(self, model_code: str, version: int, code: str) -> CapabilityItem:
        return self.get(capability_model__code=model_code, capability_model__version=version, code=code)


class CapabilityItem(ModelPart):
    capability_model = models.ForeignKey(
        CapabilityModel, on_delete=models.CASCADE, related_name="items", verbose_name=_("capability model")
    )
    domain = models.ForeignKey(
        Domain, on_delete=models.CASCADE, related_name="items", verbose_name=_("domain")
    )
    code = models.CharField(_("code"), max_length=6, validators=[RegexValidator(ITEM_CODE_RE)])
    clause = models.CharField(
        _("clause"), max_length=16, help_text=_("The standard's clause number, e.g. 6.2.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200, validators=[validate_single_line])
    name_en = models.CharField(_("name (English)"), max_length=200, validators=[validate_single_line])
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    objects = CapabilityItemManager()

    class Meta:
        verbose_name = _("capability item")
        verbose_name_plural = _("capability items")
        ordering: ClassVar = ["capability_model", "domain__order", "order", "code"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["capability_model", "code"], name="item_code_unique_per_model"),
            models.CheckConstraint(condition=Q(code__regex=ITEM_CODE_RE), name="item_code_format"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The model version is the domain's; stored on the item too so that codes are unique per version.
        self.capability_model_id = self.domain.capability_model_id
        super().save(*args, **kwargs)

    def natural_key(self) -> tuple[str, int, str]:
        return (*self.capability_model.natural_key(), self.code)

    natural_key.dependencies = ("capability_model.domain",)  # type: ignore[attr-defined]

    def clean(self) -> None:
        if self.domain_id is not None and self.capability_model_id not in (
            None,
            self.domain.capability_model_id,
        ):
            raise ValidationError({"domain": _("The domain belongs to another model version.")})

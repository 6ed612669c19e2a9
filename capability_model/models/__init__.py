"""The capability model of GB/T 43045.1-2023, versioned: model → domains → capability items → criteria, and
the KPI dictionary of a version (KPIs and the thresholds criteria ask of them).

Every object has a natural key made of codes (model code, version, own code), so fixtures and exports never
mention database ids. A version an assessment uses is locked: ``save()``/``delete()`` and queryset
``update()``/``delete()`` refuse changes to it (admins clone it into a new draft version instead).
"""

from .criterion import Criterion, CriterionManager
from .kpi import Kpi, KpiCadence, KpiDirection, KpiThreshold, KpiUnit
from .structure import (
    CRITERION_CODE_RE,
    DOMAIN_CODE_RE,
    ITEM_CODE_RE,
    LEVELS,
    MAX_LEVEL,
    MIN_LEVEL,
    MODEL_CODE_RE,
    MODEL_LOCKED_MESSAGE,
    CapabilityItem,
    CapabilityItemManager,
    CapabilityModel,
    CapabilityModelManager,
    Domain,
    DomainManager,
    LevelDefinition,
    LevelDefinitionManager,
    ModelLockedError,
    ModelPart,
    ModelPartQuerySet,
    ModelState,
)

__all__ = [
    "CRITERION_CODE_RE",
    "DOMAIN_CODE_RE",
    "ITEM_CODE_RE",
    "LEVELS",
    "MAX_LEVEL",
    "MIN_LEVEL",
    "MODEL_CODE_RE",
    "MODEL_LOCKED_MESSAGE",
    "CapabilityItem",
    "CapabilityItemManager",
    "CapabilityModel",
    "CapabilityModelManager",
    "Criterion",
    "CriterionManager",
    "Domain",
    "DomainManager",
    "Kpi",
    "KpiCadence",
    "KpiDirection",
    "KpiThreshold",
    "KpiUnit",
    "LevelDefinition",
    "LevelDefinitionManager",
    "ModelLockedError",
    "ModelPart",
    "ModelPartQuerySet",
    "ModelState",
]

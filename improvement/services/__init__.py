"""Writes of the improvement loop: ``actions`` (the plan), ``reassessment`` (the next assessment from an
approved one) and ``package`` (the certification package)."""

from .actions import (
    ActionInput,
    action_create,
    action_status_set,
    action_update,
    actions_carry_over,
    actions_suggest,
)
from .evidence import action_evidence_attach
from .merge import actions_merge
from .package import certification_package_build
from .reassessment import reassessment_start

__all__ = [
    "ActionInput",
    "action_create",
    "action_evidence_attach",
    "action_status_set",
    "action_update",
    "actions_carry_over",
    "actions_merge",
    "actions_suggest",
    "certification_package_build",
    "reassessment_start",
]

"""Reads of the improvement loop: ``actions`` (the plan, its history, overdue actions for the reminders)
and ``readiness`` (the facts the verdict is decided from)."""

from .actions import (
    ActionFilters,
    ActionPlanSummary,
    action_history,
    action_list,
    action_plan_summary,
    actions_for_owner,
    actions_overdue,
    criteria_in_actions,
    owner_choices,
    suggestions_preview,
)
from .baseline import BaselineActionRow, actions_since_baseline
from .readiness import readiness_for
from .report import ReportActions, report_actions

__all__ = [
    "ActionFilters",
    "ActionPlanSummary",
    "BaselineActionRow",
    "ReportActions",
    "action_history",
    "action_list",
    "action_plan_summary",
    "actions_for_owner",
    "actions_overdue",
    "actions_since_baseline",
    "criteria_in_actions",
    "owner_choices",
    "readiness_for",
    "report_actions",
    "suggestions_preview",
]

"""Reads of team work, by subject: ``parts`` (scope, assignments, panels, progress) and ``responses`` (what
respondents said, as far as a viewer may see it, and where they disagree). Each function runs a constant
number of queries whatever the model's size, except where its docstring says otherwise."""

from .parts import (
    AssignmentRow,
    MyAssignment,
    PanelRow,
    RespondentProgress,
    Scope,
    assignment_rows,
    assignments_due_soon,
    assignments_for_user,
    holder_and_panel,
    holders,
    panel_rows,
    panels,
    parts,
    scope_for,
    writer_members,
)
from .responses import (
    CriterionResponses,
    ItemResponses,
    ResponseView,
    disputed_codes,
    disputes_by_domain,
    item_responses,
    respondent_rows,
    spreads_for,
)

__all__ = [
    "AssignmentRow",
    "CriterionResponses",
    "ItemResponses",
    "MyAssignment",
    "PanelRow",
    "RespondentProgress",
    "ResponseView",
    "Scope",
    "assignment_rows",
    "assignments_due_soon",
    "assignments_for_user",
    "disputed_codes",
    "disputes_by_domain",
    "holder_and_panel",
    "holders",
    "item_responses",
    "panel_rows",
    "panels",
    "parts",
    "respondent_rows",
    "scope_for",
    "spreads_for",
    "writer_members",
]

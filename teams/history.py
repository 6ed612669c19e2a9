"""Team work on the assessment's history page, through ``assessments.extensions`` (a history source):
parts assigned, changed and removed, panels opened, made blind or not and closed, and respondents'
answers given or changed.

A respondent's own rating and comment are not shown: in a blind panel the others see them only after
answering, and the history page is open to every member; the team page shows them under that rule.
"""

from __future__ import annotations

from typing import Any

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from assessments.models import Assessment
from assessments.selectors.history import HistoryEntry

from .models import Assignment, Panel, Response

_ASSIGNMENT_FIELDS = ("assignee", "due_date", "note")


def _who(row: Any) -> str:
    # The account may be gone (history_user is then NULL); the row kept its name.
    return row.history_user.get_username() if row.history_user else (row.history_username or "—")


def _value(row: Any, name: str) -> str:
    if row is None:
        return ""
    if name == "assignee":
        return row.assignee.get_username() if row.assignee else ""
    value = getattr(row, name)
    return "" if value in ("", None) else str(value)


def _label(name: str) -> str:
    field: Any = Assignment._meta.get_field(name)  # a concrete field: it has a verbose name
    return str(field.verbose_name)


def _part_code(row: Any) -> str:
    return row.item.code if row.item else row.domain.code if row.domain else ""


def history_entries(assessment: Assessment, criterion: str) -> list[HistoryEntry]:
    """The assessment's team changes, each compared with the previous history row of the same object."""
    entries: list[HistoryEntry] = []
    label = capfirst(str(Assignment._meta.verbose_name))
    rows = (
        Assignment.history.filter(assessment_id=assessment.pk)
        .select_related("history_user", "assignee", "domain", "item")
        .order_by("id", "history_date", "history_id")
    )
    previous: dict[int, Any] = {}
    for row in rows:
        before = previous.get(row.id)
        previous[row.id] = row
        code = _part_code(row)
        # A criterion filter keeps the parts that hold it and the parts it holds (SP1-1 keeps SP and SP1).
        if criterion and not (code.upper().startswith(criterion) or criterion.startswith(code.upper())):
            continue
        changes = [
            (
                _label(name),
                _value(before, name) if row.history_type != "+" else "",
                _value(row, name),
            )
            for name in _ASSIGNMENT_FIELDS
            if before is None or _value(before, name) != _value(row, name)
        ]
        changes = [change for change in changes if change[1] or change[2]]
        if row.history_type == "~" and not changes:
            continue
        entries.append(
            HistoryEntry(row.history_date, _who(row), "assignment", code, row.history_type, changes, label)
        )
    entries += _panel_entries(assessment, criterion)
    responses = Response.history.filter(assessment_id=assessment.pk)
    if criterion:
        responses = responses.filter(criterion__code__istartswith=criterion)
    label = capfirst(str(Response._meta.verbose_name))
    entries.extend(
        HistoryEntry(row.history_date, _who(row), "response", row.criterion.code, row.history_type, [], label)
        for row in responses.select_related("history_user", "criterion")
    )
    return entries


def _panel_entries(assessment: Assessment, criterion: str) -> list[HistoryEntry]:
    """Panels opened and closed, and their blind switch changed (who answers is on the team page)."""
    entries: list[HistoryEntry] = []
    label = capfirst(str(Panel._meta.verbose_name))
    blind = str(_field(Panel, "blind").verbose_name)
    rows = (
        Panel.history.filter(assessment_id=assessment.pk)
        .select_related("history_user", "domain", "item")
        .order_by("id", "history_date", "history_id")
    )
    previous: dict[int, Any] = {}
    for row in rows:
        before = previous.get(row.id)
        previous[row.id] = row
        code = _part_code(row)
        if criterion and not (code.upper().startswith(criterion) or criterion.startswith(code.upper())):
            continue
        if row.history_type == "~" and before is not None and before.blind == row.blind:
            continue  # only the respondents changed
        shown = [
            (blind, _yes_no(before.blind) if before and row.history_type == "~" else "", _yes_no(row.blind))
        ]
        entries.append(
            HistoryEntry(row.history_date, _who(row), "panel", code, row.history_type, shown, label)
        )
    return entries


def _field(model: Any, name: str) -> Any:
    return model._meta.get_field(name)


def _yes_no(value: bool) -> str:
    return str(_("Yes") if value else _("No"))

"""The audit trail as people read it: who changed what and when."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..models import Answer, Assessment, Evidence


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    when: Any
    who: str
    what: str  # "assessment", "answer" or "evidence"
    subject: str  # criterion code or file name
    action: str  # "+" created, "~" changed, "-" deleted
    changes: list[tuple[str, str, str]]  # (field, old, new)


_HISTORY_FIELDS = {
    "assessment": ("state", "title", "target_level", "scope", "return_reason", "approval_note"),
    "answer": ("rating", "comment", "justification", "flagged", "verified_rating", "review_comment"),
    "evidence": ("original_name",),
}


_HISTORY_MODELS: dict[str, Any] = {"assessment": Assessment, "answer": Answer, "evidence": Evidence}


def _field_label(kind: str, name: str) -> str:
    return str(_HISTORY_MODELS[kind]._meta.get_field(name).verbose_name)


def _shown(kind: str, name: str, row: Any) -> str:
    """A field's value as people read it: the label of a choice, not its stored code."""
    if row is None:
        return ""
    value = getattr(row, name)
    choices = dict(_HISTORY_MODELS[kind]._meta.get_field(name).flatchoices)
    return str(choices.get(value, value)) if value not in ("", None) else ""


def assessment_history(*, assessment: Assessment, limit: int = 500) -> list[HistoryEntry]:
    """Who changed what and when: the assessment, its answers and its evidence, newest first.

    Each history row is compared with the previous row of the same object (one query per kind), so
    the page lists field changes, not raw snapshots.
    """
    sources = {
        "assessment": Assessment.history.filter(id=assessment.pk),
        "answer": Answer.history.filter(assessment_id=assessment.pk).select_related("criterion"),
        "evidence": Evidence.history.filter(answer__assessment_id=assessment.pk),
    }
    entries: list[HistoryEntry] = []
    for kind, queryset in sources.items():
        rows = list(queryset.select_related("history_user").order_by("id", "history_date", "history_id"))
        previous: dict[int, Any] = {}
        for row in rows:
            before = previous.get(row.id)
            fields = _HISTORY_FIELDS[kind]
            changes = [
                (_field_label(kind, name), _shown(kind, name, before), _shown(kind, name, row))
                for name in fields
                if (before is None and getattr(row, name) not in ("", None, False))
                or (before is not None and getattr(before, name) != getattr(row, name))
            ]
            previous[row.id] = row
            if kind == "answer" and row.history_type == "+" and not changes:
                continue  # the empty answers created with the assessment say nothing
            subject = (
                row.criterion.code if kind == "answer" else (row.original_name if kind == "evidence" else "")
            )
            # The account may be gone (history_user is then NULL); the row kept its name.
            who = row.history_user.get_username() if row.history_user else (row.history_username or "—")
            entries.append(HistoryEntry(row.history_date, who, kind, subject, row.history_type, changes))
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]

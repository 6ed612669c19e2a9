"""The audit trail as people read it: who changed what and when."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from .. import extensions
from ..models import Answer, Assessment, Evidence


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    when: Any
    who: str
    what: str  # "assessment", "answer", "evidence", or a registered source's kind
    subject: str  # criterion code or file name
    action: str  # "+" created, "~" changed, "-" deleted
    changes: list[tuple[str, str, str]]  # (field, old, new)
    label: str = ""  # what a registered source's entry is, as people read it ("Assignment")


_HISTORY_FIELDS = {
    "assessment": ("state", "title", "target_level", "scope", "return_reason", "approval_note"),
    "answer": ("rating", "comment", "justification", "flagged", "verified_rating", "review_comment"),
    "evidence": ("original_name",),
}


_HISTORY_MODELS: dict[str, Any] = {"assessment": Assessment, "answer": Answer, "evidence": Evidence}
# The consultant's side of an answer: the organisation reads it once the assessment is decided.
_VERIFIED_FIELDS = frozenset({"verified_rating", "review_comment"})


def _field_label(kind: str, name: str) -> str:
    return str(_HISTORY_MODELS[kind]._meta.get_field(name).verbose_name)


def _shown(kind: str, name: str, row: Any) -> str:
    """A field's value as people read it: the label of a choice, not its stored code."""
    if row is None:
        return ""
    value = getattr(row, name)
    field = _HISTORY_MODELS[kind]._meta.get_field(name)
    if isinstance(field, models.BooleanField):
        return _("Yes") if value else _("No")
    choices = dict(field.flatchoices)
    return str(choices.get(value, value)) if value not in ("", None) else ""


def assessment_history(
    *,
    assessment: Assessment,
    with_verified: bool = True,
    criterion: str = "",
    person: str = "",
    limit: int = 5_000,
) -> list[HistoryEntry]:
    """Who changed what and when: the assessment, its answers and its evidence, newest first.

    Each history row is compared with the previous row of the same object (one query per kind), so
    the page lists field changes, not raw snapshots. ``criterion`` keeps the answers and files of the
    criteria whose code starts with it; ``person`` the changes of one username; ``with_verified`` False
    leaves out the consultant's verified ratings and comments (members before a decision).
    """
    sources = {
        "assessment": Assessment.history.filter(id=assessment.pk),
        "answer": Answer.history.filter(assessment_id=assessment.pk).select_related("criterion"),
        "evidence": Evidence.history.filter(answer__assessment_id=assessment.pk).select_related(
            "answer__criterion"
        ),
    }
    if criterion:
        sources.pop("assessment")
        sources["answer"] = sources["answer"].filter(criterion__code__istartswith=criterion)
        sources["evidence"] = sources["evidence"].filter(answer__criterion__code__istartswith=criterion)
    entries: list[HistoryEntry] = []
    for kind, queryset in sources.items():
        rows = list(queryset.select_related("history_user").order_by("id", "history_date", "history_id"))
        fields = [f for f in _HISTORY_FIELDS[kind] if with_verified or f not in _VERIFIED_FIELDS]
        previous: dict[int, Any] = {}
        for row in rows:
            before = previous.get(row.id)
            changes = [
                (_field_label(kind, name), _shown(kind, name, before), _shown(kind, name, row))
                for name in fields
                if (before is None and getattr(row, name) not in ("", None, False))
                or (before is not None and getattr(before, name) != getattr(row, name))
            ]
            previous[row.id] = row
            if row.history_type != "-" and not changes:
                continue  # the empty answers created with the assessment, or a change not shown here
            subject = (
                row.criterion.code if kind == "answer" else (row.original_name if kind == "evidence" else "")
            )
            # The account may be gone (history_user is then NULL); the row kept its name.
            who = row.history_user.get_username() if row.history_user else (row.history_username or "—")
            if person and who != person:
                continue
            entries.append(HistoryEntry(row.history_date, who, kind, subject, row.history_type, changes))
    entries += [
        entry
        for entry in extensions.history_entries(assessment=assessment, criterion=criterion)
        if not person or entry.who == person
    ]
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]


def history_people(*, assessment: Assessment) -> list[str]:
    """The usernames that appear in the assessment's history, for the page's filter."""
    names: set[str] = set()
    for model, lookup in ((Assessment, "id"), (Answer, "assessment_id"), (Evidence, "answer__assessment_id")):
        rows = model.history.filter(**{lookup: assessment.pk}).exclude(history_user=None)
        names.update(rows.values_list("history_user__username", flat=True).distinct())
    names.update(entry.who for entry in extensions.history_entries(assessment=assessment))
    return sorted(names)

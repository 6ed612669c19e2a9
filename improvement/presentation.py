"""The readiness verdict in words, for the assessment page and the package's statement."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .readiness import Blocker, BlockerKind, LevelVerdict, Outcome

OUTCOME_LABELS = {
    Outcome.READY: gettext_lazy("Ready"),
    Outcome.CONDITIONS: gettext_lazy("Ready with conditions"),
    Outcome.NOT_READY: gettext_lazy("Not ready"),
}
INDICATIVE = gettext_lazy(
    "This verdict is indicative only: certification is granted only by accredited certification bodies "
    "after their own review and on-site inspection."
)


def blocker_text(blocker: Blocker) -> str:
    params = {
        "code": blocker.criterion,
        "current": blocker.current.value if blocker.current else _("unanswered"),
        "required": blocker.required.value if blocker.required else "",
        "date": blocker.newest_evidence.isoformat() if blocker.newest_evidence else "",
    }
    texts = {
        BlockerKind.RATING: _("%(code)s is rated %(current)s; the level needs %(required)s."),
        BlockerKind.NO_EVIDENCE: _("%(code)s has no evidence."),
        BlockerKind.STALE_EVIDENCE: _("%(code)s: the newest evidence (%(date)s) is older than allowed."),
        BlockerKind.NOT_APPROVED: _("No consultant has approved the assessment yet."),
        BlockerKind.OPEN_ACTION: _("%(code)s still has open actions."),
    }
    return texts[blocker.kind] % params


@dataclass(frozen=True, slots=True)
class VerdictView:
    level: int
    outcome: str  # Outcome value, for the style
    label: str
    reasons: list[str]


def verdict_views(verdicts: tuple[LevelVerdict, ...]) -> list[VerdictView]:
    return [
        VerdictView(
            v.level, v.outcome.value, str(OUTCOME_LABELS[v.outcome]), [blocker_text(b) for b in v.blockers]
        )
        for v in verdicts
    ]


def readiness_statement(verdicts: tuple[LevelVerdict, ...], *, target_level: int) -> str:
    """The verdicts as plain text, target level first, for the certification package."""
    lines = [_("Readiness for certification"), "", str(INDICATIVE), ""]
    ordered = sorted(verdicts, key=lambda v: (v.level != target_level, v.level))
    for view in verdict_views(tuple(ordered)):
        marker = _(" (target level)") if view.level == target_level else ""
        lines.append(
            _("Level %(level)s%(marker)s: %(label)s")
            % {"level": view.level, "marker": marker, "label": view.label}
        )
        lines.extend(f"  - {reason}" for reason in view.reasons)
        lines.append("")
    return "\n".join(lines)

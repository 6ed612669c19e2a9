"""Suggested actions from the improvement plan: one per capability item and level it must reach.

Pure Python like ``capability_model.gaps``, whose plan it groups: every criterion of the plan lands in
exactly one suggestion (the plan already lists each criterion once, with the level it unlocks). Suggestions
are phased foundations first (the level they unlock), quick wins first inside a phase (fewest rating
steps), then in the plan's own order (domain and item order).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from capability_model.gaps import Gap, PlanEntry


@dataclass(frozen=True, slots=True)
class SuggestedAction:
    item: str
    domain: str
    phase: int  # the level the item reaches once these criteria are lifted
    gaps: tuple[Gap, ...]  # in plan order

    @property
    def criteria(self) -> tuple[str, ...]:
        return tuple(gap.criterion for gap in self.gaps)

    @property
    def effort(self) -> int:
        """Rating steps in all (N→F is 3), the size of the work."""
        return sum(gap.steps for gap in self.gaps)


def suggest_actions(plan: Iterable[PlanEntry], *, skip: Iterable[str] = ()) -> tuple[SuggestedAction, ...]:
    """The plan grouped by (item, level unlocked); criteria in ``skip`` (already in an action) left out."""
    skipped = frozenset(skip)
    groups: dict[tuple[str, int], list[Gap]] = {}
    first_seen: dict[tuple[str, int], int] = {}
    domains: dict[str, str] = {}
    for position, entry in enumerate(plan):
        if entry.gap.criterion in skipped:
            continue
        key = (entry.gap.item, entry.unlocks)
        groups.setdefault(key, []).append(entry.gap)
        first_seen.setdefault(key, position)
        domains[entry.gap.item] = entry.gap.domain
    suggestions = [
        SuggestedAction(item, domains[item], phase, tuple(found)) for (item, phase), found in groups.items()
    ]
    suggestions.sort(key=lambda s: (s.phase, s.effort, first_seen[(s.item, s.phase)]))
    return tuple(suggestions)

"""Readiness verdict: may the organisation apply for certification at a level? Deterministic and explained.

Pure Python like ``capability_model.scoring`` (no Django). For each level 1–5 the verdict is *not ready*
while any criterion is below the rating the level needs (the gap of ``capability_model.gaps``), *ready with
conditions* while anything else stands in the way — a required criterion without evidence or with only
stale evidence, no consultant approval yet, open actions on the level's criteria — and *ready* otherwise.
It is indicative only: certification is granted by accredited certification bodies after their own review
and on-site inspection.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from capability_model.gaps import gaps
from capability_model.scoring import MAX_LEVEL, MIN_LEVEL, ModelSpec, Rating

DEFAULT_MAX_EVIDENCE_AGE_DAYS = 365


class Outcome(enum.StrEnum):
    READY = "ready"
    CONDITIONS = "conditions"
    NOT_READY = "not_ready"


class BlockerKind(enum.StrEnum):
    RATING = "rating"  # below the rating the level needs
    NO_EVIDENCE = "no_evidence"
    STALE_EVIDENCE = "stale_evidence"
    NOT_APPROVED = "not_approved"
    OPEN_ACTION = "open_action"


@dataclass(frozen=True, slots=True)
class Blocker:
    kind: BlockerKind
    criterion: str | None = None
    current: Rating | None = None  # RATING: the official rating (None: unanswered)
    required: Rating | None = None  # RATING: what the level needs
    newest_evidence: date | None = None  # STALE_EVIDENCE


@dataclass(frozen=True, slots=True)
class LevelVerdict:
    level: int
    outcome: Outcome
    blockers: tuple[Blocker, ...]


@dataclass(frozen=True, slots=True)
class ReadinessFacts:
    model: ModelSpec
    ratings: Mapping[str, Rating]  # the official ratings (verified once reviewed)
    approved: bool
    evidence_dates: Mapping[str, Sequence[date]]  # criterion code → upload dates of its files
    open_action_criteria: frozenset[str]
    today: date
    max_evidence_age_days: int = DEFAULT_MAX_EVIDENCE_AGE_DAYS
    # criterion code → level, derived from the model
    levels: Mapping[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        levels = {
            criterion.code: criterion.level
            for domain in self.model.domains
            for item in domain.items
            for criterion in item.criteria
        }
        object.__setattr__(self, "levels", levels)


def level_verdict(facts: ReadinessFacts, level: int) -> LevelVerdict:
    """The verdict for one level, with every blocker: ratings first, then approval, evidence, actions."""
    if not MIN_LEVEL <= level <= MAX_LEVEL:
        raise ValueError(f"level must be {MIN_LEVEL}..{MAX_LEVEL}, not {level!r}")
    blockers: list[Blocker] = []
    short: set[str] = set()
    for item_gaps in gaps(facts.model, facts.ratings, level).values():
        for gap in item_gaps:
            short.add(gap.criterion)
            blockers.append(Blocker(BlockerKind.RATING, gap.criterion, gap.current, gap.required))
    if not facts.approved:
        blockers.append(Blocker(BlockerKind.NOT_APPROVED))
    oldest_allowed = facts.today - timedelta(days=facts.max_evidence_age_days)
    needed = [
        code
        for code, criterion_level in facts.levels.items()
        if criterion_level <= level and facts.ratings.get(code) is not Rating.NA
    ]
    for code in needed:
        if code in short:
            continue  # its rating already blocks; its evidence is part of lifting it
        dates = facts.evidence_dates.get(code) or ()
        if not dates:
            blockers.append(Blocker(BlockerKind.NO_EVIDENCE, code))
        elif max(dates) < oldest_allowed:
            blockers.append(Blocker(BlockerKind.STALE_EVIDENCE, code, newest_evidence=max(dates)))
    blockers.extend(
        Blocker(BlockerKind.OPEN_ACTION, code) for code in needed if code in facts.open_action_criteria
    )
    if short:
        outcome = Outcome.NOT_READY
    elif blockers:
        outcome = Outcome.CONDITIONS
    else:
        outcome = Outcome.READY
    return LevelVerdict(level, outcome, tuple(blockers))


def readiness(facts: ReadinessFacts) -> tuple[LevelVerdict, ...]:
    """The verdict for every level 1–5."""
    return tuple(level_verdict(facts, level) for level in range(MIN_LEVEL, MAX_LEVEL + 1))

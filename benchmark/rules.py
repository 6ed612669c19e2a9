"""The peer benchmark's rules: what counts, which cohort is shown, the figures, and what stops inference.

Pure Python on purpose (no Django, no database): the snapshot command, the pages and the tests share this one
implementation, and the table-driven tests exercise every rule without a request. The README's "Peer
benchmark" section lists each rule with the attack it stops.

Vocabulary. A *member* is an organisation counted in a cohort, with the assessment that represents it and its
*values*: dimension -> index (``D:<domain code>``, ``I:<item code>``; a not-applicable part is absent). A
*cohort* is keyed ``("size", industry, size)``, ``("industry", industry)`` or ``("all",)``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final, TypeAlias

MIN_PEERS: Final = 5  # k: organisations other than the viewer's needed before a cohort is shown
MIN_CHANGE: Final = 3  # N: a cohort changed by fewer organisations than this keeps its published figures
ROUNDING_STEP: Final = 0.25  # published figures are multiples of this (indices run 0–5)
WINDOW_DAYS: Final = 730  # an approved assessment counts for 24 months

CohortKey: TypeAlias = tuple[str, ...]
Values: TypeAlias = Mapping[str, float]


@dataclass(frozen=True, slots=True)
class Member:
    organisation_id: int
    assessment_id: int
    values: Values = field(compare=False)


@dataclass(frozen=True, slots=True)
class Figures:
    """25th percentile, median and 75th percentile of one dimension, rounded, over ``count`` peers."""

    p25: float
    median: float
    p75: float

    @property
    def spread(self) -> float:
        return self.p75 - self.p25


@dataclass(frozen=True, slots=True)
class Benchmark:
    cohort: CohortKey
    peers: int
    figures: dict[str, Figures]


# --- what counts -------------------------------------------------------------------------------------------


def window_start(now: datetime, days: int = WINDOW_DAYS) -> datetime:
    """The earliest decision date that still counts."""
    return now - timedelta(days=days)


def latest_per_organisation(rows: Iterable[tuple[int, int, datetime]]) -> dict[int, int]:
    """organisation -> its latest assessment, from (organisation, assessment, decided at) rows already
    restricted to approved assessments of one model code within the window; ties go to the higher id."""
    best: dict[int, tuple[datetime, int]] = {}
    for organisation_id, assessment_id, decided_at in rows:
        current = best.get(organisation_id)
        if current is None or (decided_at, assessment_id) > current:
            best[organisation_id] = (decided_at, assessment_id)
    return {organisation_id: pk for organisation_id, (_when, pk) in best.items()}


def cohort_keys(industry: str, size: str) -> tuple[CohortKey, CohortKey, CohortKey]:
    """The cohorts of an organisation, narrowest first: industry × size band, industry, everyone."""
    return ("size", industry, size), ("industry", industry), ("all",)


def group(members: Iterable[tuple[str, str, Member]]) -> dict[CohortKey, list[Member]]:
    """Every cohort with its members, from (industry, size band, member) triples."""
    cohorts: dict[CohortKey, list[Member]] = {}
    for industry, size, member in members:
        for key in cohort_keys(industry, size):
            cohorts.setdefault(key, []).append(member)
    return cohorts


# --- figures -----------------------------------------------------------------------------------------------


def percentile(ordered: Sequence[float], q: float) -> float:
    """The q-th percentile (0–1) of sorted values, interpolating linearly between ranks."""
    if not ordered:
        raise ValueError("no values")
    position = (len(ordered) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def round_to_step(value: float, step: float = ROUNDING_STEP) -> float:
    """To the nearest multiple of step, halves up (with an epsilon for float noise)."""
    return math.floor(value / step + 0.5 + 1e-9) * step


def figures(members: Iterable[Member], step: float = ROUNDING_STEP) -> dict[str, Figures]:
    """Rounded quartiles of every dimension over the members that have a value for it."""
    by_dimension: dict[str, list[float]] = {}
    for member in members:
        for dimension, value in member.values.items():
            by_dimension.setdefault(dimension, []).append(value)
    result = {}
    for dimension, values in by_dimension.items():
        values.sort()
        result[dimension] = Figures(
            round_to_step(percentile(values, 0.25), step),
            round_to_step(percentile(values, 0.5), step),
            round_to_step(percentile(values, 0.75), step),
        )
    return result


def choose(
    cohorts: Mapping[CohortKey, Sequence[Member]],
    industry: str,
    size: str,
    hidden: frozenset[int] | set[int],
    k: int = MIN_PEERS,
    step: float = ROUNDING_STEP,
) -> Benchmark | None:
    """The narrowest cohort with at least k members outside ``hidden`` (the organisations the viewer can
    see, its own first), with figures over those members only; None: not enough peers yet."""
    for key in cohort_keys(industry, size):
        peers = [m for m in cohorts.get(key, ()) if m.organisation_id not in hidden]
        if len(peers) >= k:
            return Benchmark(key, len(peers), figures(peers, step))
    return None


def quartile(value: float, shown: Figures) -> int:
    """Where a value stands against the figures: 1 below the 25th percentile … 4 at or above the 75th."""
    if value < shown.p25:
        return 1
    if value < shown.median:
        return 2
    if value < shown.p75:
        return 3
    return 4


# --- stability ---------------------------------------------------------------------------------------------


def changes(published: Sequence[Member], fresh: Sequence[Member]) -> int:
    """Organisations that arrived, left, or are represented by another assessment."""
    before = {m.organisation_id: m.assessment_id for m in published}
    after = {m.organisation_id: m.assessment_id for m in fresh}
    return sum(1 for o in before.keys() | after.keys() if before.get(o) != after.get(o))


def stabilise(
    published: Sequence[Member] | None,
    fresh: Sequence[Member],
    withdrawn: set[int] | frozenset[int],
    min_change: int = MIN_CHANGE,
) -> tuple[list[Member], bool]:
    """The members to publish for one cohort, and whether they are the fresh ones.

    A cohort that changed by fewer than ``min_change`` organisations keeps its published members (and their
    values as published), so that one arrival or one new result is never visible as a difference. Withdrawn
    organisations (opted out, or no result within the window any more) leave at once all the same: consent
    and the 24-month rule come first.
    """
    if published is None or changes(published, fresh) >= min_change:
        return list(fresh), True
    return [m for m in published if m.organisation_id not in withdrawn], False

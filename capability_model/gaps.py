"""Gaps and the improvement plan of DESIGN.md §2: what keeps each item below a level, and the steps that
lift it, foundations first. Pure Python like ``scoring``, whose level rules it reuses."""

from __future__ import annotations

from dataclasses import dataclass

from .scoring import (
    MAX_LEVEL,
    MIN_LEVEL,
    RATING_STEPS,
    DomainSpec,
    ItemSpec,
    ModelSpec,
    Rating,
    Ratings,
    ScoringInputError,
    _item_level_index,
    _ItemPosition,
    steps_between,
)


@dataclass(frozen=True, slots=True)
class Gap:
    """One criterion that stands between an item and a level, with what it has and what it needs."""

    criterion: str
    item: str
    domain: str
    level: int  # the criterion's level
    current: Rating | None  # None: unanswered
    required: Rating  # F below the target level, L at it
    steps: int  # thirds from current (unanswered = N) to required


@dataclass(frozen=True, slots=True)
class PlanEntry:
    gap: Gap
    unlocks: int  # the lower of the two item levels (next, target) whose gap contains this criterion


def _check_target(target: int) -> None:
    if not MIN_LEVEL <= target <= MAX_LEVEL:
        raise ScoringInputError(f"target level must be {MIN_LEVEL}..{MAX_LEVEL}, not {target!r}")


def _position(model: ModelSpec, item_code: str) -> _ItemPosition:
    try:
        return model._positions[item_code]
    except KeyError:
        raise KeyError(f"unknown item code: {item_code!r}") from None


def _gap_list(domain: DomainSpec, item: ItemSpec, ratings: Ratings, target: int) -> list[tuple[int, Gap]]:
    """The criteria of one item that keep it below ``target``, each with its position in the item.

    Callers have checked that the item is applicable and below ``target``.
    """
    found: list[tuple[int, Gap]] = []
    for position, criterion in enumerate(item.criteria):
        raw = ratings.get(criterion.code)
        current = None if raw is None else Rating(raw)
        if current is Rating.NA or criterion.level > target:
            continue
        if criterion.level < target:
            if current is Rating.F:
                continue
            required = Rating.F
        elif current in (Rating.L, Rating.F):
            continue
        else:
            required = Rating.L
        gap = Gap(
            criterion.code,
            item.code,
            domain.code,
            criterion.level,
            current,
            required,
            steps_between(current, required),
        )
        found.append((position, gap))
    return found


def item_gaps(model: ModelSpec, ratings: Ratings, item_code: str, target: int) -> tuple[Gap, ...]:
    """What one item lacks for level ``target``, in criterion display order; empty at or above it."""
    _check_target(target)
    where = _position(model, item_code)
    result = _item_level_index(model.criteria_by_item_level[item_code], ratings)
    if result is None or result[0] >= target:
        return ()
    return tuple(gap for _, gap in _gap_list(where.domain, where.item, ratings, target))


def gaps(model: ModelSpec, ratings: Ratings, target: int) -> dict[str, tuple[Gap, ...]]:
    """Every item's gap to ``target``, keyed by item code in model order (empty when nothing is missing)."""
    _check_target(target)
    result: dict[str, tuple[Gap, ...]] = {}
    for item_code in model.item_codes:
        result[item_code] = item_gaps(model, ratings, item_code, target)
    return result


def improvement_plan(model: ModelSpec, ratings: Ratings, target: int) -> tuple[PlanEntry, ...]:
    """The steps that take every item to its next level and then to ``target``, foundations first.

    Each applicable item below 5 contributes its gap to the next level and, when the target lies further,
    its gap to the target. A criterion in both gaps appears once, with the higher requirement (F beats L)
    and ``unlocks`` set to the lower level. Entries are ordered by the criterion's level, then domain and
    item order, then the size of the step, then criterion order within the item, so that the plan reads
    as the order in which the work pays off.
    """
    _check_target(target)
    keyed: list[tuple[tuple[int, int, int, int, int], PlanEntry]] = []
    for item_code in model.item_codes:
        where = model._positions[item_code]
        result = _item_level_index(model.criteria_by_item_level[item_code], ratings)
        if result is None or result[0] >= MAX_LEVEL:
            continue
        following = result[0] + 1
        merged: dict[str, tuple[int, PlanEntry]] = {}
        for position, gap in _gap_list(where.domain, where.item, ratings, following):
            merged[gap.criterion] = (position, PlanEntry(gap, following))
        if target > following:
            for position, gap in _gap_list(where.domain, where.item, ratings, target):
                earlier = merged.get(gap.criterion)
                if earlier is None:
                    merged[gap.criterion] = (position, PlanEntry(gap, target))
                elif RATING_STEPS[gap.required] > RATING_STEPS[earlier[1].gap.required]:
                    merged[gap.criterion] = (position, PlanEntry(gap, earlier[1].unlocks))
        for position, entry in merged.values():
            key = (entry.gap.level, where.domain_index, where.item_index, entry.gap.steps, position)
            keyed.append((key, entry))
    keyed.sort(key=lambda pair: pair[0])
    return tuple(entry for _, entry in keyed)

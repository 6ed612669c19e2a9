"""The scoring rules of DESIGN.md §2: item, domain and overall levels and indices, gaps, improvement plan.

Pure Python on purpose: pages, reports, exports, the ``score_ratings`` command and the acceptance tests all
score through this one module, so there is exactly one implementation of each rule, testable and
benchmarkable without Django or a database (a test checks that nothing here imports them).

The input is a frozen ``ModelSpec`` (built from the database by ``capability_model.selectors``) and a
mapping from criterion code to ``Rating``; the same functions serve self-assessed and verified ratings,
which are simply two different mappings.

Internally ratings are counted in thirds (N 0, P 1, L 2, F 3) so that sums are exact integers and levels
are decided by integer comparison; floats appear only when a level's mean is taken, and results keep the
unrounded value (``format_index`` is for display only, so comparisons are never distorted by rounding).
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import accumulate
from types import MappingProxyType
from typing import Final, TypeAlias

MIN_LEVEL: Final = 1
MAX_LEVEL: Final = 5
LEVELS: Final[tuple[int, ...]] = tuple(range(MIN_LEVEL, MAX_LEVEL + 1))


class Rating(enum.StrEnum):
    """The ISO/IEC 33020 achievement scale plus NA.

    A ``StrEnum`` so that a rating stored as text in the database compares and hashes equal to its member.
    """

    N = "N"  # not achieved, 0–15 %
    P = "P"  # partially achieved, >15–50 %
    L = "L"  # largely achieved, >50–85 %
    F = "F"  # fully achieved, >85–100 %
    NA = "NA"  # not applicable (justified in writing); takes no part in levels or means


RATING_STEPS: Final[Mapping[Rating, int]] = MappingProxyType(
    {Rating.N: 0, Rating.P: 1, Rating.L: 2, Rating.F: 3}
)
"""Position of each applicable rating in thirds, so that the distance N→F is 3 steps and P→L is 1."""

RATING_VALUES: Final[Mapping[Rating, float]] = MappingProxyType(
    {rating: steps / 3 for rating, steps in RATING_STEPS.items()}
)
"""Value of each applicable rating for indices: N 0, P 1/3, L 2/3, F 1. NA has no value."""

Ratings: TypeAlias = Mapping[str, Rating]
"""Criterion code -> rating. A code that is missing is unanswered and counts as N."""

# Scoring tallies each level of an item in one integer of four 16-bit fields, so that a level's tally is a
# plain sum (done in C over prefix sums, see ``score``) instead of a Python loop over its criteria:
#   bits 0-15 applicable criteria, 16-31 their ratings in thirds, 32-47 how many below L, 48-63 below F.
# NA adds nothing (it takes no part); an unanswered criterion counts as N. The scoring goal (10,000 full
# assessments per second, bench/bench_scoring.py) is what pays for this one indirection.
_FIELD: Final = 1 << 16
_FIELD_MASK: Final = _FIELD - 1


def _tally_of(steps: int) -> int:
    """The tally of one applicable criterion rated ``steps`` thirds."""
    below_large = steps < RATING_STEPS[Rating.L]
    below_full = steps < RATING_STEPS[Rating.F]
    return 1 + steps * _FIELD + below_large * _FIELD**2 + below_full * _FIELD**3


_TALLY: Final[dict[Rating | None, int]] = {
    None: _tally_of(RATING_STEPS[Rating.N]),
    Rating.NA: 0,
    **{rating: _tally_of(steps) for rating, steps in RATING_STEPS.items()},
}
_MAX_PER_LEVEL: Final = _FIELD_MASK // RATING_STEPS[Rating.F]  # so that no field can overflow into the next
_BY_TEXT: Final[Mapping[str, Rating]] = MappingProxyType({rating.value: rating for rating in Rating})
_EXPECTED: Final = ", ".join(r.value for r in Rating if r is not Rating.NA) + " or NA"

_LevelCodes: TypeAlias = tuple[tuple[str, ...], ...]
"""Criterion codes of one item grouped by level: element 0 holds level 1, element 4 level 5."""
_LevelBounds: TypeAlias = tuple[tuple[int, int], ...]
"""Start and end, in the model's flat code order, of each level of one item."""


class ScoringInputError(ValueError):
    """Input that cannot be scored; the message is one line naming the offending code or value."""


# --- model -------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CriterionSpec:
    code: str
    level: int  # 1..5


@dataclass(frozen=True, slots=True)
class ItemSpec:
    code: str
    criteria: tuple[CriterionSpec, ...]  # in display order


@dataclass(frozen=True, slots=True)
class DomainSpec:
    code: str
    items: tuple[ItemSpec, ...]


@dataclass(frozen=True, slots=True)
class _ItemPosition:
    domain_index: int
    item_index: int
    domain: DomainSpec
    item: ItemSpec


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """One version of a capability model, as scoring needs it.

    Construction validates the structure and precomputes the lookups scoring uses, once, so that scoring
    an assessment (done on every page view and report) is a tight loop over prepared tuples.
    """

    code: str
    version: int
    domains: tuple[DomainSpec, ...]
    criterion_codes: frozenset[str] = field(init=False, repr=False, compare=False)
    item_codes: tuple[str, ...] = field(init=False, repr=False, compare=False)  # model order
    criteria_by_item_level: Mapping[str, _LevelCodes] = field(init=False, repr=False, compare=False)
    item_of: Mapping[str, str] = field(init=False, repr=False, compare=False)  # criterion code → item code
    # Every criterion code in model order, and per domain and item the bounds of each level in that order.
    _codes: tuple[str, ...] = field(init=False, repr=False, compare=False)
    _layout: tuple[tuple[str, tuple[tuple[str, _LevelBounds], ...]], ...] = field(
        init=False, repr=False, compare=False
    )
    _positions: Mapping[str, _ItemPosition] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        codes: set[str] = set()
        domain_codes: set[str] = set()
        by_item: dict[str, _LevelCodes] = {}
        item_of: dict[str, str] = {}
        positions: dict[str, _ItemPosition] = {}
        flat: list[str] = []
        layout: list[tuple[str, tuple[tuple[str, _LevelBounds], ...]]] = []
        for domain_index, domain in enumerate(self.domains):
            if domain.code in domain_codes:
                raise ValueError(f"duplicate domain code: {domain.code!r}")
            domain_codes.add(domain.code)
            items: list[tuple[str, _LevelBounds]] = []
            for item_index, item in enumerate(domain.items):
                if item.code in positions:
                    raise ValueError(f"duplicate item code: {item.code!r}")
                buckets: list[list[str]] = [[] for _ in LEVELS]
                for criterion in item.criteria:
                    if not MIN_LEVEL <= criterion.level <= MAX_LEVEL:
                        raise ValueError(
                            f"criterion {criterion.code!r} has level {criterion.level!r}, "
                            f"expected {MIN_LEVEL}..{MAX_LEVEL}"
                        )
                    if criterion.code in codes:
                        raise ValueError(f"duplicate criterion code: {criterion.code!r}")
                    codes.add(criterion.code)
                    item_of[criterion.code] = item.code
                    buckets[criterion.level - 1].append(criterion.code)
                if max(map(len, buckets)) > _MAX_PER_LEVEL:
                    raise ValueError(f"item {item.code!r} has more than {_MAX_PER_LEVEL} criteria in a level")
                levels = tuple(tuple(bucket) for bucket in buckets)
                by_item[item.code] = levels
                positions[item.code] = _ItemPosition(domain_index, item_index, domain, item)
                bounds = []
                for bucket in levels:
                    bounds.append((len(flat), len(flat) + len(bucket)))
                    flat.extend(bucket)
                items.append((item.code, tuple(bounds)))
            layout.append((domain.code, tuple(items)))
        # object.__setattr__ because the dataclass is frozen; these fields are derived, never assigned.
        # Plain dicts behind read-only Mapping types, not MappingProxyType, so that a spec can be pickled
        # (Django's cache) and deep-copied.
        object.__setattr__(self, "criterion_codes", frozenset(codes))
        object.__setattr__(self, "item_codes", tuple(positions))
        object.__setattr__(self, "criteria_by_item_level", by_item)
        object.__setattr__(self, "item_of", item_of)
        object.__setattr__(self, "_codes", tuple(flat))
        object.__setattr__(self, "_layout", tuple(layout))
        object.__setattr__(self, "_positions", positions)


# --- results -----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ItemScore:
    code: str
    level: int | None  # None: every criterion NA, so the item is not applicable
    index: float | None  # unrounded; format_index for display


@dataclass(frozen=True, slots=True)
class DomainScore:
    code: str
    level: int | None  # None: no applicable item
    index: float | None
    items: tuple[ItemScore, ...]

    def item(self, code: str) -> ItemScore:
        for item in self.items:
            if item.code == code:
                return item
        raise KeyError(code)


@dataclass(frozen=True, slots=True)
class ModelScore:
    level: int | None  # None: no applicable domain
    index: float | None
    domains: tuple[DomainScore, ...]

    def item(self, code: str) -> ItemScore:
        # A linear scan: twenty items, and a cached dict would cost an allocation on every score() call.
        for domain in self.domains:
            for item in domain.items:
                if item.code == code:
                    return item
        raise KeyError(code)

    def domain(self, code: str) -> DomainScore:
        for domain in self.domains:
            if domain.code == code:
                return domain
        raise KeyError(code)


# --- scoring -----------------------------------------------------------------------------------------------


def _level_index(tallies: Iterable[int]) -> tuple[int, float] | None:
    """Level and unrounded index of one item from its levels' tallies (level 1 first), or None when every
    criterion is NA (or there are none). The one home of the item rules of DESIGN.md §2.
    """
    level = 0
    climbing = True  # still every applicable criterion F in all levels so far
    applicable = False
    index = 0.0
    for k, tally in enumerate(tallies, MIN_LEVEL):
        count = tally & _FIELD_MASK
        if count:
            applicable = True
            index += (tally >> 16 & _FIELD_MASK) / (3 * count)
            if climbing:
                if not tally >> 32 & _FIELD_MASK:  # none below L: this level is reached
                    level = k
                # Below F the item can reach this level (with L) but none above it.
                climbing = not tally >> 48
        elif climbing:
            # A level whose criteria are all NA (or that has none) is satisfied like an all-F level and,
            # being reached, adds a full point to the index.
            level = k
            index += 1.0
    return (level, index) if applicable else None


def _item_level_index(levels: _LevelCodes, ratings: Ratings) -> tuple[int, float] | None:
    """Level and index of one item alone (gaps and plans score item by item)."""
    get = ratings.get
    return _level_index(sum(_TALLY[get(code)] for code in codes) for codes in levels)


def score(model: ModelSpec, ratings: Ratings) -> ModelScore:
    """Levels and indices of every item, domain and the whole model (DESIGN.md §2).

    A domain's level is the lowest of its applicable items' levels and its index their mean; the overall
    level and index are the same over applicable domains. Not applicable parts are left out, not counted 0.
    """
    # Prefix sums of the tallies in model order: a level's tally is then one subtraction. The hot path of
    # every page and report.
    running = [0, *accumulate(map(_TALLY.__getitem__, map(ratings.get, model._codes)))]
    domain_scores: list[DomainScore] = []
    overall_level: int | None = None
    overall_sum = 0.0
    overall_count = 0
    for domain_code, items in model._layout:
        item_scores: list[ItemScore] = []
        domain_level: int | None = None
        domain_sum = 0.0
        domain_count = 0
        for item_code, bounds in items:
            result = _level_index(running[end] - running[start] for start, end in bounds)
            if result is None:
                item_scores.append(ItemScore(item_code, None, None))
                continue
            level, index = result
            item_scores.append(ItemScore(item_code, level, index))
            if domain_level is None or level < domain_level:
                domain_level = level
            domain_sum += index
            domain_count += 1
        if domain_level is None:
            domain_scores.append(DomainScore(domain_code, None, None, tuple(item_scores)))
            continue
        domain_index = domain_sum / domain_count
        domain_scores.append(DomainScore(domain_code, domain_level, domain_index, tuple(item_scores)))
        if overall_level is None or domain_level < overall_level:
            overall_level = domain_level
        overall_sum += domain_index
        overall_count += 1
    overall_index = overall_sum / overall_count if overall_count else None
    return ModelScore(overall_level, overall_index, tuple(domain_scores))


def format_index(index: float) -> float:
    """An index to two decimals, rounding half up.

    The epsilon absorbs float noise such as 2.675 being stored as 2.67499999…, which must show as 2.68
    (indices are sums of thirds, so exact halves at the third decimal do occur after averaging).
    """
    return math.floor(index * 100 + 0.5 + 1e-9) / 100


def steps_between(current: Rating | None, required: Rating) -> int:
    """Thirds from a current rating (None: unanswered, counted as N) up to a required one; N→F is 3."""
    return RATING_STEPS[required] - RATING_STEPS[Rating.N if current is None else current]


# --- input -------------------------------------------------------------------------------------------------


def parse_ratings(model: ModelSpec, raw: Mapping[str, object]) -> dict[str, Rating]:
    """Ratings from untrusted text (JSON, forms, spreadsheets), checked against the model.

    Accepts ``Mapping[str, str]`` and anything wider, because JSON input may hold numbers or null where a
    rating belongs; those are reported, not crashed on. The first problem found is raised as a one-line
    ``ScoringInputError`` naming the criterion code or the bad value.
    """
    parsed: dict[str, Rating] = {}
    for code, value in raw.items():
        if code not in model.criterion_codes:
            raise ScoringInputError(f"unknown criterion code: {code!r}")
        rating = _BY_TEXT.get(value) if isinstance(value, str) else None
        if rating is None:
            raise ScoringInputError(f"bad rating for {code}: {value!r} (expected {_EXPECTED})")
        parsed[code] = rating
    return parsed

"""Properties of the scoring rules over the shipped model's shape, checked with hypothesis.

The table tests pin each rule on small cases; these check that the rules hold together on a model of the
real size: better ratings never score worse, a level always carries its index, gaps vanish exactly at the
target, following the plan gets there, and the result depends on nothing but the ratings.
"""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from capability_model.gaps import improvement_plan, item_gaps
from capability_model.scoring import (
    MAX_LEVEL,
    RATING_STEPS,
    ModelScore,
    ModelSpec,
    Rating,
    score,
)

FIXTURE_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
EPSILON = 1e-9
ORDER = [Rating.N, Rating.P, Rating.L, Rating.F]  # NA is outside the order: NA → anything is no raise
ANY_RATING = st.sampled_from([None, *ORDER, Rating.NA])  # None: unanswered


@st.composite
def rating_sets(draw: st.DrawFn, spec: ModelSpec) -> dict[str, Rating]:
    """Ratings that reach every level, not only the level 0 that uniform noise would almost always give.

    Each item is fully achieved up to a drawn floor and unanswered above it; then a sparse set of criteria
    is overridden with any rating (NA included), and a few items or single levels are made all NA.
    """
    ratings: dict[str, Rating] = {}
    for item_code in spec.item_codes:
        floor = draw(st.integers(0, MAX_LEVEL))
        for level, level_codes in enumerate(spec.criteria_by_item_level[item_code], 1):
            if level <= floor:
                ratings.update(dict.fromkeys(level_codes, Rating.F))
    codes = sorted(spec.criterion_codes)
    noise = draw(st.dictionaries(st.sampled_from(codes), ANY_RATING, max_size=40))
    for code, rating in noise.items():
        if rating is None:
            ratings.pop(code, None)
        else:
            ratings[code] = rating
    all_na_items = draw(st.sets(st.sampled_from(spec.item_codes), max_size=3))
    all_na_levels = draw(
        st.sets(st.tuples(st.sampled_from(spec.item_codes), st.integers(1, MAX_LEVEL)), max_size=4)
    )
    for item_code in all_na_items:
        for level_codes in spec.criteria_by_item_level[item_code]:
            ratings.update(dict.fromkeys(level_codes, Rating.NA))
    for item_code, level in all_na_levels:
        ratings.update(dict.fromkeys(spec.criteria_by_item_level[item_code][level - 1], Rating.NA))
    return ratings


def _parts(result: ModelScore) -> list[tuple[str, int | None, float | None]]:
    """Every level and index in a result, overall first, so that two results compare part by part."""
    parts: list[tuple[str, int | None, float | None]] = [("overall", result.level, result.index)]
    for domain in result.domains:
        parts.append((domain.code, domain.level, domain.index))
        parts.extend((item.code, item.level, item.index) for item in domain.items)
    return parts


@FIXTURE_SETTINGS
@given(data=st.data())
def test_raising_a_rating_never_lowers_anything(shipped_model_spec: ModelSpec, data: st.DataObject) -> None:
    spec = shipped_model_spec
    ratings = data.draw(rating_sets(spec), label="ratings")
    raisable = sorted(code for code in spec.criterion_codes if ratings.get(code, Rating.N) in ORDER[:-1])
    if not raisable:  # everything F or NA: nothing to raise
        return
    code = data.draw(st.sampled_from(raisable), label="criterion")
    current = ratings.get(code, Rating.N)
    higher = data.draw(st.sampled_from(ORDER[ORDER.index(current) + 1 :]), label="raised to")
    before = _parts(score(spec, ratings))
    after = _parts(score(spec, {**ratings, code: higher}))
    for (name, level_before, index_before), (_, level_after, index_after) in zip(before, after, strict=True):
        # Raising never changes which parts are applicable, so None stays None and numbers stay numbers.
        assert (level_before is None) == (level_after is None), name
        if level_before is not None and level_after is not None:
            assert level_after >= level_before, name
        if index_before is not None and index_after is not None:
            assert index_after >= index_before, name


@FIXTURE_SETTINGS
@given(data=st.data())
def test_index_carries_the_level(shipped_model_spec: ModelSpec, data: st.DataObject) -> None:
    result = score(shipped_model_spec, data.draw(rating_sets(shipped_model_spec), label="ratings"))
    for domain in result.domains:
        for item in domain.items:
            assert (item.level is None) == (item.index is None)
            if item.level is not None and item.index is not None:
                assert 0 <= item.level <= MAX_LEVEL
                assert item.level - 1 / 3 - EPSILON <= item.index <= MAX_LEVEL + EPSILON


@FIXTURE_SETTINGS
@given(data=st.data())
def test_gap_empty_exactly_at_or_above_target(shipped_model_spec: ModelSpec, data: st.DataObject) -> None:
    spec = shipped_model_spec
    ratings = data.draw(rating_sets(spec), label="ratings")
    result = score(spec, ratings)
    for target in range(1, MAX_LEVEL + 1):
        for code in spec.item_codes:
            level = result.item(code).level
            done = level is None or level >= target
            assert (item_gaps(spec, ratings, code, target) == ()) == done, (code, target, level)


@FIXTURE_SETTINGS
@given(data=st.data(), target=st.integers(1, MAX_LEVEL))
def test_following_the_plan_reaches_next_level_and_target(
    shipped_model_spec: ModelSpec, data: st.DataObject, target: int
) -> None:
    spec = shipped_model_spec
    ratings = data.draw(rating_sets(spec), label="ratings")
    before = score(spec, ratings)
    plan = improvement_plan(spec, ratings, target)
    improved = {**ratings, **{entry.gap.criterion: entry.gap.required for entry in plan}}
    after = score(spec, improved)
    for code in spec.item_codes:
        level, reached = before.item(code).level, after.item(code).level
        if level is None or reached is None:
            assert level is None
            assert reached is None
            continue
        assert reached >= min(max(level + 1, target), MAX_LEVEL), code
    levels = [entry.gap.level for entry in plan]
    assert levels == sorted(levels)  # foundations first
    assert all(
        e.gap.steps == RATING_STEPS[e.gap.required] - RATING_STEPS[e.gap.current or Rating.N] for e in plan
    )


@FIXTURE_SETTINGS
@given(data=st.data())
def test_scoring_is_deterministic(shipped_model_spec: ModelSpec, data: st.DataObject) -> None:
    spec = shipped_model_spec
    ratings = data.draw(rating_sets(spec), label="ratings")
    shuffled = dict(data.draw(st.permutations(list(ratings.items())), label="order"))
    first = score(spec, ratings)
    assert score(spec, ratings) == first
    assert score(spec, shuffled) == first
    assert _parts(score(spec, dict(reversed(ratings.items())))) == _parts(first)
    assert not any(index is not None and not math.isfinite(index) for _, _, index in _parts(first))

"""The scoring rules of DESIGN.md §2, one table per rule, on small hand-built models (no database).

Items are written as rating patterns so that each row reads like the rule it checks: five space-separated
groups for levels 1–5, one character per criterion — N P L F as rated, ``a`` for NA, ``.`` unanswered —
and ``-`` for a level without criteria. ``"FF FF L. .. .."`` is an item with two criteria per level, both
F at levels 1 and 2, one L and one unanswered at level 3, nothing answered above.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable

import pytest

from capability_model.gaps import Gap, gaps, improvement_plan, item_gaps
from capability_model.scoring import (
    RATING_STEPS,
    RATING_VALUES,
    CriterionSpec,
    DomainSpec,
    ItemSpec,
    ModelSpec,
    Rating,
    Ratings,
    ScoringInputError,
    format_index,
    parse_ratings,
    score,
    steps_between,
)

N, P, L, F, NA = Rating.N, Rating.P, Rating.L, Rating.F, Rating.NA
_CHARS: dict[str, Rating | None] = {"N": N, "P": P, "L": L, "F": F, "a": NA, ".": None}
ALL_NA = "aa aa aa aa aa"
ALL_F = "FF FF FF FF FF"
NOTHING = ".. .. .. .. .."


def _item(code: str, pattern: str) -> tuple[ItemSpec, dict[str, Rating]]:
    groups = pattern.split()
    assert len(groups) == 5, pattern
    criteria: list[CriterionSpec] = []
    ratings: dict[str, Rating] = {}
    for level, group in enumerate(groups, 1):
        if group == "-":
            continue
        for number, char in enumerate(group, 1):
            criterion = f"{code}-{level}-{number:02d}"
            criteria.append(CriterionSpec(criterion, level))
            rating = _CHARS[char]
            if rating is not None:
                ratings[criterion] = rating
    return ItemSpec(code, tuple(criteria)), ratings


def _model(domains: dict[str, dict[str, str]]) -> tuple[ModelSpec, dict[str, Rating]]:
    """A model and its ratings from ``{domain code: {item code: pattern}}``, in that order."""
    ratings: dict[str, Rating] = {}
    domain_specs: list[DomainSpec] = []
    for domain_code, items in domains.items():
        item_specs: list[ItemSpec] = []
        for item_code, pattern in items.items():
            item, item_ratings = _item(item_code, pattern)
            item_specs.append(item)
            ratings |= item_ratings
        domain_specs.append(DomainSpec(domain_code, tuple(item_specs)))
    return ModelSpec("test", 1, tuple(domain_specs)), ratings


def _one(pattern: str) -> tuple[ModelSpec, dict[str, Rating]]:
    return _model({"D": {"X": pattern}})


# --- ratings -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rating", "value", "steps"),
    [(N, 0.0, 0), (P, 1 / 3, 1), (L, 2 / 3, 2), (F, 1.0, 3)],
    ids=["N", "P", "L", "F"],
)
def test_rating_values_and_steps(rating: Rating, value: float, steps: int) -> None:
    assert RATING_VALUES[rating] == pytest.approx(value)
    assert RATING_STEPS[rating] == steps
    assert NA not in RATING_VALUES
    assert NA not in RATING_STEPS


@pytest.mark.parametrize(
    ("current", "required", "steps"),
    [(N, F, 3), (None, F, 3), (P, L, 1), (N, L, 2), (None, L, 2), (P, F, 2), (L, F, 1)],
    ids=["N-F", "unanswered-F", "P-L", "N-L", "unanswered-L", "P-F", "L-F"],
)
def test_steps_between(current: Rating | None, required: Rating, steps: int) -> None:
    assert steps_between(current, required) == steps


# --- item level --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "level"),
    [
        (NOTHING, 0),
        ("F. FF FF FF FF", 0),
        ("FN FF FF FF FF", 0),
        ("FP .. .. .. ..", 0),
        ("LL .. .. .. ..", 1),
        ("LF FF FF FF FF", 1),
        ("FF FF LF .. ..", 3),
        ("FF LF FF FF FF", 2),
        ("FF PF FF FF FF", 1),
        ("FF FF FF FF LL", 5),
        (ALL_F, 5),
        ("FFF FFL P.N .. ..", 2),
        ("Fa aL .. .. ..", 2),
        ("FF aa LL .. ..", 3),
        ("aa LF .. .. ..", 2),
        ("aa PP .. .. ..", 1),
        ("FF FF FF FF aa", 5),
        ("FF FF FF LF aa", 4),
        ("FF - LL .. ..", 3),
        ("- - - - LF", 5),
        (ALL_NA, None),
        ("- - - - -", None),
    ],
    ids=[
        "nothing-answered",
        "unanswered-counts-as-N",
        "N-at-level-1",
        "P-at-level-1",
        "L-at-level-1-is-level-1",
        "L-below-blocks-higher-F",
        "L-at-top-achieved-level-is-that-level",
        "F-missing-below-blocks-the-level",
        "P-below-blocks-the-level",
        "L-at-level-5-is-level-5",
        "all-F-is-5",
        "three-criteria-per-level",
        "NA-criteria-are-left-out",
        "all-NA-level-is-satisfied",
        "all-NA-level-1-is-satisfied",
        "all-NA-level-1-alone-is-level-1",
        "all-NA-top-level-reached",
        "all-NA-level-above-an-L-is-not-reached",
        "level-without-criteria-is-satisfied",
        "only-level-5-has-criteria",
        "all-NA-item-not-applicable",
        "item-without-criteria-not-applicable",
    ],
)
def test_item_level(pattern: str, level: int | None) -> None:
    spec, ratings = _one(pattern)
    assert score(spec, ratings).item("X").level == level


# --- item index --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "index"),
    [
        (NOTHING, 0.0),
        (ALL_F, 5.0),
        ("FF FF LL .. ..", 2 + 2 / 3),
        ("FN .. .. .. ..", 0.5),
        ("PL .. .. .. ..", 0.5),
        ("LL FF FF FF FF", 2 / 3 + 4),
        ("Fa LL .. .. ..", 1 + 2 / 3),
        ("FF aa LL .. ..", 1 + 1 + 2 / 3),
        ("PP aa .. .. ..", 1 / 3),
        ("aa PP .. .. ..", 1 + 1 / 3),
        ("FF FF FF LF aa", 3 + 5 / 6),
        ("FF FF FF FF aa", 5.0),
        ("FF - LL .. ..", 1 + 1 + 2 / 3),
        ("PP - .. .. ..", 1 / 3),
        (ALL_NA, None),
    ],
    ids=[
        "nothing-answered-is-0",
        "all-F-is-5",
        "two-levels-and-L",
        "mean-of-F-and-N",
        "mean-of-P-and-L",
        "higher-levels-count-though-not-reached",
        "NA-left-out-of-the-mean",
        "all-NA-level-reached-adds-1",
        "all-NA-level-not-reached-adds-0",
        "all-NA-level-1-reached-adds-1",
        "all-NA-level-5-not-reached-adds-0",
        "all-NA-level-5-reached-adds-1",
        "level-without-criteria-reached-adds-1",
        "level-without-criteria-not-reached-adds-0",
        "not-applicable-has-no-index",
    ],
)
def test_item_index(pattern: str, index: float | None) -> None:
    spec, ratings = _one(pattern)
    result = score(spec, ratings).item("X").index
    if index is None:
        assert result is None
    else:
        assert result == pytest.approx(index, abs=1e-12)


# --- domain ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("items", "level", "index"),
    [
        ({"A1": "FF FF LL .. ..", "A2": "LL .. .. .. .."}, 1, (2 + 2 / 3 + 2 / 3) / 2),
        ({"A1": "FF FF LL .. ..", "A2": ALL_NA}, 3, 2 + 2 / 3),
        ({"A1": ALL_F, "A2": ALL_NA, "A3": NOTHING}, 0, 2.5),
        ({"A1": ALL_NA, "A2": ALL_NA}, None, None),
        ({}, None, None),
    ],
    ids=[
        "lowest-item-level-and-mean-index",
        "NA-item-does-not-pull-the-domain-down",
        "NA-item-left-out-of-the-mean",
        "only-NA-items-not-applicable",
        "no-items-not-applicable",
    ],
)
def test_domain_level_and_index(items: dict[str, str], level: int | None, index: float | None) -> None:
    spec, ratings = _model({"D": items})
    domain = score(spec, ratings).domain("D")
    assert domain.level == level
    assert domain.index == (None if index is None else pytest.approx(index, abs=1e-12))
    assert [item.code for item in domain.items] == list(items)


# --- overall -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("domains", "level", "index"),
    [
        ({"D1": {"A1": ALL_F}, "D2": {"B1": "LL .. .. .. .."}}, 1, (5 + 2 / 3) / 2),
        ({"D1": {"A1": "FF FF LL .. .."}, "D2": {"B1": ALL_NA, "B2": ALL_NA}}, 3, 2 + 2 / 3),
        ({"D1": {"A1": ALL_F, "A2": ALL_F, "A3": ALL_F}, "D2": {"B1": NOTHING}}, 0, 2.5),
        ({"D1": {"A1": ALL_NA}, "D2": {"B1": ALL_NA}}, None, None),
    ],
    ids=[
        "lowest-domain-level-and-mean-index",
        "NA-domain-left-out-of-level-and-index",
        "mean-of-domains-not-of-items",
        "nothing-applicable",
    ],
)
def test_overall_level_and_index(
    domains: dict[str, dict[str, str]], level: int | None, index: float | None
) -> None:
    spec, ratings = _model(domains)
    result = score(spec, ratings)
    assert result.level == level
    assert result.index == (None if index is None else pytest.approx(index, abs=1e-12))
    assert [domain.code for domain in result.domains] == list(domains)


def test_worked_example_of_the_acceptance_tests() -> None:
    # The same numbers as tests/capability_model/test_score_ratings.py, on a hand-built model.
    spec, ratings = _model(
        {
            "SP": {"SP1": "FF FF LL .. ..", "SP2": ALL_NA, "SP3": NOTHING},
            "CB": {"CB1": NOTHING},
            "OP": {"OP1": NOTHING},
            "MI": {"MI1": NOTHING},
        }
    )
    result = score(spec, ratings)
    assert (result.item("SP1").level, format_index(result.item("SP1").index or 0)) == (3, 2.67)
    assert (result.item("SP2").level, result.item("SP2").index) == (None, None)
    assert (result.domain("SP").level, format_index(result.domain("SP").index or 0)) == (0, 1.33)
    assert (result.level, format_index(result.index or 0)) == (0, 0.33)


@pytest.mark.parametrize(
    ("lookup", "code"),
    [("item", "X"), ("domain", "D")],
    ids=["item", "domain"],
)
def test_lookups_find_and_refuse(lookup: str, code: str) -> None:
    spec, ratings = _one(ALL_F)
    result = score(spec, ratings)
    assert getattr(result, lookup)(code).code == code
    with pytest.raises(KeyError):
        getattr(result, lookup)("nope")


# --- display -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (0.0, 0.0),
        (5.0, 5.0),
        (1 / 3, 0.33),
        (2 / 3, 0.67),
        (2 + 2 / 3, 2.67),
        (0.125, 0.13),
        (0.375, 0.38),
        (2.675, 2.68),
        (1.005, 1.01),
        (4.995, 5.0),
        (0.1 + 0.2, 0.3),
        (3 - 1e-15, 3.0),
        (1.0049, 1.0),
        (4.994999, 4.99),
    ],
    ids=[
        "zero",
        "five",
        "one-third-down",
        "two-thirds-up",
        "worked-example",
        "exact-half-up",
        "exact-half-up-again",
        "half-stored-below-still-up",
        "half-stored-below-at-1",
        "half-up-to-5",
        "noise-above",
        "noise-below",
        "below-half-down",
        "just-below-half-down",
    ],
)
def test_format_index(value: float, shown: float) -> None:
    assert format_index(value) == shown


# --- gaps --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "target", "expected"),
    [
        ("N. .. .. .. ..", 1, [("X-1-01", N, L, 2), ("X-1-02", None, L, 2)]),
        ("PF .. .. .. ..", 1, [("X-1-01", P, L, 1)]),
        ("NF .. .. .. ..", 2, [("X-1-01", N, F, 3), ("X-2-01", None, L, 2), ("X-2-02", None, L, 2)]),
        ("FL FF PL .. ..", 3, [("X-1-02", L, F, 1), ("X-3-01", P, L, 1)]),
        ("aN aP .. .. ..", 2, [("X-1-02", N, F, 3), ("X-2-02", P, L, 1)]),
        ("aa PN .. .. ..", 2, [("X-2-01", P, L, 1), ("X-2-02", N, L, 2)]),
        ("FF FF FF FF PN", 5, [("X-5-01", P, L, 1), ("X-5-02", N, L, 2)]),
        ("PP .. .. .. ..", 1, [("X-1-01", P, L, 1), ("X-1-02", P, L, 1)]),
        ("FF LL .. .. ..", 2, []),
        ("FF .P .. .. ..", 1, []),
        (ALL_F, 3, []),
        (ALL_NA, 1, []),
    ],
    ids=[
        "unanswered-counts-as-N",
        "P-to-L-is-1",
        "N-to-F-is-3-below-target",
        "L-below-target-needs-F",
        "NA-criteria-skipped",
        "all-NA-level-no-gap",
        "target-5",
        "levels-above-target-ignored",
        "at-target-empty",
        "already-there-whatever-lies-above",
        "above-target-empty",
        "not-applicable-empty",
    ],
)
def test_item_gaps(pattern: str, target: int, expected: list[tuple[str, Rating | None, Rating, int]]) -> None:
    spec, ratings = _one(pattern)
    found = item_gaps(spec, ratings, "X", target)
    assert [(g.criterion, g.current, g.required, g.steps) for g in found] == expected
    assert all((g.item, g.domain, g.level) == ("X", "D", int(g.criterion[2])) for g in found)
    assert gaps(spec, ratings, target) == {"X": found}


def test_gaps_cover_every_item_in_model_order() -> None:
    spec, ratings = _model({"D1": {"A1": ALL_F, "A2": "P. .. .. .. .."}, "D2": {"B1": ALL_NA}})
    assert gaps(spec, ratings, 1) == {
        "A1": (),
        "A2": (Gap("A2-1-01", "A2", "D1", 1, P, L, 1), Gap("A2-1-02", "A2", "D1", 1, None, L, 2)),
        "B1": (),
    }


TARGETED: dict[str, Callable[[ModelSpec, Ratings, int], object]] = {
    "item-gaps": lambda spec, ratings, target: item_gaps(spec, ratings, "X", target),
    "gaps": gaps,
    "plan": improvement_plan,
}


@pytest.mark.parametrize("target", [0, 6], ids=["below-1", "above-5"])
@pytest.mark.parametrize("call", list(TARGETED))
def test_target_out_of_range_refused(call: str, target: int) -> None:
    spec, ratings = _one(NOTHING)
    with pytest.raises(ScoringInputError, match=f"not {target}"):
        TARGETED[call](spec, ratings, target)


def test_item_gaps_unknown_item() -> None:
    spec, ratings = _one(NOTHING)
    with pytest.raises(KeyError, match="nope"):
        item_gaps(spec, ratings, "nope", 1)


# --- improvement plan --------------------------------------------------------------------------------------

PLAN_MODEL = {
    "D1": {
        "A1": "FF PL .. .. ..",  # level 1
        "A2": "FF N. .. .. ..",  # level 1
        "A3": ALL_F,  # level 5: nothing left to plan
    },
    "D2": {
        "B1": "N. .. .. .. ..",  # level 0
        "B2": "FF FF FF FF P.",  # level 4: above target 3, still planned to its next level
        "B3": ALL_NA,  # not applicable
    },
}


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (
            1,
            [
                ("B1-1-01", N, L, 2, 1),
                ("B1-1-02", None, L, 2, 1),
                ("A1-2-01", P, L, 1, 2),
                ("A2-2-01", N, L, 2, 2),
                ("A2-2-02", None, L, 2, 2),
                ("B2-5-01", P, L, 1, 5),
                ("B2-5-02", None, L, 2, 5),
            ],
        ),
        (
            3,
            [
                ("B1-1-01", N, F, 3, 1),
                ("B1-1-02", None, F, 3, 1),
                ("A1-2-02", L, F, 1, 3),
                ("A1-2-01", P, F, 2, 2),
                ("A2-2-01", N, F, 3, 2),
                ("A2-2-02", None, F, 3, 2),
                ("B1-2-01", None, F, 3, 3),
                ("B1-2-02", None, F, 3, 3),
                ("A1-3-01", None, L, 2, 3),
                ("A1-3-02", None, L, 2, 3),
                ("A2-3-01", None, L, 2, 3),
                ("A2-3-02", None, L, 2, 3),
                ("B1-3-01", None, L, 2, 3),
                ("B1-3-02", None, L, 2, 3),
                ("B2-5-01", P, L, 1, 5),
                ("B2-5-02", None, L, 2, 5),
            ],
        ),
    ],
    ids=["target-not-beyond-next-levels", "target-merges-with-next-levels"],
)
def test_improvement_plan(target: int, expected: list[tuple[str, Rating | None, Rating, int, int]]) -> None:
    # Ordered by criterion level, then domain and item order, then step size (A1-2-02 before A1-2-01),
    # then criterion order; a criterion in both gaps appears once with F and the lower level unlocked.
    spec, ratings = _model(PLAN_MODEL)
    plan = improvement_plan(spec, ratings, target)
    assert [
        (e.gap.criterion, e.gap.current, e.gap.required, e.gap.steps, e.unlocks) for e in plan
    ] == expected
    assert len({e.gap.criterion for e in plan}) == len(plan)


# --- input -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"XX9-9-99": "F"}, "unknown criterion code: 'XX9-9-99'"),
        ({"X-1-01": "Q"}, "bad rating for X-1-01: 'Q' (expected N, P, L, F or NA)"),
        ({"X-1-01": "f"}, "bad rating for X-1-01: 'f' (expected N, P, L, F or NA)"),
        ({"X-1-01": " F"}, "bad rating for X-1-01: ' F' (expected N, P, L, F or NA)"),
        ({"X-1-01": ""}, "bad rating for X-1-01: '' (expected N, P, L, F or NA)"),
        ({"X-1-01": 3}, "bad rating for X-1-01: 3 (expected N, P, L, F or NA)"),
        ({"X-1-01": None}, "bad rating for X-1-01: None (expected N, P, L, F or NA)"),
        ({"X-1-01": "F", "X-1-02": "maybe"}, "bad rating for X-1-02: 'maybe' (expected N, P, L, F or NA)"),
    ],
    ids=[
        "unknown-code",
        "unknown-letter",
        "lower-case",
        "padded",
        "empty",
        "number",
        "null",
        "second-entry",
    ],
)
def test_parse_ratings_errors(raw: dict[str, object], message: str) -> None:
    spec, _ = _one(NOTHING)
    with pytest.raises(ScoringInputError) as excinfo:
        parse_ratings(spec, raw)
    assert str(excinfo.value) == message
    assert isinstance(excinfo.value, ValueError)


@pytest.mark.parametrize(
    ("raw", "parsed"),
    [
        ({}, {}),
        ({"X-1-01": "F", "X-1-02": "NA", "X-2-01": "N"}, {"X-1-01": F, "X-1-02": NA, "X-2-01": N}),
        ({"X-3-01": P, "X-3-02": "L"}, {"X-3-01": P, "X-3-02": L}),
    ],
    ids=["empty", "text", "members-and-text"],
)
def test_parse_ratings(raw: dict[str, object], parsed: dict[str, Rating]) -> None:
    spec, _ = _one(NOTHING)
    result = parse_ratings(spec, raw)
    assert result == parsed
    assert all(type(rating) is Rating for rating in result.values())


# --- model -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("domains", "message"),
    [
        ((DomainSpec("D", (ItemSpec("X", (CriterionSpec("X-0-01", 0),)),)),), "level 0"),
        ((DomainSpec("D", (ItemSpec("X", (CriterionSpec("X-6-01", 6),)),)),), "level 6"),
        (
            (DomainSpec("D", (ItemSpec("X", (CriterionSpec("X-1-01", 1), CriterionSpec("X-1-01", 1))),)),),
            "duplicate criterion code: 'X-1-01'",
        ),
        ((DomainSpec("D", (ItemSpec("X", ()), ItemSpec("X", ()))),), "duplicate item code: 'X'"),
        ((DomainSpec("D", ()), DomainSpec("D", ())), "duplicate domain code: 'D'"),
    ],
    ids=["level-0", "level-6", "duplicate-criterion", "duplicate-item", "duplicate-domain"],
)
def test_model_spec_refuses_malformed_models(domains: tuple[DomainSpec, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ModelSpec("bad", 1, domains)


def test_model_spec_refuses_a_level_too_large_to_tally() -> None:
    # Levels are tallied in 16-bit fields (scoring._TALLY); a level that could overflow one is refused
    # rather than scored wrongly.
    crowded = tuple(CriterionSpec(f"X-1-{n:05d}", 1) for n in range(21846))
    with pytest.raises(ValueError, match="more than 21845 criteria in a level"):
        ModelSpec("big", 1, (DomainSpec("D", (ItemSpec("X", crowded),)),))
    largest = tuple(CriterionSpec(f"X-1-{n:05d}", 1) for n in range(21845))
    spec = ModelSpec("big", 1, (DomainSpec("D", (ItemSpec("X", largest),)),))
    result = score(spec, dict.fromkeys(spec.criterion_codes, Rating.F))
    assert (result.level, result.index) == (5, 5.0)
    result = score(spec, {"X-1-00000": Rating.P})  # the rest unanswered: N
    assert result.level == 0
    assert result.index == pytest.approx(1 / (3 * 21845))  # empty levels above an unreached one add 0


def test_model_spec_precomputes_lookups() -> None:
    spec, _ = _model({"D1": {"A1": "FF - L. .. .."}, "D2": {"B1": NOTHING}})
    assert spec.item_codes == ("A1", "B1")
    assert "A1-3-02" in spec.criterion_codes
    assert len(spec.criterion_codes) == 8 + 10
    assert spec.criteria_by_item_level["A1"] == (
        ("A1-1-01", "A1-1-02"),
        (),
        ("A1-3-01", "A1-3-02"),
        ("A1-4-01", "A1-4-02"),
        ("A1-5-01", "A1-5-02"),
    )
    assert spec == _model({"D1": {"A1": "FF - L. .. .."}, "D2": {"B1": NOTHING}})[0]
    # Picklable, so that a spec can sit in Django's cache.
    copy = pickle.loads(pickle.dumps(spec))  # noqa: S301 - our own bytes
    assert copy.criteria_by_item_level == spec.criteria_by_item_level
    assert score(copy, {}) == score(spec, {})

"""The consolidation rule on tables (no database): the median of an ordinal scale, NA among the responses,
even counts, and when respondents disagree."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from capability_model.scoring import RATING_STEPS, Rating
from teams.consolidation import SCALE, is_disputed, median_rating, spread

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("ratings", "suggestion", "disputed"),
    [
        ([], None, False),
        (["", ""], None, False),  # nobody rated yet
        (["L"], "L", False),
        (["L", "L", "L"], "L", False),
        (["P", "L"], "P", False),  # even count: the lower middle rating
        (["N", "P", "L", "F"], "P", True),
        (["P", "F"], "P", True),  # two steps apart
        (["P", "L", "F"], "L", True),
        (["L", "F"], "L", False),  # one step: not disputed
        (["N", "F"], "N", True),  # N and F both present
        (["N", "P"], "N", False),
        (["F", "F", "N"], "F", True),
        (["NA", "NA"], "NA", False),  # everyone says it does not apply
        (["NA", "NA", "F"], "NA", False),  # most say NA
        (["NA", "F"], "F", False),  # a tie is not a majority: the applicable ratings decide
        (["NA", "P", "F"], "P", True),  # NA takes no part in the median or the spread
        (["NA", "L", "L"], "L", False),
        (["NA", "N", "F"], "N", True),
        (["L", "", "F"], "L", False),  # a response without a rating takes no part
    ],
)
def test_spread_table(ratings: list[str], suggestion: str | None, disputed: bool) -> None:
    result = spread(ratings)
    assert (result.suggestion, result.disputed) == (
        None if suggestion is None else Rating(suggestion),
        disputed,
    )
    assert result.answered == sum(1 for r in ratings if r)


def test_counts_every_rating_in_scale_order() -> None:
    result = spread(["F", "P", "NA", "F"])
    assert [r for r, _count in result.counts] == list(SCALE)
    assert dict(result.counts) == {Rating.N: 0, Rating.P: 1, Rating.L: 0, Rating.F: 2, Rating.NA: 1}
    assert result.nonzero_counts == ((Rating.P, 1), (Rating.F, 2), (Rating.NA, 1))


def test_a_bad_rating_is_refused() -> None:
    with pytest.raises(ValueError, match="X"):
        spread(["X"])


applicable = st.sampled_from([Rating.N, Rating.P, Rating.L, Rating.F])


@given(st.lists(applicable, min_size=1, max_size=12))
def test_median_is_a_given_rating_between_the_extremes(ratings: list[Rating]) -> None:
    median = median_rating(ratings)
    assert median in ratings
    steps = [RATING_STEPS[r] for r in ratings]
    assert min(steps) <= RATING_STEPS[median] <= max(steps)
    # at least half the ratings are at or above it, at least half at or below (a true median)
    assert sum(s >= RATING_STEPS[median] for s in steps) * 2 >= len(steps)
    assert sum(s <= RATING_STEPS[median] for s in steps) * 2 >= len(steps)


@given(st.lists(applicable, min_size=1, max_size=12))
def test_disputed_exactly_when_two_steps_apart(ratings: list[Rating]) -> None:
    steps = [RATING_STEPS[r] for r in ratings]
    assert is_disputed(ratings) == (max(steps) - min(steps) >= 2)


def test_the_rule_module_imports_no_django() -> None:
    tree = ast.parse((ROOT / "teams" / "consolidation.py").read_text(encoding="utf-8"))
    imported = {
        (node.module or "") if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert not {name for name in imported if name.split(".")[0] in {"django", "assessments", "teams"}}

"""The benchmark's pure rules, table-driven: cohort fallback, k and exclusion of the viewer's organisations,
percentiles and rounding, quartiles, and the stability rule (a differencing test)."""

from __future__ import annotations

import ast
from datetime import UTC, datetime
from pathlib import Path

import pytest

from benchmark import rules
from benchmark.rules import Figures, Member

ROOT = Path(__file__).resolve().parents[2]


def _member(org: int, value: float, assessment: int | None = None) -> Member:
    return Member(org, assessment or org * 10, {"D:SP": value, "I:SP1": value / 2})


def _population(layout: dict[tuple[str, str], int]) -> dict[rules.CohortKey, list[Member]]:
    """Cohorts from {(industry, size): how many organisations}; organisation ids count from 1."""
    triples, org = [], 0
    for (industry, size), count in layout.items():
        for _ in range(count):
            org += 1
            triples.append((industry, size, _member(org, 2.0)))
    return rules.group(triples)


def test_the_rules_module_imports_no_django() -> None:
    tree = ast.parse((ROOT / "benchmark" / "rules.py").read_text(encoding="utf-8"))
    names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    names |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not {n for n in names if n.split(".")[0] in {"django", "assessments", "benchmark"}}


@pytest.mark.parametrize(
    ("layout", "hidden", "expected"),
    [
        # the viewer is organisation 1, in telecom / small
        ({("telecom", "small"): 6}, {1}, (("size", "telecom", "small"), 5)),
        ({("telecom", "small"): 5, ("telecom", "large"): 1}, {1}, (("industry", "telecom"), 5)),
        ({("telecom", "small"): 2, ("telecom", "large"): 2, ("finance", "small"): 2}, {1}, (("all",), 5)),
        ({("telecom", "small"): 3, ("finance", "large"): 2}, {1}, None),  # 4 peers anywhere: not enough
        # organisations the viewer's people can see (2) are hidden too: 4 left in telecom, then everyone
        ({("telecom", "small"): 6, ("retail", "small"): 1}, {1, 2}, (("all",), 5)),
        # a viewer outside every cohort (not counted itself) still needs 5
        ({("telecom", "small"): 5}, {100}, (("size", "telecom", "small"), 5)),
    ],
)
def test_cohort_fallback(
    layout: dict[tuple[str, str], int], hidden: set[int], expected: tuple[rules.CohortKey, int] | None
) -> None:
    shown = rules.choose(_population(layout), "telecom", "small", frozenset(hidden))
    assert (None if shown is None else (shown.cohort, shown.peers)) == expected


def test_the_viewer_is_never_in_its_figures() -> None:
    peers = [_member(o, 1.0) for o in range(2, 7)]
    outlier = _member(1, 5.0)
    cohorts = rules.group([("telecom", "small", m) for m in [outlier, *peers]])
    shown = rules.choose(cohorts, "telecom", "small", {1})
    assert shown is not None
    assert shown.figures["D:SP"] == Figures(1.0, 1.0, 1.0)
    assert shown.peers == 5


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([1.0], 0.5, 1.0),
        ([1.0, 2.0], 0.5, 1.5),
        ([1.0, 2.0, 3.0, 4.0, 5.0], 0.25, 2.0),
        ([1.0, 2.0, 3.0, 4.0], 0.75, 3.25),
        ([0.0, 4.0], 0.25, 1.0),
    ],
)
def test_percentile(values: list[float], q: float, expected: float) -> None:
    assert rules.percentile(values, q) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(2.12, 2.0), (2.125, 2.25), (2.13, 2.25), (2.374, 2.25), (0.0, 0.0), (4.99, 5.0), (1 / 3 * 3, 1.0)],
)
def test_rounding(value: float, expected: float) -> None:
    assert rules.round_to_step(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [(0.5, 1), (1.0, 2), (1.9, 2), (2.0, 3), (2.9, 3), (3.0, 4), (5.0, 4)]
)
def test_quartile(value: float, expected: int) -> None:
    assert rules.quartile(value, Figures(1.0, 2.0, 3.0)) == expected


def test_figures_leave_out_dimensions_a_member_has_not() -> None:
    members = [Member(o, o, {"D:SP": 2.0}) for o in range(5)] + [Member(9, 9, {"D:SP": 2.0, "I:X": 1.0})]
    assert set(rules.figures(members)) == {"D:SP", "I:X"}


def test_window() -> None:
    now = datetime(2026, 12, 2, tzinfo=UTC)
    assert rules.window_start(now) == datetime(2024, 12, 2, tzinfo=UTC)


# --- stability -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fresh_change", "expected_fresh"),
    [
        ("same", False),
        ("one arrival", False),
        ("one new result", False),
        ("two arrivals", False),
        ("three arrivals", True),
        ("one arrival, one leaves, one new result", True),
    ],
)
def test_stabilise_keeps_the_published_cohort_until_enough_changed(
    fresh_change: str, expected_fresh: bool
) -> None:
    published = [_member(o, 2.0) for o in range(1, 7)]
    fresh = {
        "same": published,
        "one arrival": [*published, _member(7, 4.0)],
        "one new result": [*published[:-1], _member(6, 4.0, assessment=999)],
        "two arrivals": [*published, _member(7, 4.0), _member(8, 4.0)],
        "three arrivals": [*published, _member(7, 4.0), _member(8, 4.0), _member(9, 4.0)],
        "one arrival, one leaves, one new result": [
            *published[1:-1],
            _member(6, 4.0, assessment=999),
            _member(7, 4.0),
        ],
    }[fresh_change]
    members, is_fresh = rules.stabilise(published, fresh, withdrawn=set())
    assert is_fresh is expected_fresh
    assert members == (fresh if expected_fresh else published)


def test_withdrawn_organisations_leave_at_once() -> None:
    published = [_member(o, 2.0) for o in range(1, 8)]
    fresh = published[1:]
    members, is_fresh = rules.stabilise(published, fresh, withdrawn={1})
    assert not is_fresh
    assert [m.organisation_id for m in members] == list(range(2, 8))


def test_a_first_cohort_is_published() -> None:
    fresh = [_member(o, 2.0) for o in range(1, 3)]
    assert rules.stabilise(None, fresh, set()) == (fresh, True)


@pytest.mark.parametrize("newcomer_value", [0.0, 1.3, 2.6, 5.0])
def test_differencing_one_arrival_reveals_nothing(newcomer_value: float) -> None:
    """Two snapshots around one organisation's arrival show every viewer the same figures, whatever the
    newcomer's result: the cohort keeps its published members until enough changed."""
    before_members = [
        _member(o, v) for o, v in zip(range(1, 8), [1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0], strict=True)
    ]
    published = rules.group([("telecom", "small", m) for m in before_members])
    arrival = _member(99, newcomer_value)
    fresh = rules.group([("telecom", "small", m) for m in [*before_members, arrival]])
    after = {key: rules.stabilise(published.get(key), members, set())[0] for key, members in fresh.items()}
    for viewer in (1, 4, 7):
        first = rules.choose(published, "telecom", "small", {viewer})
        second = rules.choose(after, "telecom", "small", {viewer})
        assert first == second


@pytest.mark.parametrize("newcomer_value", [0.0, 2.5, 5.0])
def test_where_republished_one_organisation_moves_a_figure_by_at_most_one_step(newcomer_value: float) -> None:
    """Rounding bounds what one organisation can do to a republished figure: at most one 0.25 step in a
    cohort of twenty, whatever its result, so the difference says little about it."""
    base = [_member(o, 1.0 + (o % 10) * 0.3) for o in range(1, 21)]
    before, after = rules.figures(base), rules.figures([*base, _member(99, newcomer_value)])
    for dimension, shown in before.items():
        moved = after[dimension]
        for a, b in ((shown.p25, moved.p25), (shown.median, moved.median), (shown.p75, moved.p75)):
            assert abs(a - b) <= rules.ROUNDING_STEP

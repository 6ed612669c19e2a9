"""The KPI rules (pure): suggested ratings on table-driven cases, periods, staleness."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpis import rules

D = Decimal


@pytest.mark.parametrize(
    ("value", "threshold", "direction", "unit", "expected"),
    [
        # higher is better: meets → F; misses by ≤ 5 % of T → L; ≤ 15 % → P; more → N
        ("70", "70", "higher", "percent", "F"),
        ("95", "70", "higher", "percent", "F"),
        ("66.5", "70", "higher", "percent", "L"),  # exactly 5 % below
        ("66.49", "70", "higher", "percent", "P"),
        ("59.5", "70", "higher", "percent", "P"),  # exactly 15 % below
        ("59.49", "70", "higher", "percent", "N"),
        ("0", "70", "higher", "percent", "N"),
        ("99.9", "99.95", "higher", "percent", "L"),
        # lower is better
        ("8", "8", "lower", "percent", "F"),
        ("3", "8", "lower", "percent", "F"),
        ("8.4", "8", "lower", "percent", "L"),  # exactly 5 % above
        ("8.41", "8", "lower", "percent", "P"),
        ("9.2", "8", "lower", "percent", "P"),  # exactly 15 % above
        ("9.21", "8", "lower", "percent", "N"),
        # count with T = 0: F at 0, L at 1, P at 2, N above
        ("0", "0", "lower", "count", "F"),
        ("1", "0", "lower", "count", "L"),
        ("2", "0", "lower", "count", "P"),
        ("3", "0", "lower", "count", "N"),
        # count with T > 0 follows the relative rule (1 incident over a threshold of 1 is a 100 % miss)
        ("1", "1", "lower", "count", "F"),
        ("2", "1", "lower", "count", "N"),
        ("2", "2", "lower", "count", "F"),
        # per 100 agents
        ("0.95", "1", "higher", "per100", "L"),
        ("0.9", "1", "higher", "per100", "P"),
    ],
)
def test_suggestion(value: str, threshold: str, direction: rules.Direction, unit: str, expected: str) -> None:
    assert rules.suggest(value=D(value), threshold=D(threshold), direction=direction, unit=unit) == expected


@pytest.mark.parametrize(
    ("suggestions", "expected"),
    [(["F", "L"], "L"), (["P", "F", "N"], "N"), (["F"], "F"), (["F", None], None), ([], None)],
)
def test_several_thresholds_suggest_the_lowest(
    suggestions: list[rules.Suggestion | None], expected: str
) -> None:
    assert rules.lowest(suggestions) == expected


def _read(latest: tuple[date, Decimal] | None, today: date) -> rules.Reading:
    return rules.reading(
        kpi_code="FCR",
        threshold=D("70"),
        direction="higher",
        unit="percent",
        cadence="month",
        latest=latest,
        today=today,
    )


def test_stale_or_missing_value_suggests_nothing() -> None:
    fresh = _read((date(2026, 10, 1), D("72")), date(2026, 11, 30))
    assert (fresh.suggestion, fresh.stale, fresh.period) == ("F", False, "2026-10")
    stale = _read((date(2026, 10, 1), D("72")), date(2026, 12, 1))
    assert (stale.suggestion, stale.stale) == (None, True)
    missing = _read(None, date(2026, 12, 1))
    assert (missing.suggestion, missing.value) == (None, None)


@pytest.mark.parametrize(
    ("start", "cadence", "today", "stale"),
    [
        (date(2026, 3, 1), "month", date(2026, 4, 30), False),
        (date(2026, 3, 1), "month", date(2026, 5, 1), True),
        (date(2026, 1, 1), "quarter", date(2026, 6, 30), False),
        (date(2026, 1, 1), "quarter", date(2026, 7, 1), True),
        (date(2025, 12, 1), "month", date(2026, 1, 31), False),
        (date(2025, 10, 1), "quarter", date(2026, 4, 1), True),
    ],
)
def test_staleness(start: date, cadence: rules.Cadence, today: date, stale: bool) -> None:
    assert rules.is_stale(start, cadence=cadence, today=today) is stale


@pytest.mark.parametrize(
    ("text", "cadence", "expected"),
    [
        ("2026-03", "month", date(2026, 3, 1)),
        ("2026-3", "month", date(2026, 3, 1)),
        ("2026-Q2", "quarter", date(2026, 4, 1)),
        ("2026q4", "quarter", date(2026, 10, 1)),
        ("2026-07", "quarter", date(2026, 7, 1)),
    ],
)
def test_parse_period(text: str, cadence: rules.Cadence, expected: date) -> None:
    assert rules.parse_period(text, cadence=cadence) == expected


@pytest.mark.parametrize(
    ("text", "cadence"),
    [
        ("2026-13", "month"),
        ("2026-Q1", "month"),
        ("2026-02", "quarter"),
        ("March", "month"),
        ("1999-01", "month"),
    ],
)
def test_parse_period_refuses(text: str, cadence: rules.Cadence) -> None:
    with pytest.raises(rules.PeriodError):
        rules.parse_period(text, cadence=cadence)


@given(
    threshold=st.decimals(min_value=1, max_value=1000, places=2),
    a=st.decimals(min_value=0, max_value=2000, places=2),
    b=st.decimals(min_value=0, max_value=2000, places=2),
    direction=st.sampled_from(["higher", "lower"]),
)
def test_a_better_value_never_suggests_less(
    threshold: Decimal, a: Decimal, b: Decimal, direction: str
) -> None:
    worse, better = sorted((a, b)) if direction == "higher" else sorted((a, b), reverse=True)
    order = rules.ORDER.index
    suggest = rules.suggest
    assert order(suggest(value=worse, threshold=threshold, direction=direction, unit="percent")) <= order(  # type: ignore[arg-type]
        suggest(value=better, threshold=threshold, direction=direction, unit="percent")  # type: ignore[arg-type]
    )


def test_rules_module_has_no_django_import() -> None:
    from pathlib import Path

    source = Path(rules.__file__).read_text(encoding="utf-8")
    assert "django" not in source

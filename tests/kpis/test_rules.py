"""The KPI rules (pure): suggested ratings on table-driven cases, periods, staleness."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpis import rules

D = Decimal


FCR = ("60", "70", "75", "80")  # ladders as the shipped version 2 sets them (README "KPIs")
SYS = ("99.0", "99.5", "99.9", "99.95")
QIC = ("3", "30", "80", "100")
ABN = ("10", "8", "5", "3")
SEC = ("2", "1", "0", "0")


@pytest.mark.parametrize(
    ("value", "threshold", "ladder", "direction", "unit", "expected"),
    [
        # meets → F; meets the next easier rung → L; two rungs easier → P; else N
        ("75", "75", FCR, "higher", "percent", "F"),
        ("95", "75", FCR, "higher", "percent", "F"),
        ("74.99", "75", FCR, "higher", "percent", "L"),
        ("70", "75", FCR, "higher", "percent", "L"),
        ("69.9", "75", FCR, "higher", "percent", "P"),
        ("60", "75", FCR, "higher", "percent", "P"),
        ("59.9", "75", FCR, "higher", "percent", "N"),
        # below the easiest rung: moved by the first step (10) or 5 %/15 % of itself, whichever moves less
        ("57", "60", FCR, "higher", "percent", "L"),
        ("56.9", "60", FCR, "higher", "percent", "P"),
        ("51", "60", FCR, "higher", "percent", "P"),
        ("50.9", "60", FCR, "higher", "percent", "N"),
        # near 100 %: the ladder's first step (0.5) asks more than 5 % would (94.5 % is N, not L)
        ("99.0", "99.5", SYS, "higher", "percent", "L"),
        ("98.5", "99.5", SYS, "higher", "percent", "P"),
        ("98.49", "99.5", SYS, "higher", "percent", "N"),
        ("94.5", "99.5", SYS, "higher", "percent", "N"),
        ("98.5", "99.0", SYS, "higher", "percent", "L"),
        ("98.0", "99.0", SYS, "higher", "percent", "P"),
        ("97.9", "99.0", SYS, "higher", "percent", "N"),
        # a large first step (27): 5 %/15 % ask more
        ("2.85", "3", QIC, "higher", "percent", "L"),
        ("2.55", "3", QIC, "higher", "percent", "P"),
        ("2.5", "3", QIC, "higher", "percent", "N"),
        # lower is better
        ("5", "5", ABN, "lower", "percent", "F"),
        ("8", "5", ABN, "lower", "percent", "L"),
        ("10", "5", ABN, "lower", "percent", "P"),
        ("10.1", "5", ABN, "lower", "percent", "N"),
        ("10.5", "10", ABN, "lower", "percent", "L"),
        ("11.5", "10", ABN, "lower", "percent", "P"),
        ("11.6", "10", ABN, "lower", "percent", "N"),
        # count: whole steps of at least 1; T = 0 at the top levels: L at 1, P at 2
        ("0", "0", SEC, "lower", "count", "F"),
        ("1", "0", SEC, "lower", "count", "L"),
        ("2", "0", SEC, "lower", "count", "P"),
        ("3", "0", SEC, "lower", "count", "N"),
        ("3", "2", SEC, "lower", "count", "L"),
        ("4", "2", SEC, "lower", "count", "P"),
        ("5", "2", SEC, "lower", "count", "N"),
        # no ladder given (one threshold alone): the relative steps
        ("66.5", "70", (), "higher", "percent", "L"),
        ("66.49", "70", (), "higher", "percent", "P"),
        ("59.5", "70", (), "higher", "percent", "P"),
        ("59.49", "70", (), "higher", "percent", "N"),
        ("1", "0", (), "lower", "count", "L"),
        ("2", "0", (), "lower", "count", "P"),
    ],
)
def test_suggestion(
    value: str, threshold: str, ladder: tuple[str, ...], direction: rules.Direction, unit: str, expected: str
) -> None:
    steps = [D(t) for t in ladder]
    suggested = rules.suggest(
        value=D(value), threshold=D(threshold), direction=direction, unit=unit, ladder=steps
    )
    assert suggested == expected


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

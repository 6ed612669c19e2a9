"""The KPI rules, pure (no Django): periods, staleness, and the rating a value suggests against a threshold.

The suggestion follows /README.md "KPIs" and the version-2 model description exactly:

- F when the value meets the threshold (>= for higher-is-better, <= for lower-is-better);
- L when it meets the next easier threshold the same KPI sets at a lower level (its "ladder"), P when it meets
  the one two steps easier, N otherwise. Relative bands (5 %/15 % of the threshold) were too loose near 100 %:
  94.5 % availability against 99.5 % would have been L;
- where the ladder has no easier step (the lowest thresholds), each missing step moves the easiest threshold
  by one (then two) of the ladder's first step, or by 5 % (then 15 %) of itself, whichever moves LESS (asks
  more); ``count`` steps are whole numbers, at least 1 (threshold 0: L at 1, P at 2);
- no value, or a stale one: no suggestion.

A suggestion never sets a rating: the person answering accepts or overrides it. Several thresholds on one
criterion suggest the lowest of their suggestions, and nothing while any of them has no suggestion.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, Decimal
from typing import Final, Literal

Direction = Literal["higher", "lower"]
Cadence = Literal["month", "quarter"]
Suggestion = Literal["N", "P", "L", "F"]

# How far each step missing below the ladder moves the easiest threshold, relative to itself.
MISSING_STEPS: Final = (Decimal("0.05"), Decimal("0.15"))
ORDER: Final[tuple[Suggestion, ...]] = ("N", "P", "L", "F")
MONTHS: Final = {"month": 1, "quarter": 3}

_MONTH_RE: Final = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER_RE: Final = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)


class PeriodError(ValueError):
    """A period text that names no period of the KPI's cadence."""


def easier_steps(
    *, threshold: Decimal, ladder: Sequence[Decimal], direction: Direction, unit: str
) -> tuple[Decimal, Decimal]:
    """The values that still earn L and P against ``threshold``: the next two easier rungs of the KPI's
    ladder (every threshold it sets in the model version), completed below its easiest rung as the module
    docstring says."""
    sign = 1 if direction == "higher" else -1  # an easier threshold is lower when higher is better
    rungs = sorted({*ladder, threshold}, key=lambda t: sign * t)  # easiest first
    easier = [t for t in reversed(rungs) if sign * t < sign * threshold]  # closest to the threshold first
    first_step = rungs[1] - rungs[0] if len(rungs) > 1 else None
    easiest = easier[-1] if easier else threshold
    for k, relative in enumerate(MISSING_STEPS[: 2 - len(easier)], start=1):
        move = abs(easiest) * relative
        if first_step is not None:
            move = min(move, abs(first_step) * k)
        if unit == "count":
            move = max(Decimal(k), move.to_integral_value(rounding=ROUND_CEILING))
        easier.append(easiest - sign * move)
    return easier[0], easier[1]


def meets(*, value: Decimal, threshold: Decimal, direction: Direction) -> bool:
    """Whether a value meets a threshold (>= when higher is better, <= when lower is)."""
    return value >= threshold if direction == "higher" else value <= threshold


def suggest(
    *, value: Decimal, threshold: Decimal, direction: Direction, unit: str, ladder: Sequence[Decimal] = ()
) -> Suggestion:
    """The rating a (fresh) value suggests against one threshold of a KPI whose thresholds are ``ladder``."""
    if meets(value=value, threshold=threshold, direction=direction):
        return "F"
    largely, partially = easier_steps(threshold=threshold, ladder=ladder, direction=direction, unit=unit)
    if meets(value=value, threshold=largely, direction=direction):
        return "L"
    return "P" if meets(value=value, threshold=partially, direction=direction) else "N"


def lowest(suggestions: list[Suggestion | None]) -> Suggestion | None:
    """The suggestion of a criterion with several thresholds: the lowest, or none while any is missing."""
    if not suggestions or any(s is None for s in suggestions):
        return None
    return min((s for s in suggestions if s is not None), key=ORDER.index)


def period_start(*, year: int, month: int, cadence: Cadence) -> date:
    """The first day of the month (or quarter) that contains ``year-month``."""
    if cadence == "quarter":
        month = (month - 1) // 3 * 3 + 1
    return date(year, month, 1)


def parse_period(text: str, *, cadence: Cadence) -> date:
    """``2026-03`` (monthly) or ``2026-Q1`` / ``2026Q1`` (quarterly) → the period's first day.

    A quarterly KPI also accepts the quarter's first month (``2026-01``, ``2026-04`` …), since some systems
    export quarters that way; another month is refused rather than silently moved.
    """
    text = text.strip()
    quarter = _QUARTER_RE.match(text)
    if quarter:
        if cadence != "quarter":
            raise PeriodError("month expected")
        return date(int(quarter.group(1)), (int(quarter.group(2)) - 1) * 3 + 1, 1)
    month = _MONTH_RE.match(text)
    if not month or not 1 <= int(month.group(2)) <= 12 or int(month.group(1)) < 2000:
        raise PeriodError("bad period")
    year, number = int(month.group(1)), int(month.group(2))
    if cadence == "quarter" and (number - 1) % 3:
        raise PeriodError("quarter expected")
    return date(year, number, 1)


def period_label(start: date, *, cadence: Cadence) -> str:
    if cadence == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return f"{start.year}-{start.month:02d}"


def add_months(start: date, months: int) -> date:
    index = start.year * 12 + start.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def is_stale(start: date, *, cadence: Cadence, today: date) -> bool:
    """A value is stale once the period after its own has ended too: by then a newer value was due.

    A March value (monthly) is current until 30 April and stale from 1 May; a Q1 value until 30 June.
    """
    return today >= add_months(start, 2 * MONTHS[cadence])


def is_future(start: date, *, today: date) -> bool:
    """A period that has not begun cannot have a value yet."""
    return start > today


@dataclass(frozen=True, slots=True)
class Reading:
    """One criterion's figure against its threshold, as the questionnaire, review and report show it."""

    kpi_code: str
    threshold: Decimal
    value: Decimal | None
    period: str  # label of the value's period, "" without a value
    stale: bool
    suggestion: Suggestion | None


def reading(
    *,
    kpi_code: str,
    threshold: Decimal,
    direction: Direction,
    unit: str,
    cadence: Cadence,
    latest: tuple[date, Decimal] | None,
    today: date,
    ladder: Sequence[Decimal] = (),
) -> Reading:
    """The latest value of a KPI against one threshold; no suggestion without a fresh value."""
    if latest is None:
        return Reading(kpi_code, threshold, None, "", False, None)
    start, value = latest
    stale = is_stale(start, cadence=cadence, today=today)
    suggestion = (
        None
        if stale
        else suggest(value=value, threshold=threshold, direction=direction, unit=unit, ladder=ladder)
    )
    return Reading(kpi_code, threshold, value, period_label(start, cadence=cadence), stale, suggestion)

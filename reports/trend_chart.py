"""The trend chart: official indices per capability domain across an organisation's assessments.

Pure like ``reports.charts``, whose text layout it shares. One line per domain over the assessments in time
order, y from 0 to 5 with a rule at every level; each line ends in its label and last index, spread apart so
that no two labels overlap. The numbers themselves stand in a table beside the chart (the template's), so the
chart only has to show the shape.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import quoteattr

from .charts import (
    FONT_SIZE,
    LINE_HEIGHT,
    MAX_VALUE,
    Box,
    Series,
    dash_attr,
    marker_markup,
    svg_open,
    text_box,
    text_markup,
    wrap,
)

PLOT_LEFT = 36.0
PLOT_TOP = 12.0
PLOT_HEIGHT = 240.0
_COLUMN = 120.0  # room per assessment along the x axis
_MIN_WIDTH = 360.0
_INSET = 36.0  # the first and last assessment sit this far inside the plot
_END_LABEL_GAP = 12.0
_END_LABEL_WIDTH = 150.0


def _y(value: float) -> float:
    return PLOT_TOP + PLOT_HEIGHT * (1 - max(0.0, min(value, MAX_VALUE)) / MAX_VALUE)


def _spread(wanted: list[float], gap: float, low: float, high: float) -> list[float]:
    """Positions as close to ``wanted`` (sorted) as possible, at least ``gap`` apart, within [low, high]."""
    placed: list[float] = []
    for position in wanted:
        placed.append(max(position, placed[-1] + gap) if placed else max(position, low))
    overflow = placed[-1] - high if placed else 0.0
    if overflow > 0:  # pushed past the bottom: shift everything up, keeping the gaps
        placed = [p - overflow for p in placed]
        for n in range(len(placed) - 2, -1, -1):
            placed[n] = min(placed[n], placed[n + 1] - gap)
    return placed


def trend_svg(*, title: str, columns: Sequence[str], series: Sequence[Series]) -> str:
    """An SVG line chart of ``series`` (values 0 … 5, None where missing) over ``columns`` in time order.

    Raises ``ValueError`` without columns or for a series whose number of values differs from them.
    """
    count = len(columns)
    if count < 1:
        raise ValueError("a trend needs at least one assessment")
    for one in series:
        if len(one.values) != count:
            raise ValueError(f"series {one.label!r} has {len(one.values)} values for {count} columns")
    width = max(_MIN_WIDTH, _COLUMN * count)
    right = PLOT_LEFT + width
    bottom = PLOT_TOP + PLOT_HEIGHT
    step = (width - 2 * _INSET) / (count - 1) if count > 1 else 0.0

    def x_of(column: int) -> float:
        return PLOT_LEFT + _INSET + step * column if count > 1 else PLOT_LEFT + width / 2

    parts = []
    for level in range(int(MAX_VALUE) + 1):
        y = _y(float(level))
        parts.append(
            f'<line x1="{PLOT_LEFT:.1f}" y1="{y:.1f}" x2="{right:.1f}" y2="{y:.1f}" '
            f'stroke="{"#adb5bd" if level == 0 else "#e3e7eb"}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{PLOT_LEFT - 8:.1f}" y="{y + 4:.1f}" text-anchor="end" fill="#6c757d" '
            f'font-size="12">{level}</text>'
        )
    frame = Box(0.0, 0.0, right, bottom)
    for column, label in enumerate(columns):
        lines = wrap(label, _COLUMN - 10, size=12, max_lines=2)
        x, y = x_of(column), bottom + 18
        parts.append(
            text_markup(
                lines, x, y, anchor="middle", attrs=' class="column-label" fill="#495057" font-size="12"'
            )
        )
        box = text_box(lines, x, y, "middle", size=12)
        frame = Box(
            min(frame.left, box.left), frame.top, max(frame.right, box.right), max(frame.bottom, box.bottom)
        )
    ends: list[tuple[float, Series, float]] = []  # (y of the last point, series, its value)
    for one in series:
        points = [(x_of(n), _y(v), v) for n, v in enumerate(one.values) if v is not None]
        if not points:
            continue
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _v in points)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke={quoteattr(one.colour)} '
                f'stroke-width="2.2"{dash_attr(one.line)}/>'
            )
        parts.extend(marker_markup(one.marker, x, y, one.colour) for x, y, _v in points)
        ends.append((points[-1][1], one, points[-1][2]))
    ends.sort(key=lambda end: end[0])
    label_x = x_of(count - 1) + _END_LABEL_GAP + 4
    for (_y_last, one, value), y in zip(
        ends, _spread([e[0] for e in ends], LINE_HEIGHT + 2, PLOT_TOP, bottom), strict=True
    ):
        text = wrap(f"{one.label} {value:.2f}", _END_LABEL_WIDTH, max_lines=1)
        parts.append(
            text_markup(
                text,
                label_x,
                y + FONT_SIZE * 0.35,
                attrs=f' class="end-label" fill={quoteattr(one.colour)} font-weight="600"',
            )
        )
        box = text_box(text, label_x, y + FONT_SIZE * 0.35, "start")
        frame = Box(
            frame.left, min(frame.top, box.top), max(frame.right, box.right), max(frame.bottom, box.bottom)
        )
    frame = Box(frame.left - 4, frame.top - 4, frame.right + 4, frame.bottom + 4)
    return "".join([svg_open(frame, "trend-chart", title), *parts, "</svg>"])

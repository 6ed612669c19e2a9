"""The charts of the report (radar, KPI trend), drawn as SVG on the server so the page and the PDF show one
picture.

Pure: no Django import. Labels and titles are escaped here, so the markup can be embedded as is.
Colours are SVG presentation attributes, not ``style``, so the page needs no inline styles under the CSP.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

MAX_VALUE = 5.0
SIZE = 420  # the square viewBox, in user units; the page and the PDF scale it with CSS
_CENTRE = SIZE / 2
_RADIUS = 130.0
_MARGIN = 110  # room beside the square for long axis labels ("MI Multimodal interaction")
_FONT = "'Noto Sans CJK SC', 'Noto Sans', sans-serif"


@dataclass(frozen=True, slots=True)
class Series:
    label: str
    values: tuple[float | None, ...]  # one per axis, 0 … MAX_VALUE; None: not applicable (drawn at 0)
    colour: str  # a CSS colour, e.g. "#0b5f7a"
    dashed: bool = False
    filled: bool = True


def _point(axis: int, axes: int, value: float) -> tuple[float, float]:
    """Axis 0 points up; the others follow clockwise."""
    angle = -math.pi / 2 + 2 * math.pi * axis / axes
    radius = _RADIUS * max(0.0, min(value, MAX_VALUE)) / MAX_VALUE
    return _CENTRE + radius * math.cos(angle), _CENTRE + radius * math.sin(angle)


def _points(values: Sequence[float | None], axes: int) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in (_point(i, axes, v or 0.0) for i, v in enumerate(values)))


def _anchor(x: float) -> str:
    if abs(x - _CENTRE) < 1:
        return "middle"
    return "start" if x > _CENTRE else "end"


def radar_svg(*, title: str, axes: Sequence[str], series: Sequence[Series]) -> str:
    """An SVG radar chart: one axis per label, rings at levels 1–5, one polygon per series, a legend.

    Raises ``ValueError`` for fewer than three axes (a radar of two axes is a line) or a series whose
    number of values differs from the number of axes.
    """
    count = len(axes)
    if count < 3:
        raise ValueError("a radar chart needs at least three axes")
    for one in series:
        if len(one.values) != count:
            raise ValueError(f"series {one.label!r} has {len(one.values)} values for {count} axes")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{-_MARGIN} 0 {SIZE + 2 * _MARGIN} {SIZE + 40}" '
        'role="img" '
        f'class="radar-chart" font-family="{_FONT}" font-size="15">',
        f"<title>{escape(title)}</title>",
    ]
    for ring in range(1, int(MAX_VALUE) + 1):
        parts.append(
            f'<polygon points="{_points([float(ring)] * count, count)}" fill="none" '
            f'stroke="#c9d1d9" stroke-width="{1.2 if ring == MAX_VALUE else 0.8}"/>'
        )
        x, y = _point(0, count, float(ring))
        parts.append(f'<text x="{x + 4:.1f}" y="{y + 4:.1f}" fill="#6c757d" font-size="10">{ring}</text>')
    for axis, label in enumerate(axes):
        x, y = _point(axis, count, MAX_VALUE)
        parts.append(
            f'<line x1="{_CENTRE}" y1="{_CENTRE}" x2="{x:.1f}" y2="{y:.1f}" '
            'stroke="#c9d1d9" stroke-width="0.8"/>'
        )
        lx, ly = _point(axis, count, MAX_VALUE * 1.12)
        parts.append(
            f'<text x="{lx:.1f}" y="{ly + 4:.1f}" text-anchor="{_anchor(lx)}" fill="#212529" '
            f'font-weight="600">{escape(label)}</text>'
        )
    for one in series:
        fill = quoteattr(one.colour) if one.filled else '"none"'
        dash = ' stroke-dasharray="6 4"' if one.dashed else ""
        parts.append(
            f'<polygon points="{_points(one.values, count)}" fill={fill} fill-opacity="0.15" '
            f'stroke={quoteattr(one.colour)} stroke-width="2"{dash}/>'
        )
        for axis, value in enumerate(one.values):
            if value is not None:
                x, y = _point(axis, count, value)
                parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill={quoteattr(one.colour)}/>')
    legend_y = SIZE + 20
    step = SIZE / max(len(series), 1)
    for position, one in enumerate(series):
        x = 20 + position * step
        dash = ' stroke-dasharray="6 4"' if one.dashed else ""
        parts.append(
            f'<line x1="{x:.1f}" y1="{legend_y}" x2="{x + 24:.1f}" y2="{legend_y}" '
            f'stroke={quoteattr(one.colour)} stroke-width="3"{dash}/>'
        )
        parts.append(f'<text x="{x + 30:.1f}" y="{legend_y + 4}" fill="#212529">{escape(one.label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


_TREND_W, _TREND_H = 360, 150
_TREND_PAD = (40, 12, 14, 28)  # left, right, top, bottom


def trend_svg(
    *, title: str, labels: Sequence[str], values: Sequence[float], thresholds: Sequence[tuple[str, float]]
) -> str:
    """A small line chart of one KPI over its periods (oldest first), with its thresholds as dashed lines
    labelled by level ("L3"). The numbers are printed beside the chart by the template, so nothing depends
    on reading the picture. Raises ``ValueError`` when labels and values differ in number or are empty."""
    if not values or len(labels) != len(values):
        raise ValueError("a trend needs one label per value, and at least one value")
    left, right, top, bottom = _TREND_PAD
    width, height = _TREND_W - left - right, _TREND_H - top - bottom
    every = [*values, *(t for _label, t in thresholds)]
    low, high = min(every), max(every)
    if high - low < 1e-9:
        low, high = low - 1, high + 1
    margin = (high - low) * 0.1
    low, high = low - margin, high + margin

    def x(i: int) -> float:
        return left + (width * i / (len(values) - 1) if len(values) > 1 else width / 2)

    def y(v: float) -> float:
        return top + height * (1 - (v - low) / (high - low))

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_TREND_W} {_TREND_H}" role="img" '
        f'class="trend-chart" font-family="{_FONT}" font-size="10">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{left}" y1="{top + height}" x2="{left + width}" y2="{top + height}" stroke="#c9d1d9"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + height}" stroke="#c9d1d9"/>',
        f'<text x="{left - 4}" y="{top + 4}" text-anchor="end" fill="#6c757d">{high:.4g}</text>',
        f'<text x="{left - 4}" y="{top + height}" text-anchor="end" fill="#6c757d">{low:.4g}</text>',
    ]
    for label, threshold in thresholds:
        ty = y(threshold)
        parts.append(
            f'<line x1="{left}" y1="{ty:.1f}" x2="{left + width}" y2="{ty:.1f}" stroke="#b02a37" '
            'stroke-width="0.8" stroke-dasharray="4 3"/>'
        )
        parts.append(
            f'<text x="{left + width}" y="{ty - 2:.1f}" text-anchor="end" fill="#b02a37">'
            f"{escape(label)}</text>"
        )
    points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
    parts.append(f'<polyline points="{points}" fill="none" stroke="#0b5f7a" stroke-width="2"/>')
    for i, v in enumerate(values):
        parts.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="2.5" fill="#0b5f7a"/>')
    for i in sorted({0, len(labels) - 1}):
        anchor = "start" if i == 0 and len(labels) > 1 else "end" if i else "middle"
        parts.append(
            f'<text x="{x(i):.1f}" y="{_TREND_H - 8}" text-anchor="{anchor}" fill="#6c757d">'
            f"{escape(labels[i])}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)

"""The trend of one KPI over its periods, drawn as SVG on the server (the report's KPI section).

Pure: no Django import. Labels are escaped here; the numbers are printed beside the chart by the template.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from .charts import _FONT

_TREND_W, _TREND_H = 360, 150
_TREND_PAD = (40, 12, 14, 28)  # left, right, top, bottom


def kpi_trend_svg(
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

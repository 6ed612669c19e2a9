"""The trend of an organisation's official results as an SVG line chart: one line per domain's index
(0–5) across its approved assessments, oldest first. Pure (no Django), every text escaped."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 560, 220, 36, 90, 12, 28
COLOURS = ("#0d6efd", "#198754", "#d63384", "#fd7e14", "#6f42c1", "#20c997")


@dataclass(frozen=True, slots=True)
class TrendLine:
    label: str
    values: Sequence[float | None]  # one per assessment; None: not applicable there


def trend_svg(*, title: str, points: Sequence[str], lines: Sequence[TrendLine]) -> str:
    """``points`` label the x axis (e.g. the assessments' dates)."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(points) - 1, 1)

    def x(i: int) -> float:
        return LEFT + (i * step if len(points) > 1 else plot_w / 2)

    def y(v: float) -> float:
        return TOP + plot_h * (1 - v / 5)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="trend-chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    grid = 'stroke="#dee2e6"'
    parts.extend(
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(level):.1f}" y2="{y(level):.1f}" {grid}/>'
        f'<text x="{LEFT - 6}" y="{y(level) + 4:.1f}" text-anchor="end" font-size="11">{level}</text>'
        for level in range(6)
    )
    parts.extend(
        f'<text x="{x(i):.1f}" y="{HEIGHT - 8}" text-anchor="middle" font-size="11">{escape(label)}</text>'
        for i, label in enumerate(points)
    )
    for n, line in enumerate(lines):
        colour = COLOURS[n % len(COLOURS)]
        coords = [(x(i), y(v)) for i, v in enumerate(line.values) if v is not None]
        if len(coords) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in coords)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        parts.extend(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{colour}"/>' for px, py in coords)
        parts.append(
            f'<text x="{WIDTH - RIGHT + 8}" y="{TOP + 14 + n * 16}" font-size="11" fill="{colour}">'
            f"{escape(line.label)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)

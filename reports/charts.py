"""The charts of the report, drawn as SVG on the server so the page and the PDF show one picture.

Pure: no Django import. Labels and titles are escaped here, so the markup can be embedded as is.
Colours are SVG presentation attributes, not ``style``, so the page needs no inline styles under the CSP.

Text is laid out here, not by the browser: SVG does not wrap, so a long label ("MI Multimodal interaction",
an assessment's 32-character title) would run over the chart or off its edge. ``text_width`` estimates a
line's width from its characters (CJK glyphs are one em wide, Latin ones about 0.6 em in Noto Sans) and
``wrap`` breaks labels into lines that fit; the viewBox is then computed around everything drawn, and the
legend sits in rows below the chart, so nothing overlaps whatever the names or the language.

Series differ by line pattern and marker shape as well as colour, so they stay apart in a black-and-white
print.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

MAX_VALUE = 5.0
FONT_SIZE = 15.0
LINE_HEIGHT = 18.0
_FONT = "'Noto Sans CJK SC', 'Noto Sans', sans-serif"
_LATIN_EM = 0.6  # a generous average for Noto Sans: an estimate that errs wide never overlaps
_MAX_LINES = 3

# The radar: centre and radius in user units; the viewBox is computed around what is drawn.
CENTRE = 300.0
RADIUS = 170.0
_LABEL_GAP = 16.0  # between the outer ring and an axis label
_SIDE_LABEL_WIDTH = 150.0  # the widest a label beside the chart may be
_TOP_LABEL_WIDTH = 260.0  # above or below the chart a label may be wider
_LEGEND_GAP = 28.0
_PAD = 8.0

LINE_PATTERNS = {"solid": "", "dashed": "7 4", "dotted": "2 3", "dashdot": "8 3 2 3"}
MARKERS = ("circle", "square", "triangle", "diamond")


@dataclass(frozen=True, slots=True)
class Series:
    label: str
    values: tuple[float | None, ...]  # one per axis, 0 … MAX_VALUE; None: not applicable (drawn at 0)
    colour: str  # a CSS colour, e.g. "#0b5f7a"
    line: str = "solid"  # a key of LINE_PATTERNS
    filled: bool = True
    marker: str = "circle"  # one of MARKERS


@dataclass(frozen=True, slots=True)
class Box:
    """An axis-aligned rectangle in user units, for layout (and for tests that check nothing overlaps)."""

    left: float
    top: float
    right: float
    bottom: float

    def intersects(self, other: Box) -> bool:
        return not (
            self.right <= other.left
            or other.right <= self.left
            or self.bottom <= other.top
            or other.bottom <= self.top
        )


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """The estimated width of one line of text, in user units."""
    return sum(size if _wide(c) else size * _LATIN_EM for c in text)


_TOKEN = re.compile(r"[^\s]+")


def _tokens(text: str) -> list[tuple[str, bool]]:
    """Words, each with whether a space came before it; every CJK character is a word of its own
    (Chinese breaks between any two characters)."""
    tokens: list[tuple[str, bool]] = []
    for word in _TOKEN.findall(text):
        spaced = bool(tokens)
        run = ""
        for char in word:
            if _wide(char):
                if run:
                    tokens.append((run, spaced))
                    spaced, run = False, ""
                tokens.append((char, spaced))
                spaced = False
            else:
                run += char
        if run:
            tokens.append((run, spaced))
    return tokens


def _truncate(text: str, width: float, size: float) -> str:
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text + "…"


def wrap(text: str, width: float, size: float = FONT_SIZE, max_lines: int = _MAX_LINES) -> list[str]:
    """``text`` in lines no wider than ``width``; the last line ends in "…" if it had to be cut."""
    lines: list[str] = []
    line = ""
    for token, spaced in _tokens(text):
        candidate = f"{line} {token}" if line and spaced else line + token
        if text_width(candidate, size) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = token
    if line:
        lines.append(line)
    lines = [lin if text_width(lin, size) <= width else _truncate(lin, width, size) for lin in lines]
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], _truncate(lines[max_lines - 1], width, size)]
    return lines or [""]


def text_markup(lines: Sequence[str], x: float, y: float, *, anchor: str = "start", attrs: str = "") -> str:
    """One ``<text>`` whose lines are ``<tspan>``s; ``y`` is the first line's baseline."""
    spans = "".join(
        f'<tspan x="{x:.1f}" dy="{0 if n == 0 else LINE_HEIGHT:.0f}">{escape(line)}</tspan>'
        for n, line in enumerate(lines)
    )
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{attrs}>{spans}</text>'


def text_box(lines: Sequence[str], x: float, y: float, anchor: str, size: float = FONT_SIZE) -> Box:
    width = max(text_width(line, size) for line in lines)
    left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
    return Box(left, y - size, left + width, y + (len(lines) - 1) * LINE_HEIGHT + size * 0.3)


def marker_markup(shape: str, x: float, y: float, colour: str, size: float = 4.0) -> str:
    """A point marker: the shape keeps series apart where colours print alike."""
    fill = quoteattr(colour)
    if shape == "square":
        side = 2 * size
        corner = f'x="{x - size:.1f}" y="{y - size:.1f}"'
        return f'<rect {corner} width="{side:.1f}" height="{side:.1f}" fill={fill}/>'
    if shape == "triangle":
        s = size * 1.25
        base = y + s * 0.8
        return f'<path d="M{x:.1f} {y - s:.1f}L{x + s:.1f} {base:.1f}L{x - s:.1f} {base:.1f}Z" fill={fill}/>'
    if shape == "diamond":
        s = size * 1.3
        corners = f"M{x:.1f} {y - s:.1f}L{x + s:.1f} {y:.1f}L{x:.1f} {y + s:.1f}L{x - s:.1f} {y:.1f}Z"
        return f'<path d="{corners}" fill={fill}/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{size:.1f}" fill={fill}/>'


def dash_attr(line: str) -> str:
    pattern = LINE_PATTERNS.get(line, "")
    return f' stroke-dasharray="{pattern}"' if pattern else ""


def legend_markup(
    entries: Sequence[tuple[str, str, str, str]], left: float, top: float, width: float
) -> tuple[str, Box]:
    """A legend of one row per entry (label, colour, line, marker) from ``top`` down; its markup and box."""
    parts = []
    y = top + FONT_SIZE
    for label, colour, line, marker in entries:
        lines = wrap(label, width - 44)
        parts.append(
            f'<line x1="{left:.1f}" y1="{y - 5:.1f}" x2="{left + 34:.1f}" y2="{y - 5:.1f}" '
            f'stroke={quoteattr(colour)} stroke-width="3"{dash_attr(line)}/>'
        )
        parts.append(marker_markup(marker, left + 17, y - 5, colour))
        parts.append(text_markup(lines, left + 44, y, attrs=' class="legend-label" fill="#212529"'))
        y += LINE_HEIGHT * len(lines) + 6
    return "".join(parts), Box(left, top, left + width, y - 6)


def svg_open(box: Box, css_class: str, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="{box.left:.0f} {box.top:.0f} {box.right - box.left:.0f} {box.bottom - box.top:.0f}" '
        f'role="img" class="{css_class}" font-family="{_FONT}" font-size="{FONT_SIZE:.0f}">'
        f"<title>{escape(title)}</title>"
    )


def _point(axis: int, axes: int, value: float, radius: float = RADIUS) -> tuple[float, float]:
    """Axis 0 points up; the others follow clockwise."""
    angle = -math.pi / 2 + 2 * math.pi * axis / axes
    scaled = radius * max(0.0, min(value, MAX_VALUE)) / MAX_VALUE
    return CENTRE + scaled * math.cos(angle), CENTRE + scaled * math.sin(angle)


def _points(values: Sequence[float | None], axes: int) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in (_point(i, axes, v or 0.0) for i, v in enumerate(values)))


def _axis_label(axis: int, count: int, label: str) -> tuple[list[str], float, float, str]:
    """Lines, position and anchor of an axis label, placed outside the outer ring clear of it."""
    angle = -math.pi / 2 + 2 * math.pi * axis / count
    dx, dy = math.cos(angle), math.sin(angle)
    reach = RADIUS + _LABEL_GAP
    x, y = CENTRE + reach * dx, CENTRE + reach * dy
    if abs(dx) < 0.3:  # above or below the chart: centred, wider
        lines = wrap(label, _TOP_LABEL_WIDTH)
        height = (len(lines) - 1) * LINE_HEIGHT
        baseline = y - height - 4 if dy < 0 else y + FONT_SIZE
        return lines, x, baseline, "middle"
    lines = wrap(label, _SIDE_LABEL_WIDTH)
    height = (len(lines) - 1) * LINE_HEIGHT
    anchor = "start" if dx > 0 else "end"
    # Centred on the axis's end vertically; nudged away from the ring where the axis leans up or down.
    baseline = y + FONT_SIZE * 0.35 - height / 2 + dy * height / 2
    return lines, x, baseline, anchor


def radar_svg(*, title: str, axes: Sequence[str], series: Sequence[Series]) -> str:
    """An SVG radar chart: one axis per label, rings at levels 1–5, one polygon per series, a legend below.

    Raises ``ValueError`` for fewer than three axes (a radar of two axes is a line) or a series whose
    number of values differs from the number of axes.
    """
    count = len(axes)
    if count < 3:
        raise ValueError("a radar chart needs at least three axes")
    for one in series:
        if len(one.values) != count:
            raise ValueError(f"series {one.label!r} has {len(one.values)} values for {count} axes")
    parts: list[str] = []
    bounds = Box(CENTRE - RADIUS, CENTRE - RADIUS, CENTRE + RADIUS, CENTRE + RADIUS)
    for ring in range(1, int(MAX_VALUE) + 1):
        parts.append(
            f'<polygon points="{_points([float(ring)] * count, count)}" fill="none" '
            f'stroke="#c9d1d9" stroke-width="{1.2 if ring == MAX_VALUE else 0.8}"/>'
        )
        x, y = _point(0, count, float(ring))
        parts.append(f'<text x="{x + 4:.1f}" y="{y + 12:.1f}" fill="#6c757d" font-size="11">{ring}</text>')
    for axis, label in enumerate(axes):
        x, y = _point(axis, count, MAX_VALUE)
        parts.append(
            f'<line x1="{CENTRE}" y1="{CENTRE}" x2="{x:.1f}" y2="{y:.1f}" '
            'stroke="#c9d1d9" stroke-width="0.8"/>'
        )
        lines, lx, ly, anchor = _axis_label(axis, count, label)
        parts.append(
            text_markup(
                lines, lx, ly, anchor=anchor, attrs=' class="axis-label" fill="#212529" font-weight="600"'
            )
        )
        box = text_box(lines, lx, ly, anchor)
        bounds = Box(
            min(bounds.left, box.left),
            min(bounds.top, box.top),
            max(bounds.right, box.right),
            max(bounds.bottom, box.bottom),
        )
    for one in series:
        fill = quoteattr(one.colour) if one.filled else '"none"'
        parts.append(
            f'<polygon points="{_points(one.values, count)}" fill={fill} fill-opacity="0.12" '
            f'stroke={quoteattr(one.colour)} stroke-width="2.2"{dash_attr(one.line)}/>'
        )
        for axis, value in enumerate(one.values):
            if value is not None:
                x, y = _point(axis, count, value)
                parts.append(marker_markup(one.marker, x, y, one.colour, 3.5))
    width = bounds.right - bounds.left
    legend, legend_box = legend_markup(
        [(s.label, s.colour, s.line, s.marker) for s in series],
        bounds.left + width * 0.15,
        bounds.bottom + _LEGEND_GAP,
        width * 0.7,
    )
    frame = Box(bounds.left - _PAD, bounds.top - _PAD, bounds.right + _PAD, legend_box.bottom + _PAD)
    return "".join(
        [svg_open(frame, "radar-chart", title), *parts, f'<g class="legend">{legend}</g>', "</svg>"]
    )

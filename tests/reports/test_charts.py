"""The charts are pure SVG markup: geometry, escaping, text that fits, a legend that never overlaps the
chart, and refusal of shapes they cannot draw."""

from __future__ import annotations

import itertools
import math
from xml.etree import ElementTree

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.charts import (
    CENTRE,
    FONT_SIZE,
    LINE_HEIGHT,
    RADIUS,
    Box,
    Series,
    radar_svg,
    text_width,
    wrap,
)
from reports.trend_chart import trend_svg

SVG = "{http://www.w3.org/2000/svg}"

LONG_NAMES = [
    "SP 战略规划 Strategic planning for intelligent customer service",
    "CB 能力建设 Capability building",
    "OP 多元化运营 Diversified operations",
    "MI 多模态交互 Multimodal interaction",
]
LONG_SERIES = [
    Series("2026 年度自评估 2026 self-assessment of the whole contact centre", (1.0, 2.0, 3.0, 4.0), "#666"),
    Series(
        "2025 年度评估 2025 annual assessment (verified by the consultant)", (2.0, 2.0, 2.0, 2.0), "#0b5f7a"
    ),
    Series("目标等级 Target level", (3.0, 3.0, 3.0, 3.0), "#d63384", line="dotted", filled=False),
]


def _polygons(svg: str) -> list[list[tuple[float, float]]]:
    root = ElementTree.fromstring(svg)
    return [
        [tuple(float(v) for v in pair.split(",")) for pair in p.attrib["points"].split()]  # type: ignore[misc]
        for p in root.iter(f"{SVG}polygon")
    ]


def _lines(text: ElementTree.Element) -> list[str]:
    return [span.text or "" for span in text.iter(f"{SVG}tspan")]


def _box(text: ElementTree.Element) -> Box:
    """The box a ``<text>`` of tspans covers, by the same estimate the chart lays out with."""
    lines = _lines(text)
    x, y = float(text.attrib["x"]), float(text.attrib["y"])
    width = max(text_width(line, float(text.attrib.get("font-size", FONT_SIZE))) for line in lines)
    left = {"start": x, "middle": x - width / 2, "end": x - width}[text.attrib.get("text-anchor", "start")]
    return Box(left, y - FONT_SIZE, left + width, y + (len(lines) - 1) * LINE_HEIGHT + FONT_SIZE * 0.3)


def _distance_to_centre(box: Box) -> float:
    """The shortest distance from the radar's centre to a point of the box."""
    dx = max(box.left - CENTRE, 0.0, CENTRE - box.right)
    dy = max(box.top - CENTRE, 0.0, CENTRE - box.bottom)
    return math.hypot(dx, dy)


def _view_box(svg: str) -> Box:
    left, top, width, height = (float(v) for v in ElementTree.fromstring(svg).attrib["viewBox"].split())
    return Box(left, top, left + width, top + height)


def test_chart_is_well_formed_svg_with_one_axis_label_per_domain() -> None:
    svg = radar_svg(
        title="Domains",
        axes=["SP 战略规划", "CB 能力建设", "OP 多元化运营", "MI 多模态交互"],
        series=[Series("Self", (1.0, 2.0, 3.0, 4.0), "#000")],
    )
    root = ElementTree.fromstring(svg)
    texts = [" ".join(_lines(t)) for t in root.iter(f"{SVG}text")]
    for label in ("SP 战略规划", "CB 能力建设", "OP 多元化运营", "MI 多模态交互", "Self"):
        assert label in texts
    assert root.find(f"{SVG}title").text == "Domains"  # type: ignore[union-attr]


def test_values_are_drawn_at_their_distance_from_the_centre() -> None:
    svg = radar_svg(title="t", axes=["a", "b", "c", "d"], series=[Series("s", (5.0, 0.0, 2.5, None), "#000")])
    rings, series = _polygons(svg)[:5], _polygons(svg)[5]
    outer_top = rings[4][0]
    assert outer_top == (CENTRE, CENTRE - RADIUS)
    assert series[0] == outer_top  # 5 on the first axis: the outer ring, straight up
    assert series[1] == (CENTRE, CENTRE)  # 0 at the centre
    assert series[3] == (CENTRE, CENTRE)  # not applicable: drawn at 0
    # 2.5 on the third axis (pointing down): half the outer radius below the centre.
    assert series[2][1] - CENTRE == pytest.approx(RADIUS / 2, abs=0.11)


@pytest.mark.parametrize(
    "axes", [LONG_NAMES, LONG_NAMES[:3], [*LONG_NAMES, "XX 额外 Extra domain", "YY 另一个"]]
)
def test_legend_and_labels_never_overlap_the_chart_or_each_other(axes: list[str]) -> None:
    values = tuple(3.0 for _ in axes)
    series = [Series(s.label, values, s.colour, s.line, s.filled) for s in LONG_SERIES]
    svg = radar_svg(title="t", axes=axes, series=series)
    root = ElementTree.fromstring(svg)
    legend = root.find(f"{SVG}g[@class='legend']")
    assert legend is not None
    legend_boxes = [_box(t) for t in legend.iter(f"{SVG}text")]
    label_boxes = [_box(t) for t in root.iter(f"{SVG}text") if t.attrib.get("class") == "axis-label"]
    assert len(legend_boxes) == len(series)
    assert len(label_boxes) == len(axes)
    for box in legend_boxes:
        assert _distance_to_centre(box) > RADIUS  # outside the chart's bounding circle
        assert not any(box.intersects(label) for label in label_boxes)
        assert box.top > max(label.bottom for label in label_boxes)  # below everything the chart draws
    for box in label_boxes:
        assert _distance_to_centre(box) > RADIUS
    for first, second in itertools.pairwise(legend_boxes):
        assert not first.intersects(second)
    for n, first in enumerate(label_boxes):
        assert not any(first.intersects(other) for other in label_boxes[n + 1 :])
    frame = _view_box(svg)
    for box in legend_boxes + label_boxes:  # nothing cut at the edge
        assert frame.left <= box.left
        assert box.right <= frame.right
        assert frame.top <= box.top
        assert box.bottom <= frame.bottom


def test_series_differ_in_pattern_and_marker_for_print() -> None:
    svg = radar_svg(
        title="t",
        axes=["a", "b", "c"],
        series=[
            Series("self", (1.0, 1.0, 1.0), "#111", line="dashed", marker="square"),
            Series("verified", (2.0, 2.0, 2.0), "#222"),
            Series("target", (3.0, 3.0, 3.0), "#333", line="dotted", filled=False, marker="triangle"),
        ],
    )
    root = ElementTree.fromstring(svg)
    patterns = {
        p.attrib.get("stroke-dasharray")
        for p in root.iter(f"{SVG}polygon")
        if p.attrib["stroke"] != "#c9d1d9"
    }
    assert patterns == {"7 4", None, "2 3"}
    assert root.find(f"{SVG}rect") is not None  # the square markers
    assert root.find(f"{SVG}path") is not None  # the triangles


@given(st.text(min_size=1, max_size=80), st.floats(min_value=60, max_value=300))
@settings(max_examples=60, deadline=None)
def test_wrapped_lines_fit_their_width(text: str, width: float) -> None:
    lines = wrap(text, width)
    assert 1 <= len(lines) <= 3
    assert all(
        text_width(line) <= width + FONT_SIZE for line in lines
    )  # one glyph of slack: a lone wide word


def test_wrap_keeps_the_spaces_of_mixed_text_and_breaks_chinese_anywhere() -> None:
    assert wrap("SP 战略规划 Strategic planning", 400) == ["SP 战略规划 Strategic planning"]
    assert wrap("多元化运营数据安全管理", FONT_SIZE * 4) == ["多元化运", "营数据安", "全管理"]


def test_labels_and_titles_are_escaped() -> None:
    svg = radar_svg(
        title="</title><script>alert(1)</script>",
        axes=["<b>x</b>", "y & z", "w"],
        series=[Series('"><script>', (1.0, 1.0, 1.0), "#000")],
    )
    assert "<script>" not in svg
    assert "&lt;b&gt;x&lt;/b&gt;" in svg
    assert "y &amp; z" in svg
    ElementTree.fromstring(svg)  # still well-formed


def test_colour_is_an_attribute_value_never_markup() -> None:
    svg = radar_svg(title="t", axes=["a", "b", "c"], series=[Series("s", (1.0, 1.0, 1.0), '#000" onload="x')])
    root = ElementTree.fromstring(svg)
    assert not any("onload" in element.attrib for element in root.iter())


@pytest.mark.parametrize(
    ("axes", "values"),
    [(["a", "b"], (1.0, 1.0)), (["a", "b", "c"], (1.0, 1.0))],
)
def test_shapes_that_cannot_be_drawn_are_refused(axes: list[str], values: tuple[float, ...]) -> None:
    with pytest.raises(ValueError, match="axes"):
        radar_svg(title="t", axes=axes, series=[Series("s", values, "#000")])


# --- the trend ---------------------------------------------------------------------------------------------


def test_trend_draws_one_line_per_domain_and_labels_its_last_value() -> None:
    svg = trend_svg(
        title="Trend",
        columns=["2025-12-03 2025 年度评估", "2026-06-30 2026 年度自评估"],
        series=[
            Series("SP", (1.2, 2.34), "#0072b2"),
            Series("CB", (1.0, None), "#d55e00", line="dashed", marker="square"),
        ],
    )
    root = ElementTree.fromstring(svg)
    assert root.attrib["class"] == "trend-chart"
    assert len(list(root.iter(f"{SVG}polyline"))) == 1  # CB has one point: a marker, no line
    ends = [" ".join(_lines(t)) for t in root.iter(f"{SVG}text") if t.attrib.get("class") == "end-label"]
    assert sorted(ends) == ["CB 1.00", "SP 2.34"]


def test_trend_end_labels_never_overlap_even_for_equal_values() -> None:
    series = [Series(code, (2.0, 2.5), "#000") for code in ("SP", "CB", "OP", "MI", "XX")]
    svg = trend_svg(title="t", columns=["a", "b"], series=series)
    root = ElementTree.fromstring(svg)
    boxes = [_box(t) for t in root.iter(f"{SVG}text") if t.attrib.get("class") == "end-label"]
    assert len(boxes) == 5
    for n, box in enumerate(boxes):
        assert not any(box.intersects(other) for other in boxes[n + 1 :])
    frame = _view_box(svg)
    assert all(frame.left <= b.left and b.right <= frame.right and frame.top <= b.top for b in boxes)


def test_trend_refuses_what_it_cannot_draw() -> None:
    with pytest.raises(ValueError, match="assessment"):
        trend_svg(title="t", columns=[], series=[])
    with pytest.raises(ValueError, match="columns"):
        trend_svg(title="t", columns=["a", "b"], series=[Series("s", (1.0,), "#000")])

"""The radar chart is pure SVG markup: geometry, escaping, and refusal of shapes it cannot draw."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest

from reports.charts import SIZE, Series, radar_svg

SVG = "{http://www.w3.org/2000/svg}"


def _polygons(svg: str) -> list[list[tuple[float, float]]]:
    root = ElementTree.fromstring(svg)
    return [
        [tuple(float(v) for v in pair.split(",")) for pair in p.attrib["points"].split()]  # type: ignore[misc]
        for p in root.iter(f"{SVG}polygon")
    ]


def test_chart_is_well_formed_svg_with_one_axis_label_per_domain() -> None:
    svg = radar_svg(
        title="Domains",
        axes=["SP 战略规划", "CB 能力建设", "OP 多元化运营", "MI 多模态交互"],
        series=[Series("Self", (1.0, 2.0, 3.0, 4.0), "#000")],
    )
    root = ElementTree.fromstring(svg)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    for label in ("SP 战略规划", "CB 能力建设", "OP 多元化运营", "MI 多模态交互", "Self"):
        assert label in texts
    assert root.find(f"{SVG}title").text == "Domains"  # type: ignore[union-attr]


def test_values_are_drawn_at_their_distance_from_the_centre() -> None:
    svg = radar_svg(title="t", axes=["a", "b", "c", "d"], series=[Series("s", (5.0, 0.0, 2.5, None), "#000")])
    rings, series = _polygons(svg)[:5], _polygons(svg)[5]
    centre = SIZE / 2
    outer_top = rings[4][0]
    assert series[0] == outer_top  # 5 on the first axis: the outer ring, straight up
    assert series[1] == (centre, centre)  # 0 at the centre
    assert series[3] == (centre, centre)  # not applicable: drawn at 0
    # 2.5 on the third axis (pointing down): half the outer radius below the centre.
    assert series[2][1] - centre == pytest.approx((centre - outer_top[1]) / 2, abs=0.11)


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

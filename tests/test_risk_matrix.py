"""The risk matrices: well-formed, accessible SVG that says in words what it shows, with a
table giving the same facts. Each is drawn wide and narrow (the page shows one): both say
the same."""

import re
import xml.etree.ElementTree as ET
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from flask import render_template_string

from eia.models import Characteristic, ImpactAssessment, IntersectionalImpact
from eia.scoring import band_for
from eia.web.risk_matrix import BAND_COLOURS, NARROW, SCALE, WIDE, risk_matrix_context
from eia.web.text_metrics import text_width

SVG = "{http://www.w3.org/2000/svg}"


def impact(name, before=(None, None), after=(None, None)):
    return SimpleNamespace(
        name=name,
        inherent_likelihood=before[0],
        inherent_severity=before[1],
        residual_likelihood=after[0],
        residual_severity=after[1],
    )


@pytest.fixture
def draw(app):
    """draw(items) -> (the HTML, {"before": svg element, "after": svg element, and the
    narrow drawings: "before-narrow", "after-narrow"})."""

    def draw(items, **kwargs):
        with app.app_context():
            html = render_template_string(
                '{% from "partials/risk_matrix.html" import risk_matrices %}'
                "{{ risk_matrices(ctx) }}",
                ctx=risk_matrix_context(items, **kwargs),
            )
        svgs = [ET.fromstring(s) for s in re.findall(r"<svg\b.*?</svg>", html, re.DOTALL)]
        assert len(svgs) == 4
        names = ("before", "before-narrow", "after", "after-narrow")
        return html, dict(zip(names, svgs, strict=True))

    return draw


def cells(svg) -> dict[tuple[int, int], ET.Element]:
    return {
        (int(g.get("data-likelihood")), int(g.get("data-severity"))): g
        for g in svg.iter(f"{SVG}g")
        if "app-risk-matrix__cell" in g.get("class", "")
    }


def markers(svg) -> dict[tuple[int, int], list[str]]:
    return {
        at: [t.text for t in g.iter(f"{SVG}text") if "marker-text" in t.get("class", "")]
        for at, g in cells(svg).items()
    }


def table_rows(html) -> list[list[str]]:
    table = BeautifulSoup(html, "html.parser").find("table")
    return [
        [" ".join(c.get_text().split()) for c in row.find_all(["th", "td"])]
        for row in table.tbody.find_all("tr")
    ]


ITEMS = [
    impact("Disability", before=(3, 3), after=(2, 1)),
    impact("Age", before=(4, 4), after=(3, 3)),
    impact("Sex"),
    impact("Race", before=(1, 2)),
]


def test_each_matrix_is_an_image_with_a_title_and_a_description(draw):
    _, svgs = draw(ITEMS)
    for drawing, svg in svgs.items():
        when = drawing.removesuffix("-narrow")
        assert svg.get("role") == "img"
        assert "app-risk-matrix__svg--" + ("narrow" if "narrow" in drawing else "wide") in svg.get(
            "class"
        )
        title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
        assert svg.get("aria-labelledby").split() == [title.get("id"), desc.get("id")]
        assert title.text == f"Risk matrix: {when} mitigation"
        assert desc.text == svgs[when].find(f"{SVG}desc").text
    assert svgs["before"].find(f"{SVG}desc").text == (
        "Before mitigation: Disability is likely and significant (medium, 9); Age is almost "
        "certain and severe (high, 16); Race is unlikely and moderate (negligible, 2). "
        "Not scored yet: Sex."
    )
    assert svgs["after"].find(f"{SVG}desc").text == (
        "After mitigation: Disability is possible and minimal (negligible, 2); Age is likely "
        "and significant (medium, 9). Not scored yet: Sex, Race."
    )


def test_sixteen_cells_each_say_their_band_in_words(draw):
    _, svgs = draw(ITEMS)
    for svg in svgs.values():
        grid = cells(svg)
        assert sorted(grid) == [(lk, s) for lk in SCALE for s in SCALE]
        for (likelihood, severity), g in grid.items():
            band = band_for(likelihood * severity)
            words = [t.text for t in g.iter(f"{SVG}text")]
            assert words[0] == band.label
            assert g.find(f"{SVG}rect").get("fill") == BAND_COLOURS[band.key][0]


def test_markers_sit_in_the_cells_of_their_scores_and_the_key_names_them(draw):
    html, svgs = draw(ITEMS)
    for narrow in ("", "-narrow"):
        before = {at: found for at, found in markers(svgs["before" + narrow]).items() if found}
        after = {at: found for at, found in markers(svgs["after" + narrow]).items() if found}
        assert before == {(3, 3): ["1"], (4, 4): ["2"], (1, 2): ["3"]}
        assert after == {(2, 1): ["1"], (3, 3): ["2"]}
    key = BeautifulSoup(html, "html.parser").select(".app-risk-matrix__key li")
    assert [(li["value"], li.get_text(strip=True)) for li in key] == [
        ("1", "Disability"),
        ("2", "Age"),
        ("3", "Race"),
    ]


def test_the_table_lists_every_impact_including_unscored_ones(draw):
    html, _ = draw(ITEMS)
    assert table_rows(html) == [
        [
            "Disability",
            "Medium Likely (3) × Significant (3) = 9",
            "Negligible Possible (2) × Minimal (1) = 2",
        ],
        [
            "Age",
            "High Almost certain (4) × Severe (4) = 16",
            "Medium Likely (3) × Significant (3) = 9",
        ],
        ["Sex", "Not scored yet", "Not scored yet"],
        ["Race", "Negligible Unlikely (1) × Moderate (2) = 2", "Not scored yet"],
    ]
    table = BeautifulSoup(html, "html.parser").find("table")
    assert "govuk-table" in table["class"] and table.caption.get_text(strip=True)
    assert [th["scope"] for th in table.find_all("th")] == ["col"] * 3 + ["row"] * 4


def test_nothing_scored_draws_empty_grids_and_says_so(draw):
    html, svgs = draw([impact("Sex")])
    assert all(not found for found in markers(svgs["before"]).values())
    assert svgs["before"].find(f"{SVG}desc").text == (
        "Before mitigation: no impact is scored yet. Not scored yet: Sex."
    )
    assert "app-risk-matrix__key" not in html


def test_what_people_wrote_is_escaped(draw):
    name = '<script>alert("x")</script> & <b onmouseover="x">'
    html, svgs = draw([impact(name, before=(2, 2))])
    assert "<script" not in html and "<b " not in html and 'onmouseover="' not in html
    assert "&lt;script&gt;" in html
    assert name in svgs["before"].find(f"{SVG}desc").text
    assert table_rows(html)[0][0] == " ".join(name.split())


def test_no_script_no_inline_style_no_event_handlers(draw):
    html, _ = draw(ITEMS)
    page = BeautifulSoup(html, "html.parser")
    assert page.find("script") is None and page.find(style=True) is None
    assert not [a for tag in page.find_all(True) for a in tag.attrs if a.startswith("on")]


def test_rows_work_straight_from_the_database_models(draw):
    disability = Characteristic(id=2, key="disability", name="Disability")
    rows = [
        ImpactAssessment(
            characteristic=disability,
            inherent_likelihood=4,
            inherent_severity=3,
            residual_likelihood=2,
            residual_severity=3,
        ),
        IntersectionalImpact(
            description="Black Caribbean boys and school exclusions",
            inherent_likelihood=3,
            inherent_severity=4,
        ),
        IntersectionalImpact(),
    ]
    html, svgs = draw(rows, id_prefix="eia-7")
    assert [r[0] for r in table_rows(html)] == [
        "Disability",
        "Black Caribbean boys and school exclusions",
        "Unnamed combination",
    ]
    assert svgs["before"].get("id") == "eia-7-before"
    assert {at: f for at, f in markers(svgs["before"]).items() if f} == {
        (4, 3): ["1"],
        (3, 4): ["2"],
    }


def test_a_crowded_cell_shows_how_many_more_there_are(draw):
    _, svgs = draw([impact(f"Group {n}", before=(2, 2)) for n in range(1, 15)])
    assert markers(svgs["before"])[(2, 2)] == [str(n) for n in range(1, 12)] + ["+3"]
    assert markers(svgs["before-narrow"])[(2, 2)] == [str(n) for n in range(1, 6)] + ["+9"]


def test_both_drawings_keep_their_words_and_markers_inside_at_full_size(draw):
    """Drawn at 1:1 (width and height in px): nothing is shrunk to fit, so nothing may
    stick out of a cell or the drawing either."""
    _, svgs = draw([impact(f"Group {n}", before=(1, 1)) for n in range(1, 15)])
    for drawing, geometry in (("before", WIDE), ("before-narrow", NARROW)):
        svg = svgs[drawing]
        assert svg.get("width") == str(geometry.width)
        assert svg.get("viewBox") == f"0 0 {svg.get('width')} {svg.get('height')}"
        for g in cells(svg).values():
            rect = g.find(f"{SVG}rect")
            left, width = float(rect.get("x")), float(rect.get("width"))
            top, height = float(rect.get("y")), float(rect.get("height"))
            for text in g.iter(f"{SVG}text"):
                size = float(text.get("font-size"))
                wide = text_width(text.text, size, bold=text.get("font-weight") == "bold")
                x = float(text.get("x")) - (wide / 2 if text.get("text-anchor") == "middle" else 0)
                assert left < x and x + wide < left + width, (drawing, text.text)
            for circle in g.iter(f"{SVG}circle"):
                cx, cy, r = (float(circle.get(a)) for a in ("cx", "cy", "r"))
                assert left < cx - r and cx + r < left + width, drawing
                assert top < cy - r and cy + r < top + height, drawing
        for text in svg.findall(f"{SVG}text"):  # the axes and the key
            size = float(text.get("font-size"))
            wide = text_width(text.text, size, bold=text.get("font-weight") == "bold")
            x, anchor = float(text.get("x")), text.get("text-anchor")
            start = x - {"middle": wide / 2, "end": wide}.get(anchor, 0)
            if text.get("transform"):
                continue  # the upright "Likelihood", on the left of the wide drawing
            assert start >= 0 and start + wide <= geometry.width, (drawing, text.text)
            assert float(text.get("y")) <= float(svg.get("height")), (drawing, text.text)


def luminance(colour: str) -> float:
    def channel(c):
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(int(colour[i : i + 2], 16)) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_neighbouring_bands_and_their_words_have_enough_contrast():
    for likelihood in SCALE:
        for severity in SCALE:
            band = band_for(likelihood * severity).key
            fill, ink = BAND_COLOURS[band]
            assert contrast(fill, ink) >= 4.5, band  # WCAG 1.4.3, text
            for l2, s2 in ((likelihood + 1, severity), (likelihood, severity + 1)):
                if l2 in SCALE and s2 in SCALE:
                    other = band_for(l2 * s2).key
                    if other != band:  # WCAG 1.4.11, non-text contrast
                        assert contrast(fill, BAND_COLOURS[other][0]) >= 3, (band, other)


def test_each_band_names_only_the_scores_that_can_occur():
    """Likelihood and severity are 1 to 4, so a score is one of nine numbers: saying "6 to 9"
    or "12 to 16" would suggest 7, 10, 11, 13, 14 and 15 can occur."""
    from eia.scoring import BANDS, POSSIBLE_SCORES, bands_in_words, scores_in

    assert POSSIBLE_SCORES == (1, 2, 3, 4, 6, 8, 9, 12, 16)
    assert [scores_in(b) for b in BANDS] == [[1, 2], [3, 4], [6, 8, 9], [12, 16]]
    assert bands_in_words() == "1 or 2 negligible, 3 or 4 low, 6, 8 or 9 medium, 12 or 16 high"

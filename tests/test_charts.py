"""The bar charts' two drawings (eia/web/charts.py): the narrow one keeps every word inside
its width at full size, whatever the labels and numbers; the wide one is as it was."""

from eia.web.charts import (
    BAND_SERIES,
    FONT_SIZE,
    NARROW_FONT_SIZE,
    NARROW_WIDTH,
    WIDTH,
    bar_chart,
)
from eia.web.text_metrics import text_width, wrap


def _ends(drawing):
    """(right edge of each text, right edge of each bar) of a drawing."""
    texts = [
        t.x + text_width(t.text, drawing.font_size, bold=t.bold) if t.anchor == "start" else t.x
        for row in drawing.rows
        for t in row.texts
    ]
    bars = [s.x + s.width for row in drawing.rows for s in row.segments]
    return texts, bars


def test_text_width_is_arial_s():
    # "Negligible" is 4390 thousandths of an em in Arial regular, 4779 in bold.
    assert 61 < text_width("Negligible", 14) < 61.5 * 1.06
    assert 66.9 < text_width("Negligible", 14, bold=True) < 66.9 * 1.06
    assert text_width("ĳ", 10) >= 10  # unknown: as wide as "M" or wider


def test_wrap_breaks_between_words_and_inside_words_too_long_for_a_line():
    assert wrap("Children, Employment and Skills", 1000, 16) == ["Children, Employment and Skills"]
    lines = wrap("Children, Employment and Skills", 120, 16)
    assert " ".join(lines) == "Children, Employment and Skills" and len(lines) > 1
    url = "https://example.org/" + "a" * 80
    lines = wrap(f"see {url} now", 150, 16)
    assert all(text_width(line, 16) <= 150 for line in lines)
    assert "".join(lines).replace(" ", "") == f"see{url}now"
    assert wrap("", 100, 16) == [""]


def test_short_numbers_go_beside_the_bars_in_the_narrow_drawing():
    chart = bar_chart(
        "c",
        "EIAs in each state",
        [
            ("Draft", {"value": 1}, "1 EIA"),
            ("Awaiting sign-off", {"value": 4}, "4 EIAs"),
            ("Approved", {"value": 9}, "9 EIAs"),
            ("Archived", {"value": 0}, "0 EIAs"),
        ],
    )
    narrow = chart.narrow
    assert narrow.width == NARROW_WIDTH and narrow.font_size == NARROW_FONT_SIZE
    assert chart.wide.width == WIDTH and chart.wide.font_size == FONT_SIZE
    texts, bars = _ends(narrow)
    assert max(texts + bars) <= NARROW_WIDTH
    approved = narrow.rows[2]
    label, number = approved.texts
    assert label.text == "Approved" and number.text == "9 EIAs"
    assert number.x > approved.segments[-1].x + approved.segments[-1].width  # after the bar
    assert label.y < approved.y < number.y  # the label above the bar, the number beside it
    assert narrow.rows[3].segments == () and narrow.rows[3].texts[1].x == 0


def test_long_labels_and_numbers_wrap_inside_the_narrow_drawing():
    rows = [
        (
            "Pregnancy and maternity, and a local characteristic with a long name",
            {"high": 1, "medium": 2, "low": 4, "negligible": 3},
            "1 high, 2 medium, 4 low, 3 negligible (10 in all)",
        ),
        ("Age", {"low": 5}, "5 low (5 in all)"),
    ]
    chart = bar_chart("neg", "Negative impacts", rows, BAND_SERIES)
    narrow = chart.narrow
    texts, bars = _ends(narrow)
    assert max(texts + bars) <= NARROW_WIDTH
    first = narrow.rows[0]
    assert len(first.texts) >= 4  # two lines of label, two of numbers
    assert max(t.y for t in first.texts) < first.y  # all above the bar
    assert first.segments[-1].x + first.segments[-1].width == NARROW_WIDTH  # the longest bar
    # Rows, legend and texts stay inside the drawing's height.
    assert all(t.y <= narrow.height for row in narrow.rows for t in row.texts)
    assert narrow.rows[-1].y + narrow.bar_height <= narrow.height
    assert len(narrow.legend) == 4 and max(i.x for i in narrow.legend) < NARROW_WIDTH / 2 + 1
    # The same title, description, series and numbers as the wide drawing.
    assert [r.text for r in narrow.rows] == [r.text for r in chart.wide.rows]
    assert [[s.value for s in r.segments] for r in narrow.rows] == [
        [s.value for s in r.segments] for r in chart.wide.rows
    ]


def test_an_empty_chart_still_has_a_drawing_of_each_size():
    chart = bar_chart("empty", "Nothing", [], empty="Nothing to show.")
    assert chart.description == "Nothing to show."
    assert chart.narrow.rows == () and chart.narrow.height > 0 and chart.wide.height > 0

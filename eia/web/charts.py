"""Horizontal bar charts drawn on the server as SVG (``templates/partials/bar_chart.html``).

Each chart is an image with a title and a description that says every figure in words
(``role="img"``); every bar carries its number as a direct label, and where bars are split
into parts (bands) each part has its own fill *and* pattern, named in a legend, so nothing
rests on colour alone. The table under each chart says the same with links.

Each chart is drawn twice, so its words are never shrunk below FONT_SIZE px (WCAG 1.4.4 and
1.4.10: phones, and pages zoomed to 200% or 400%): a wide drawing, and a narrow one with
each label above its bar. The page's stylesheet shows one of them, by the width of the
screen; the other is display: none, so a screen reader meets the chart once.

Fills are SVG presentation attributes (a Content Security Policy without 'unsafe-inline'
allows them). Bars have a dark outline so each part stands out from the white page (WCAG
1.4.11) whatever its fill.
"""

from dataclasses import dataclass

from .text_metrics import text_width, wrap

INK, OUTLINE = "#0b0c0c", "#0b0c0c"

# The wide drawing: a label column, the bars, and each bar's number after it. Shown where
# the page has room for all of it at full size or larger (app.css: 60em and wider).
LABEL_WIDTH, BAR_WIDTH, TEXT_WIDTH = 250, 340, 290
WIDTH = LABEL_WIDTH + BAR_WIDTH + TEXT_WIDTH
ROW_HEIGHT, BAR_HEIGHT, TOP = 34, 22, 10
LEGEND_HEIGHT = 34
FONT_SIZE = 14  # as the tables' text; shown at this size or a little larger

# The narrow drawing, for phones and zoomed-in pages: each label on its own line(s), its
# bar underneath, the number after the bar (or on a line of its own when the numbers are
# long). 288 px is the room a 320 px screen has inside the page's margins, so at 320 px
# and wider it is drawn at full size and never scaled down; its words are as large as the
# body text of a page on a phone.
NARROW_WIDTH = 288
NARROW_FONT_SIZE = 16
NARROW_LINE, NARROW_BAR, NARROW_GAP, NARROW_TOP = 21, 20, 14, 4
NARROW_LEGEND_COLUMN, NARROW_LEGEND_LINE = 144, 26


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    fill: str
    pattern: str | None = None  # "dots", "diagonal", "cross" or None (solid)
    pattern_ink: str = INK


SINGLE = Series("value", "Number", "#1d70b8")

# The bands after mitigation: the risk matrix's colours, each with its own pattern.
BAND_SERIES = (
    Series("high", "High", "#942514"),
    Series("medium", "Medium", "#ffdd00", "cross"),
    Series("low", "Low", "#00703c", "diagonal", "#ffffff"),
    Series("negligible", "Negligible", "#f3f2f1", "dots"),
)


@dataclass(frozen=True)
class Segment:
    x: int
    width: int
    value: float
    series: Series


@dataclass(frozen=True)
class Text:
    x: int
    y: int  # the baseline
    text: str
    anchor: str = "start"
    bold: bool = False


@dataclass(frozen=True)
class Row:
    label: str
    y: int  # the top of the bar
    segments: tuple[Segment, ...]
    text: str
    texts: tuple[Text, ...]  # the label and the number, where they are drawn


@dataclass(frozen=True)
class LegendItem:
    x: int
    y: int
    series: Series


@dataclass(frozen=True)
class Drawing:
    """One drawing of a chart: the wide one or the narrow one."""

    id: str
    width: int
    height: int
    rows: tuple[Row, ...]
    legend: tuple[LegendItem, ...]
    bar_height: int
    narrow: bool
    font_size: int

    def pattern_id(self, series: Series) -> str:
        return f"{self.id}-pattern-{series.key}"


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    description: str
    series: tuple[Series, ...]
    wide: Drawing
    narrow: Drawing
    ink: str = INK
    outline: str = OUTLINE

    @property
    def drawings(self) -> tuple[Drawing, Drawing]:
        return self.wide, self.narrow


def bar_chart(
    chart_id: str,
    title: str,
    rows,
    series=(SINGLE,),
    *,
    empty: str = "Nothing to show for these filters.",
) -> BarChart:
    """``rows``: (label, {series key: value}, direct label text) in the order to draw them."""
    rows = list(rows)
    series = tuple(series)
    largest = max([sum(values.values()) for _, values, _ in rows] + [0])
    description = "; ".join(f"{label}: {text}" for label, _, text in rows) + "." if rows else empty
    return BarChart(
        chart_id,
        title,
        description,
        series,
        _wide(chart_id, rows, series, largest),
        _narrow(f"{chart_id}-narrow", rows, series, largest),
    )


def _segments(
    values: dict, series, x: int, length: int, largest: float
) -> tuple[tuple[Segment, ...], int]:
    """The bar's parts from ``x``, ``length`` long for the largest bar; and where it ends."""
    segments = []
    for s in series:
        value = values.get(s.key, 0) or 0
        width = round(length * value / largest) if largest else 0
        if value and width < 2:
            width = 2  # a thin bar still shows that there is something
        if width:
            segments.append(Segment(x, width, value, s))
        x += width
    return tuple(segments), x


def _wide(drawing_id: str, rows, series, largest) -> Drawing:
    legend_space = LEGEND_HEIGHT if len(series) > 1 else 0
    drawn = []
    for n, (label, values, text) in enumerate(rows):
        y = TOP + legend_space + n * ROW_HEIGHT
        segments, end = _segments(values, series, LABEL_WIDTH, BAR_WIDTH, largest)
        baseline = y + BAR_HEIGHT - 6
        drawn.append(
            Row(
                label,
                y,
                segments,
                text,
                (
                    Text(LABEL_WIDTH - 10, baseline, label, anchor="end"),
                    Text(end + 8, baseline, text, bold=True),
                ),
            )
        )
    legend = (
        tuple(LegendItem(LABEL_WIDTH + i * 140, TOP, s) for i, s in enumerate(series))
        if len(series) > 1
        else ()
    )
    height = TOP + legend_space + max(len(rows), 1) * ROW_HEIGHT + TOP
    return Drawing(
        drawing_id,
        WIDTH,
        height,
        tuple(drawn),
        legend,
        BAR_HEIGHT,
        narrow=False,
        font_size=FONT_SIZE,
    )


def _narrow(drawing_id: str, rows, series, largest) -> Drawing:
    width = NARROW_WIDTH
    legend = (
        tuple(
            LegendItem(
                (i % 2) * NARROW_LEGEND_COLUMN, NARROW_TOP + (i // 2) * NARROW_LEGEND_LINE, s
            )
            for i, s in enumerate(series)
        )
        if len(series) > 1
        else ()
    )
    y = NARROW_TOP + (-(-len(legend) // 2)) * NARROW_LEGEND_LINE + (6 if legend else 0)
    # The numbers go after the bars if the longest leaves the bars most of the width.
    size = NARROW_FONT_SIZE
    longest = max([text_width(text, size, bold=True) for _, _, text in rows] + [0])
    bar_room = width - 6 - int(longest + 1)
    beside = bar_room >= width * 0.5
    drawn = []
    for label, values, text in rows:
        texts = []
        for line in wrap(label, width, size):
            texts.append(Text(0, y + NARROW_LINE - 5, line))
            y += NARROW_LINE
        if not beside:
            for line in wrap(text, width, size, bold=True):
                texts.append(Text(0, y + NARROW_LINE - 5, line, bold=True))
                y += NARROW_LINE
        y += 2
        segments, end = _segments(values, series, 0, bar_room if beside else width, largest)
        if beside:
            texts.append(Text(end + 6 if end else 0, y + NARROW_BAR - 4, text, bold=True))
        drawn.append(Row(label, y, segments, text, tuple(texts)))
        y += NARROW_BAR + NARROW_GAP
    if not rows:
        y += NARROW_BAR + NARROW_GAP
    return Drawing(
        drawing_id,
        width,
        y - NARROW_GAP + NARROW_TOP,
        tuple(drawn),
        legend,
        NARROW_BAR,
        narrow=True,
        font_size=size,
    )

"""Horizontal bar charts drawn on the server as SVG (``templates/partials/bar_chart.html``).

Each chart is an image with a title and a description that says every figure in words
(``role="img"``); every bar carries its number as a direct label, and where bars are split
into parts (bands) each part has its own fill *and* pattern, named in a legend, so nothing
rests on colour alone. The table under each chart says the same with links.

Fills are SVG presentation attributes (a Content Security Policy without 'unsafe-inline'
allows them). Bars have a dark outline so each part stands out from the white page (WCAG
1.4.11) whatever its fill.
"""

from dataclasses import dataclass

LABEL_WIDTH, BAR_WIDTH, TEXT_WIDTH = 250, 340, 290
WIDTH = LABEL_WIDTH + BAR_WIDTH + TEXT_WIDTH
ROW_HEIGHT, BAR_HEIGHT, TOP = 34, 22, 10
LEGEND_HEIGHT = 34
INK, OUTLINE = "#0b0c0c", "#0b0c0c"


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
class Row:
    label: str
    y: int
    segments: tuple[Segment, ...]
    text: str
    text_x: int


@dataclass(frozen=True)
class LegendItem:
    x: int
    y: int
    series: Series


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    description: str
    rows: tuple[Row, ...]
    series: tuple[Series, ...]
    legend: tuple[LegendItem, ...]
    width: int
    height: int
    bar_height: int = BAR_HEIGHT
    label_x: int = LABEL_WIDTH - 10
    ink: str = INK
    outline: str = OUTLINE

    def pattern_id(self, series: Series) -> str:
        return f"{self.id}-pattern-{series.key}"


def bar_chart(chart_id: str, title: str, rows, series=(SINGLE,), *,
              empty: str = "Nothing to show for these filters.") -> BarChart:
    """``rows``: (label, {series key: value}, direct label text) in the order to draw them."""
    rows = list(rows)
    legend_space = LEGEND_HEIGHT if len(series) > 1 else 0
    largest = max([sum(values.values()) for _, values, _ in rows] + [0])
    drawn = []
    for n, (label, values, text) in enumerate(rows):
        y = TOP + legend_space + n * ROW_HEIGHT
        x, segments = LABEL_WIDTH, []
        for s in series:
            value = values.get(s.key, 0) or 0
            width = round(BAR_WIDTH * value / largest) if largest else 0
            if value and width < 2:
                width = 2  # a thin bar still shows that there is something
            if width:
                segments.append(Segment(x, width, value, s))
            x += width
        drawn.append(Row(label, y, tuple(segments), text, x + 8))
    legend = tuple(LegendItem(LABEL_WIDTH + i * 140, TOP, s) for i, s in enumerate(series)
                   ) if len(series) > 1 else ()
    height = TOP + legend_space + max(len(rows), 1) * ROW_HEIGHT + TOP
    description = "; ".join(f"{label}: {text}" for label, _, text in rows) + "." if rows \
        else empty
    return BarChart(chart_id, title, description, tuple(drawn), tuple(series), legend,
                    WIDTH, height)

"""The risk matrix: impacts plotted by likelihood and severity, before and after mitigation.

``risk_matrix_context(items)`` lays out two 4 × 4 grids and a table saying the same in
words; ``templates/partials/risk_matrix.html`` draws them (``risk_matrices(ctx)``). All
text stays plain here: the template escapes it.

Each grid is drawn twice, at full size, so its words never shrink with the screen (WCAG
1.4.4, 1.4.10): WIDE, for a column at least WIDE.width px wide (a desktop's two-thirds
column), and NARROW, 288 px, for phones and zoomed-in pages, with numbers for the axes and
their names in a key under the grid. The page's stylesheet shows the one that fits
(app.css) and hides the other from everyone, screen readers included.
"""

from dataclasses import dataclass

from eia.scoring import LIKELIHOOD_LABELS, SEVERITY_LABELS, Band, band_for, impact_name

from .labels import TAG_CLASSES

# Light and dark fills alternate along the scale, so each band's cells differ from a
# neighbouring band's by at least 3:1 (WCAG 1.4.11), and the band's word on them ("ink")
# contrasts with the fill by at least 4.5:1. tests/test_risk_matrix.py checks both.
BAND_COLOURS = {
    "negligible": ("#f3f2f1", "#0b0c0c"),
    "low": ("#00703c", "#ffffff"),
    "medium": ("#ffdd00", "#0b0c0c"),
    "high": ("#942514", "#ffffff"),
}
GRID_LINE = "#0b0c0c"

SCALE = (1, 2, 3, 4)
MARKER_R = 10
LABEL_SIZE = 14  # the axes' words and the key


@dataclass(frozen=True)
class Geometry:
    """Where things go in one drawing of a grid, in px (drawn at 1:1)."""

    narrow: bool
    left: int  # room on the left for the likelihood labels
    top: int
    cell_width: int
    cell_height: int
    band_x: int  # the band's word, from the cell's corner
    band_y: int
    band_size: int
    band_bold: bool
    marker_columns: int
    marker_rows: int
    marker_x: int  # the first marker's centre, from the cell's corner
    marker_y: int
    marker_step_x: int
    marker_step_y: int
    right: int = 10

    @property
    def grid_width(self) -> int:
        return self.left + 4 * self.cell_width

    @property
    def width(self) -> int:
        return self.grid_width + self.right

    @property
    def bottom(self) -> int:
        return self.top + 4 * self.cell_height

    @property
    def marker_slots(self) -> int:
        return self.marker_columns * self.marker_rows


# Likelihood and severity in words around the grid; four markers to a row.
WIDE = Geometry(
    narrow=False,
    left=150,
    top=10,
    cell_width=110,
    cell_height=110,
    band_x=10,
    band_y=24,
    band_size=15,
    band_bold=True,
    marker_columns=4,
    marker_rows=3,
    marker_x=18,
    marker_y=42,
    marker_step_x=25,
    marker_step_y=24,
)
# Numbers around the grid and their words in a key below; two markers to a row.
NARROW = Geometry(
    narrow=True,
    left=16,
    top=6,
    cell_width=68,
    cell_height=100,
    band_x=3,
    band_y=19,
    band_size=14,
    band_bold=False,
    marker_columns=2,
    marker_rows=3,
    marker_x=17,
    marker_y=40,
    marker_step_x=28,
    marker_step_y=24,
    right=0,
)
WIDTH = WIDE.width
MARKER_SLOTS = WIDE.marker_slots


@dataclass(frozen=True)
class Score:
    likelihood: int
    severity: int

    @property
    def score(self) -> int:
        return self.likelihood * self.severity

    @property
    def band(self) -> Band:
        return band_for(self.score)

    @property
    def likelihood_label(self) -> str:
        return LIKELIHOOD_LABELS[self.likelihood]

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS[self.severity]

    @property
    def tag_class(self) -> str:
        return TAG_CLASSES["band"][self.band.key]

    def in_words(self) -> str:
        return (
            f"{self.likelihood_label.lower()} and {self.severity_label.lower()} "
            f"({self.band.label.lower()}, {self.score})"
        )


@dataclass(frozen=True)
class Row:
    """One impact: its marker number (None when it is on neither matrix) and scores."""

    number: int | None
    name: str
    before: Score | None
    after: Score | None


@dataclass(frozen=True)
class Marker:
    x: int
    y: int
    text: str
    circled: bool = True


@dataclass(frozen=True)
class Cell:
    likelihood: int
    severity: int
    x: int
    y: int
    band: Band
    fill: str
    ink: str
    markers: tuple[Marker, ...]


@dataclass(frozen=True)
class Label:
    x: int
    y: int
    text: str
    anchor: str = "middle"
    bold: bool = False
    upwards: bool = False
    size: int = LABEL_SIZE


@dataclass(frozen=True)
class Drawing:
    """One drawing of a grid: ``geometry`` says where things go."""

    id: str
    geometry: Geometry
    cells: tuple[Cell, ...]
    labels: tuple[Label, ...]
    height: int
    marker_radius: int = MARKER_R
    grid_line: str = GRID_LINE

    @property
    def width(self) -> int:
        return self.geometry.width

    @property
    def narrow(self) -> bool:
        return self.geometry.narrow


@dataclass(frozen=True)
class Matrix:
    id: str
    caption: str
    title: str
    description: str
    wide: Drawing
    narrow: Drawing

    @property
    def drawings(self) -> tuple[Drawing, Drawing]:
        return self.wide, self.narrow


@dataclass(frozen=True)
class RiskMatrices:
    before: Matrix
    after: Matrix
    rows: tuple[Row, ...]
    id: str = "risk-matrix"

    @property
    def key(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if r.number is not None)


def _score(likelihood, severity) -> Score | None:
    if likelihood in SCALE and severity in SCALE:
        return Score(likelihood, severity)
    return None


def risk_matrix_context(items, id_prefix: str = "risk-matrix") -> RiskMatrices:
    """``items``: ImpactAssessment or IntersectionalImpact rows (or anything with a name and
    inherent_/residual_ likelihood and severity). Unscored ones appear only in the table."""
    rows, number = [], 0
    for item in items:
        before = _score(item.inherent_likelihood, item.inherent_severity)
        after = _score(item.residual_likelihood, item.residual_severity)
        if before or after:
            number += 1
        rows.append(Row(number if before or after else None, impact_name(item), before, after))
    return RiskMatrices(
        before=_matrix(f"{id_prefix}-before", "Before mitigation", [(r, r.before) for r in rows]),
        after=_matrix(f"{id_prefix}-after", "After mitigation", [(r, r.after) for r in rows]),
        rows=tuple(rows),
        id=id_prefix,
    )


def _matrix(matrix_id: str, caption: str, scored: list[tuple[Row, Score | None]]) -> Matrix:
    at = {}
    for row, score in scored:
        if score is not None:
            at.setdefault((score.likelihood, score.severity), []).append(row.number)
    return Matrix(
        id=matrix_id,
        caption=caption,
        title=f"Risk matrix: {caption.lower()}",
        description=_description(caption, scored),
        wide=_drawing(matrix_id, WIDE, at),
        narrow=_drawing(f"{matrix_id}-narrow", NARROW, at),
    )


def _drawing(drawing_id: str, g: Geometry, at: dict) -> Drawing:
    cells = tuple(
        _cell(g, likelihood, severity, at.get((likelihood, severity), []))
        for likelihood in reversed(SCALE)
        for severity in SCALE
    )
    labels, height = _narrow_axes(g) if g.narrow else _axes(g)
    return Drawing(drawing_id, g, cells, labels, height)


def _cell(g: Geometry, likelihood: int, severity: int, numbers: list[int]) -> Cell:
    band = band_for(likelihood * severity)
    fill, ink = BAND_COLOURS[band.key]
    x = g.left + (severity - 1) * g.cell_width
    y = g.top + (4 - likelihood) * g.cell_height
    return Cell(likelihood, severity, x, y, band, fill, ink, _markers(g, x, y, numbers))


def _markers(g: Geometry, x: int, y: int, numbers: list[int]) -> tuple[Marker, ...]:
    """Numbered circles in rows under the band's word; past the room there is, the last
    place says how many more there are (the description and table list them all)."""
    texts = [str(n) for n in numbers]
    slots = g.marker_slots
    if len(texts) > slots:
        texts = texts[: slots - 1] + [f"+{len(texts) - slots + 1}"]
    return tuple(
        Marker(
            x=x + g.marker_x + (i % g.marker_columns) * g.marker_step_x,
            y=y + g.marker_y + (i // g.marker_columns) * g.marker_step_y,
            text=text,
            circled=not text.startswith("+"),
        )
        for i, text in enumerate(texts)
    )


def _description(caption: str, scored: list[tuple[Row, Score | None]]) -> str:
    plotted = [f"{row.name} is {score.in_words()}" for row, score in scored if score]
    unscored = [row.name for row, score in scored if score is None]
    text = f"{caption}: " + ("; ".join(plotted) if plotted else "no impact is scored yet")
    return text + "." + (f" Not scored yet: {', '.join(unscored)}." if unscored else "")


def _axes(g: Geometry) -> tuple[tuple[Label, ...], int]:
    """Each row and column named in words beside the grid, and the axes' names."""
    severity = [
        Label(
            g.left + (s - 1) * g.cell_width + g.cell_width // 2,
            g.bottom + 22,
            f"{s} {SEVERITY_LABELS[s]}",
        )
        for s in SCALE
    ]
    likelihood = [
        Label(
            g.left - 8,
            g.top + (4 - n) * g.cell_height + g.cell_height // 2 + 5,
            f"{n} {LIKELIHOOD_LABELS[n]}",
            anchor="end",
        )
        for n in SCALE
    ]
    titles = [
        Label(g.left + 2 * g.cell_width, g.bottom + 52, "Severity", bold=True),
        Label(20, g.top + 2 * g.cell_height, "Likelihood", bold=True, upwards=True),
    ]
    return tuple(severity + likelihood + titles), g.bottom + 70


def _narrow_axes(g: Geometry) -> tuple[tuple[Label, ...], int]:
    """Numbers beside the grid, then a key saying what the numbers mean."""
    severity = [
        Label(g.left + (s - 1) * g.cell_width + g.cell_width // 2, g.bottom + 20, str(s), bold=True)
        for s in SCALE
    ]
    likelihood = [
        Label(
            g.left // 2, g.top + (4 - n) * g.cell_height + g.cell_height // 2 + 5, str(n), bold=True
        )
        for n in SCALE
    ]
    key, y = [], g.bottom + 30
    for name, words in (
        ("Likelihood (rows)", LIKELIHOOD_LABELS),
        ("Severity (columns)", SEVERITY_LABELS),
    ):
        key.append(Label(0, y + 14, name, anchor="start", bold=True))
        for n in SCALE:  # two to a line: 1 and 2, then 3 and 4
            column, line = (n - 1) % 2, (n - 1) // 2
            key.append(
                Label(
                    column * (g.width // 2), y + 34 + line * 20, f"{n} {words[n]}", anchor="start"
                )
            )
        y += 70
    return tuple(severity + likelihood + key), y - 4

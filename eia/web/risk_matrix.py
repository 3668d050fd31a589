"""The risk matrix: impacts plotted by likelihood and severity, before and after mitigation.

``risk_matrix_context(items)`` lays out two 4 × 4 grids and a table saying the same in
words; ``templates/partials/risk_matrix.html`` draws them (``risk_matrices(ctx)``). All
text stays plain here: the template escapes it.
"""

from dataclasses import dataclass

from eia.scoring import LIKELIHOOD_LABELS, SEVERITY_LABELS, Band, band_for

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
CELL_W, CELL_H = 120, 110
LEFT, TOP = 160, 10  # room on the left for the likelihood labels
WIDTH, HEIGHT = LEFT + 4 * CELL_W + 10, TOP + 4 * CELL_H + 70
MARKER_R = 10
MARKER_COLUMNS, MARKER_ROWS = 4, 3
MARKER_SLOTS = MARKER_COLUMNS * MARKER_ROWS


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
        return (f"{self.likelihood_label.lower()} and {self.severity_label.lower()} "
                f"({self.band.label.lower()}, {self.score})")


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


@dataclass(frozen=True)
class Matrix:
    id: str
    caption: str
    title: str
    description: str
    cells: tuple[Cell, ...]
    labels: tuple[Label, ...]
    width: int = WIDTH
    height: int = HEIGHT
    cell_width: int = CELL_W
    cell_height: int = CELL_H
    marker_radius: int = MARKER_R
    grid_line: str = GRID_LINE


@dataclass(frozen=True)
class RiskMatrices:
    before: Matrix
    after: Matrix
    rows: tuple[Row, ...]
    id: str = "risk-matrix"

    @property
    def key(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if r.number is not None)


def impact_name(item) -> str:
    """What to call an impact: its own name, its characteristic's, or the group's words."""
    name = getattr(item, "name", None)
    if name:
        return name
    characteristic = getattr(item, "characteristic", None)
    if characteristic is not None:
        return characteristic.name
    return getattr(item, "description", "") or "Unnamed combination"


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
        before=_matrix(f"{id_prefix}-before", "Before mitigation",
                       [(r, r.before) for r in rows]),
        after=_matrix(f"{id_prefix}-after", "After mitigation", [(r, r.after) for r in rows]),
        rows=tuple(rows),
        id=id_prefix,
    )


def _matrix(matrix_id: str, caption: str, scored: list[tuple[Row, Score | None]]) -> Matrix:
    at = {}
    for row, score in scored:
        if score is not None:
            at.setdefault((score.likelihood, score.severity), []).append(row.number)
    cells = tuple(_cell(likelihood, severity, at.get((likelihood, severity), []))
                  for likelihood in reversed(SCALE) for severity in SCALE)
    return Matrix(id=matrix_id, caption=caption, title=f"Risk matrix: {caption.lower()}",
                  description=_description(caption, scored), cells=cells, labels=_axes())


def _cell(likelihood: int, severity: int, numbers: list[int]) -> Cell:
    band = band_for(likelihood * severity)
    fill, ink = BAND_COLOURS[band.key]
    x = LEFT + (severity - 1) * CELL_W
    y = TOP + (4 - likelihood) * CELL_H
    return Cell(likelihood, severity, x, y, band, fill, ink, _markers(x, y, numbers))


def _markers(x: int, y: int, numbers: list[int]) -> tuple[Marker, ...]:
    """Numbered circles in rows of four under the band's word; past the room there is, the
    last place says how many more there are (the description and table list them all)."""
    texts = [str(n) for n in numbers]
    if len(texts) > MARKER_SLOTS:
        texts = texts[:MARKER_SLOTS - 1] + [f"+{len(texts) - MARKER_SLOTS + 1}"]
    return tuple(
        Marker(x=x + 18 + (i % MARKER_COLUMNS) * 28, y=y + 42 + (i // MARKER_COLUMNS) * 24,
               text=text, circled=not text.startswith("+"))
        for i, text in enumerate(texts)
    )


def _description(caption: str, scored: list[tuple[Row, Score | None]]) -> str:
    plotted = [f"{row.name} is {score.in_words()}" for row, score in scored if score]
    unscored = [row.name for row, score in scored if score is None]
    text = f"{caption}: " + ("; ".join(plotted) if plotted else "no impact is scored yet")
    return text + "." + (f" Not scored yet: {', '.join(unscored)}." if unscored else "")


def _axes() -> tuple[Label, ...]:
    bottom = TOP + 4 * CELL_H
    severity = [Label(LEFT + (s - 1) * CELL_W + CELL_W // 2, bottom + 22,
                      f"{s} {SEVERITY_LABELS[s]}") for s in SCALE]
    likelihood = [Label(LEFT - 8, TOP + (4 - n) * CELL_H + CELL_H // 2 + 5,
                        f"{n} {LIKELIHOOD_LABELS[n]}", anchor="end") for n in SCALE]
    titles = [Label(LEFT + 2 * CELL_W, bottom + 52, "Severity", bold=True),
              Label(20, TOP + 2 * CELL_H, "Likelihood", bold=True,
                    upwards=True)]
    return tuple(severity + likelihood + titles)

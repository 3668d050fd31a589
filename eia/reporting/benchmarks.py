"""The pan-London practice comparison: each council's figures for one measure and financial
year, from the council-wide row ("All directorates") of its ``eia-practice/1`` feed, with
each council's position, its trend over the years it has published, and London's median
(the median of the councils with a figure, this council included).

Other councils' years are the copies kept (``benchmark_year``); this council's come from its
own feed as published now (eia.standard.feed), so they are the annual report's.
"""

import json
from dataclasses import dataclass, field
from datetime import date
from statistics import median

from sqlmodel import Session, select

from eia.models import BenchmarkCouncil, BenchmarkYear
from eia.standard.feed import build_feed
from eia.standard.suppression import HIDDEN


def _count(path):
    def read(row):
        value = row
        for part in path:
            value = value[part]
        return value

    return read


def _rate(top, bottom):
    def read(row):
        a, b = top(row), bottom(row)
        if HIDDEN in (a, b) or not isinstance(b, int) or b == 0:
            return HIDDEN if HIDDEN in (a, b) else None
        return round(a * 100 / b, 1)

    return read


def _due(row):
    parts = row["completion"].values()
    return HIDDEN if HIDDEN in parts else sum(parts)


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    unit: str  # "decisions", "%", "working days"
    read: object


BASE_MEASURES = (
    Measure(
        "on_time",
        "Decisions signed off on or before the decision date",
        "%",
        _rate(_count(("completion", "on_time")), _due),
    ),
    Measure(
        "signed_before",
        "Median working days signed off before the decision",
        "working days",
        _count(("median_working_days_signed_before",)),
    ),
    Measure("approved", "EIAs approved", "decisions", _count(("approved",))),
    Measure("screened_out", "EIAs screened out", "decisions", _count(("screened_out",))),
    Measure("fully_assessed", "EIAs fully assessed", "decisions", _count(("fully_assessed",))),
    Measure(
        "reviews",
        "Reviews done on time",
        "%",
        _rate(_count(("reviews", "on_time")), _count(("reviews", "done"))),
    ),
    Measure(
        "actions",
        "Actions delivered on time",
        "%",
        _rate(_count(("actions", "delivered")), _count(("actions", "due"))),
    ),
    Measure("published", "Approved EIAs published", "%", _count(("published", "share"))),
    *(
        Measure(
            f"outcome_{o}",
            f"Decisions with outcome {o}",
            "%",
            _rate(_count(("outcomes", o)), _count(("approved",))),
        )
        for o in "1234"
    ),
)


def _negative(name):
    def read(row):
        for c in row["negative_residual"]:
            if c["characteristic"] == name:
                return c["decisions"]
        return None

    return read


def measures(characteristics: list[str]) -> list[Measure]:
    """The base measures, then the decisions with a negative impact after mitigation on each
    characteristic (race first, then as the councils list them)."""
    return [
        *BASE_MEASURES,
        *(
            Measure(
                f"negative:{name}",
                f"Decisions with a negative impact after mitigation on {name}",
                "decisions",
                _negative(name),
            )
            for name in characteristics
        ),
    ]


@dataclass
class CouncilFigures:
    name: str
    own: bool
    years: dict[int, dict]  # start year -> the council-wide row
    council: BenchmarkCouncil | None = None


@dataclass
class ComparisonRow:
    name: str
    own: bool
    value: float | int | str | None
    position: int | None
    trend: list[tuple[str, object]]


@dataclass
class Comparison:
    measure: Measure
    start_year: int
    years: list[int]
    rows: list[ComparisonRow] = field(default_factory=list)
    median: float | None = None
    ranked: int = 0


def councils(session: Session) -> list[BenchmarkCouncil]:
    return list(session.exec(select(BenchmarkCouncil).order_by(BenchmarkCouncil.name)).all())


def council(session: Session, council_id: int) -> BenchmarkCouncil | None:
    return session.get(BenchmarkCouncil, council_id)


def council_named(session: Session, name: str) -> BenchmarkCouncil | None:
    return session.exec(select(BenchmarkCouncil).where(BenchmarkCouncil.name == name)).first()


def _total(year: dict) -> dict | None:
    return next((r for r in year["directorates"] if r.get("total")), None)


def all_figures(session: Session, own_name: str, today: date) -> list[CouncilFigures]:
    """This council (from its feed now) and every council added, with their kept years."""
    own = build_feed(session, own_name, today)
    found = [
        CouncilFigures(
            own_name,
            True,
            {int(y["year"][:4]): t for y in own["years"] if (t := _total(y)) is not None},
        )
    ]
    by_id = {c.id: CouncilFigures(c.name, False, {}, c) for c in councils(session)}
    for row in session.exec(select(BenchmarkYear)).all():
        total = _total(json.loads(row.figures))
        if row.council_id in by_id and total is not None:
            by_id[row.council_id].years[row.start_year] = total
    return found + sorted(by_id.values(), key=lambda c: c.name)


def characteristic_names(figures: list[CouncilFigures]) -> list[str]:
    names: list[str] = []
    for f in figures:
        for row in f.years.values():
            for c in row["negative_residual"]:
                if c["characteristic"] not in names:
                    names.append(c["characteristic"])
    return sorted(names, key=lambda n: 0 if n.lower().startswith("race") else 1)


def compare(figures: list[CouncilFigures], measure: Measure, start_year: int) -> Comparison:
    years = sorted({y for f in figures for y in f.years})
    result = Comparison(measure, start_year, years)
    values = {}
    for f in figures:
        row = f.years.get(start_year)
        value = measure.read(row) if row is not None else None
        values[f.name] = value
        trend = [(y, measure.read(f.years[y]) if y in f.years else None) for y in years]
        result.rows.append(ComparisonRow(f.name, f.own, value, None, trend))
    for r in result.rows:
        if isinstance(r.value, (int, float)):
            r.position = 1 + sum(
                1 for v in values.values() if isinstance(v, (int, float)) and v > r.value
            )
    counted = [v for v in values.values() if isinstance(v, (int, float))]
    result.median = median(counted) if counted else None
    result.ranked = len(counted)
    return result

""" "Which directorates sign off late?": completion per directorate for a financial year,
with the year before beside it, and "before and at the time".

- **Completion** per directorate (``eia.reporting.decisions``: each version of an EIA is one
  decision, in the year of its own decision date; one signed off with no decision date
  recorded, in the year it was signed off): due, on time, late, missed, no decision date
  recorded; the rate is on time ÷ due, and the change from last year is in percentage
  points. A rate from fewer than ``SMALL`` decisions due is shown with its counts and a
  caution: one late decision out of two is not a trend.
- **Before and at the time** (the *Brown* principles: regard is had before and at the time
  of the decision): for each decision with a decision date, the working days (weekends and
  England and Wales bank holidays left out) from the day its version was opened (the EIA
  created, or revised into a new version) to the decision date, and from the day it was
  signed off to the decision date; the median of each per directorate (negative: after the
  decision); and the share of decisions whose assessment started only after the decision
  date, when the proposal had already been decided.
"""

from dataclasses import dataclass, field
from statistics import median

from .decision_records import DECISION_COLUMNS, Cells, Decision, decision_item
from .years import FinancialYear

SMALL = 5  # fewer decisions due than this: the rate is shown with a caution
PARTS = ("due", "on_time", "late", "missed", "no_date")
PART_WORDS = {
    "due": "due",
    "on_time": "signed off on or before the decision date",
    "late": "signed off after the decision date",
    "missed": "not signed off, decision date passed",
    "no_date": "signed off with no decision date recorded",
    "upcoming": "decision still to come",
}
SORTS = {
    "directorate": "Directorate",
    "due": "Due",
    "on_time": "On time",
    "late": "Late",
    "missed": "Missed",
    "no_date": "No decision date",
    "rate": "Completion rate",
    "change": "Change from last year",
    "started": "Median working days started before",
    "signed": "Median working days signed off before",
}


@dataclass
class YearCompletion:
    on_time: int = 0
    late: int = 0
    no_date: int = 0
    missed: int = 0
    upcoming: int = 0

    @property
    def due(self) -> int:
        return self.on_time + self.late + self.no_date + self.missed

    @property
    def rate(self) -> float | None:
        return self.on_time / self.due if self.due else None

    @property
    def small(self) -> bool:
        return 0 < self.due < SMALL

    @property
    def rate_text(self) -> str:
        if not self.due:
            return "No decision due"
        text = f"{round(self.on_time / self.due * 100)}%"
        return f"{text} ({self.on_time} of {self.due}: too few to compare)" if self.small else text


@dataclass
class Timeliness:
    """Before and at the time, for one directorate's decisions of the year."""

    started: list[int] = field(default_factory=list)  # working days before, per decision
    signed: list[int] = field(default_factory=list)
    started_after: int = 0

    @property
    def median_started(self) -> float | None:
        return median(self.started) if self.started else None

    @property
    def median_signed(self) -> float | None:
        return median(self.signed) if self.signed else None

    @property
    def share_started_after(self) -> float | None:
        return self.started_after / len(self.started) if self.started else None


@dataclass
class DirectorateRow:
    directorate_id: int | None  # None: all directorates
    directorate: str
    this: YearCompletion = field(default_factory=YearCompletion)
    last: YearCompletion = field(default_factory=YearCompletion)
    time: Timeliness = field(default_factory=Timeliness)

    @property
    def cell_id(self) -> str:
        return "all" if self.directorate_id is None else str(self.directorate_id)

    @property
    def change(self) -> float | None:
        """This year's rate less last year's, in percentage points."""
        if self.this.rate is None or self.last.rate is None:
            return None
        return round(self.this.rate * 100) - round(self.last.rate * 100)

    @property
    def change_text(self) -> str:
        if self.change is None:
            return "No comparison"
        caution = " (too few to compare)" if self.this.small or self.last.small else ""
        if self.change == 0:
            return "No change" + caution
        sign = "+" if self.change > 0 else "−"
        return f"{sign}{abs(self.change)} percentage points{caution}"

    def sort_value(self, key: str):
        return {
            "directorate": self.directorate.lower(),
            "due": self.this.due,
            "on_time": self.this.on_time,
            "late": self.this.late,
            "missed": self.this.missed,
            "no_date": self.this.no_date,
            "rate": self.this.rate,
            "change": self.change,
            "started": self.time.median_started,
            "signed": self.time.median_signed,
        }[key]


@dataclass
class LateSignOff:
    year: FinancialYear
    rows: list[DirectorateRow]  # one per directorate with a decision in either year
    total: DirectorateRow

    def sorted_rows(self, key: str = "directorate", descending: bool = False):
        """The rows by ``key``; rows with no value for it (no rate) last either way."""
        present = [r for r in self.rows if r.sort_value(key) is not None]
        missing = [r for r in self.rows if r.sort_value(key) is None]
        present.sort(key=lambda r: (r.sort_value(key), r.directorate), reverse=descending)
        return present + sorted(missing, key=lambda r: r.directorate)


def completion_cell(cells: Cells, d: Decision, group: str, year: FinancialYear, part: str, name):
    key = f"completion.{group}.{year.value}.{part}"
    return cells.add(
        key,
        f"Decisions {PART_WORDS[part]}: {name}, {year.label}",
        "decision",
        (*DECISION_COLUMNS, "This decision's date"),
        [decision_item(d, d.decision_date or "No decision date recorded")],
    )


def late_signoff(decisions: list[Decision], year: FinancialYear, cells: Cells) -> LateSignOff:
    """The table for ``year`` (and the year before) from the decisions of both years; every
    number's items go in ``cells``."""
    rows: dict[int, DirectorateRow] = {}
    total = DirectorateRow(None, "All directorates")
    for d in decisions:
        if d.year not in (year, year.previous()):
            continue
        row = rows.setdefault(d.directorate_id, DirectorateRow(d.directorate_id, d.directorate))
        side = "this" if d.year == year else "last"
        for target in (row, total):
            counts = getattr(target, side)
            setattr(counts, d.part, getattr(counts, d.part) + 1)
            name = target.directorate
            completion_cell(cells, d, target.cell_id, d.year, d.part, name)
            if d.part != "upcoming":
                completion_cell(cells, d, target.cell_id, d.year, "due", name)
            if side == "this":
                _timeliness(cells, target, d, year)
    return LateSignOff(year, sorted(rows.values(), key=lambda r: r.directorate), total)


TIME_COLUMNS = (
    *DECISION_COLUMNS,
    "This decision's date",
    "Started",
    "Working days started before the decision",
    "Working days signed off before the decision",
)


def _timeliness(cells: Cells, row: DirectorateRow, d: Decision, year: FinancialYear) -> None:
    if d.started_before is None:
        return
    item = decision_item(d, d.decision_date, d.started_on, d.started_before, d.signed_before)
    row.time.started.append(d.started_before)
    cells.add(
        f"timed.{row.cell_id}.{year.value}",
        f"Decisions with a decision date: {row.directorate}, {year.label}",
        "decision",
        TIME_COLUMNS,
        [item],
    )
    if d.signed_before is not None:
        row.time.signed.append(d.signed_before)
    if d.started_after_decision:
        row.time.started_after += 1
        cells.add(
            f"started_after.{row.cell_id}.{year.value}",
            f"Decisions whose assessment started after the decision date: {row.directorate}, "
            f"{year.label}",
            "decision",
            TIME_COLUMNS,
            [item],
        )

"""The annual equality report: the EIA part of a council's Public Sector Equality Duty annual
report, for one financial year (1 April to 31 March), with the years before it to compare.

``annual_report(session, year)`` reads a fixed number of queries however many EIAs there are
(``eia.reporting.decision_records.load``: six; the characteristics, reviews, actions and
quality flags: one each) and works out every figure from them. Each figure is a ``Cell``
holding what it counts, so ``cell_list`` gives the very list behind any number (one more
query, for the EIAs' names). Each figure's definition, in one line, is in ``DEFINITIONS``
(the page and the Word document show them).
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from eia.models import (
    ActionItem,
    Directorate,
    Eia,
    EiaVersion,
    ReviewRecord,
    Service,
    london_date,
    utcnow,
)
from eia.models.enums import ActionStatus

from .cumulative import WARNING_AT
from .decision_records import (
    DECISION_COLUMNS,
    Cell,
    Cells,
    Decision,
    Item,
    characteristics,
    decision_item,
    decision_scope,
    load,
    load_round,
)
from .drilldown import DrillDown, Entry
from .groups import RANK, Groups, RoundGroups, groups, round_groups
from .late_signoff import LateSignOff, Timeliness, YearCompletion, late_signoff
from .quality import EIA_FLAGS
from .sql import json_date
from .years import FinancialYear, day_of

TREND_YEARS = 5

DEFINITIONS = {
    "decisions": "Each version of an EIA feeds one decision, counted in the financial year of "
    "its decision date (or, signed off with no decision date, of its sign-off).",
    "screened_out": "Decisions whose EIA was screened out: no characteristic was relevant, "
    "so no full assessment was needed.",
    "fully_assessed": "Decisions whose EIA went through a full assessment.",
    "approved": "Decisions signed off by an approver.",
    "completion": "On time ÷ due: signed off on or before the decision date, out of the "
    "decisions signed off or whose decision date has passed.",
    "started": "Median working days from the day the EIA (or its new version) was started to "
    "the decision date; negative means after the decision.",
    "signed": "Median working days from sign-off to the decision date; negative means signed "
    "off after the decision.",
    "started_after": "Decisions whose assessment started only after the decision date, when "
    "the proposal had already been decided.",
    "reviews": "Reviews confirmed or revised in the year, on time when done on or before the "
    "review date then due.",
    "actions": "Actions due in the year (not cancelled), delivered when marked done on or "
    "before their due date.",
    "published": "Signed-off decisions whose EIA is on the public register now.",
    "groups": "Signed-off decisions (not archived) with a negative impact after mitigation on "
    "the group, each counted once under its worst band; intersectional impacts count "
    "under each characteristic they combine.",
    "mitigated": "Of those, decisions where mitigation moved a negative impact on the group to "
    "a lower band.",
    "cumulative": f"Groups hit by {WARNING_AT} or more decisions in the year: their impacts "
    "need considering together.",
    "round": "The signed-off decisions of the EIAs tagged with the decision round, whatever "
    "their year (archived policies left out), counted once per group under the worst band "
    f"after mitigation; a group hit by {WARNING_AT} or more of them is flagged.",
    "outcomes": "Signed-off decisions by the outcome chosen (one of the Equality and Human "
    "Rights Commission's four).",
    "changed": "Signed-off proposals changed because of the assessment: outcome 2 (adjust the "
    "proposal) or engagement recording what changed (“you said, we did”).",
    "flags": "EIAs with a decision in the year that raise a quality flag now.",
}


@dataclass
class DirectorateYear:
    """One directorate's figures for one year: the row of the download."""

    year: FinancialYear
    directorate_id: int | None
    directorate: str
    decisions: int = 0
    screened_out: int = 0
    fully_assessed: int = 0
    approved: int = 0
    published: int = 0
    completion: YearCompletion = field(default_factory=YearCompletion)
    time: Timeliness = field(default_factory=Timeliness)
    reviews_done: int = 0
    reviews_on_time: int = 0
    actions_due: int = 0
    actions_delivered: int = 0
    negative: int = 0
    mitigated: int = 0
    flagged_eias: int | None = None  # the report's own year only: flags are as they stand now

    @property
    def cell_id(self) -> str:
        return "all" if self.directorate_id is None else str(self.directorate_id)

    @property
    def published_share(self) -> float | None:
        return self.published / self.approved if self.approved else None


@dataclass
class AnnualReport:
    year: FinancialYear
    today: date
    years: list[FinancialYear]
    directorates: list[DirectorateYear]  # the year's, by directorate
    total: DirectorateYear
    history: list[DirectorateYear]  # every year of the trend, by year then directorate
    late: LateSignOff
    groups: Groups
    flags: dict[str, int]
    cells: Cells
    round: RoundGroups | None = None  # all groups in the decision round chosen, if one is

    def count(self, key: str) -> int:
        return self.cells.count(key)


def annual_report(
    session: Session,
    year: FinancialYear,
    today: date | None = None,
    *,
    warning_at: int = WARNING_AT,
    trend: int = TREND_YEARS,
    decision_round: str | None = None,
) -> AnnualReport:
    """Every figure of the report for ``year``: ten queries, whatever the data (six more with
    a ``decision_round``: all groups in it, ``round_groups``)."""
    today = today or london_date(utcnow())
    first = year.previous(trend - 1)
    decisions = load(session, first, year, today)
    cells = Cells()
    late = late_signoff(decisions, year, cells)
    groups_of = characteristics(session)
    found = groups(decisions, groups_of, year, cells, trend, warning_at)
    years = [year.previous(n) for n in reversed(range(trend))]
    table: dict[tuple, DirectorateYear] = {}

    def row(y: FinancialYear, directorate_id, name) -> DirectorateYear:
        return table.setdefault((y, directorate_id), DirectorateYear(y, directorate_id, name))

    for d in decisions:
        for r in (row(d.year, d.directorate_id, d.directorate), row(d.year, None, "")):
            _add_decision(cells, r, d, d.year == year)
    for r in _reviews(session, first, year):
        for target in (row(r[0], r[1], r[2]), row(r[0], None, "")):
            _add_review(cells, target, r, r[0] == year)
    for a in _actions(session, first, year):
        for target in (row(a[0], a[1], a[2]), row(a[0], None, "")):
            _add_action(cells, target, a, a[0] == year)
    flags = _flags(session, cells, decisions, year, today, row)
    for r in table.values():
        if r.year == year and r.flagged_eias is None:
            r.flagged_eias = 0
    history = sorted(
        (r for r in table.values() if r.directorate_id is not None),
        key=lambda r: (r.year, r.directorate),
    )
    total = table.get((year, None)) or DirectorateYear(year, None, "")
    total.directorate = "All directorates"
    in_round = None
    if decision_round:
        in_round = round_groups(
            load_round(session, decision_round, today),
            groups_of,
            decision_round,
            cells,
            warning_at,
        )
    return AnnualReport(
        year,
        today,
        years,
        [r for r in history if r.year == year],
        total,
        history,
        late,
        found,
        flags,
        cells,
        in_round,
    )


def _cell(cells: Cells, on: bool, key: str, title: str, unit: str, columns, item: Item):
    if on:
        cells.add(key, title, unit, columns, [item])


def _add_decision(cells: Cells, r: DirectorateYear, d: Decision, this_year: bool) -> None:
    r.decisions += 1
    counts = r.completion
    setattr(counts, d.part, getattr(counts, d.part) + 1)
    if d.started_before is not None:
        r.time.started.append(d.started_before)
        r.time.started_after += d.started_after_decision
    if d.signed_before is not None:
        r.time.signed.append(d.signed_before)
    name = r.directorate or "all directorates"
    item = decision_item(d, d.decision_date or "No decision date recorded")
    columns = (*DECISION_COLUMNS, "This decision's date")
    where = f"{r.cell_id}.{r.year.value}"
    _cell(cells, this_year, f"decisions.{where}", f"Decisions: {name}", "decision", columns, item)
    for flag, words in (
        ("screened_out", "Decisions whose EIA was screened out"),
        ("fully_assessed", "Decisions whose EIA was fully assessed"),
        ("signed", "Decisions signed off"),
    ):
        if getattr(d, flag):
            attr = "approved" if flag == "signed" else flag
            setattr(r, attr, getattr(r, attr) + 1)
            _cell(
                cells, this_year, f"{attr}.{where}", f"{words}: {name}", "decision", columns, item
            )
    if d.signed and d.published:
        r.published += 1
        _cell(
            cells,
            this_year,
            f"published.{where}",
            f"Signed-off decisions on the public register: {name}",
            "decision",
            columns,
            item,
        )
    if d.signed and d.status != "archived":
        negative = [i for i in d.impacts if i.direction == "negative" and i.residual is not None]
        if negative:
            r.negative += 1
        if any(i.inherent is not None and _rank(i.residual) < _rank(i.inherent) for i in negative):
            r.mitigated += 1


def _rank(band: str | None) -> int:
    return RANK.get(band, 0)


# --- reviews and actions ----------------------------------------------------------------------


def _span(first: FinancialYear, last: FinancialYear) -> tuple[datetime, datetime]:
    start = datetime.combine(first.first_day - timedelta(days=1), time(0), tzinfo=UTC)
    end = datetime.combine(last.last_day + timedelta(days=2), time(0), tzinfo=UTC)
    return start, end


def _reviews(session: Session, first: FinancialYear, last: FinancialYear) -> list[tuple]:
    """Reviews done in the years: (year, directorate id, name, review id, EIA id, version,
    done on, due on). The review date due is the one the version was approved with, or, after
    an earlier review of the same version, the next review date that review set."""
    frozen = EiaVersion.__table__.alias("frozen")
    due = sa.func.coalesce(
        sa.func.lag(ReviewRecord.next_review_date).over(
            partition_by=(ReviewRecord.eia_id, ReviewRecord.eia_version),
            order_by=(ReviewRecord.reviewed_at, ReviewRecord.id),
        ),
        json_date(frozen.c.snapshot, "review_date"),
    )
    inner = (
        select(
            ReviewRecord.id.label("id"),
            ReviewRecord.eia_id.label("eia_id"),
            ReviewRecord.eia_version.label("version"),
            ReviewRecord.reviewed_at.label("reviewed_at"),
            due.label("due"),
        )
        .select_from(ReviewRecord)
        .outerjoin(
            frozen,
            sa.and_(
                frozen.c.eia_id == ReviewRecord.eia_id,
                frozen.c.version == ReviewRecord.eia_version,
            ),
        )
        .subquery("reviews")
    )
    start, end = _span(first, last)
    out = []
    for rid, eia_id, version, reviewed_at, due_on, dir_id, name in session.exec(
        select(
            inner.c.id,
            inner.c.eia_id,
            inner.c.version,
            inner.c.reviewed_at,
            inner.c.due,
            Directorate.id,
            Directorate.name,
        )
        .join(Eia, Eia.id == inner.c.eia_id)
        .join(Directorate, Directorate.id == Eia.directorate_id)
        .where(inner.c.reviewed_at >= start, inner.c.reviewed_at < end)
    ).all():
        done = day_of(reviewed_at)
        y = FinancialYear.of(done)
        if first <= y <= last:
            due_day = date.fromisoformat(due_on) if isinstance(due_on, str) else due_on
            out.append((y, dir_id, name, rid, eia_id, version, done, due_day))
    return out


def _add_review(cells: Cells, r: DirectorateYear, review: tuple, this_year: bool) -> None:
    _, _, _, _, eia_id, version, done, due = review
    on_time = due is not None and done <= due
    r.reviews_done += 1
    r.reviews_on_time += on_time
    item = Item(
        eia_id, version, (version, done, due or "No review date", "Yes" if on_time else "No")
    )
    columns = ("Version", "Reviewed", "Review date due", "On time")
    name, where = r.directorate or "all directorates", f"{r.cell_id}.{r.year.value}"
    _cell(cells, this_year, f"reviews.{where}", f"Reviews done: {name}", "review", columns, item)
    if on_time:
        _cell(
            cells,
            this_year,
            f"reviews_on_time.{where}",
            f"Reviews done on or before their date: {name}",
            "review",
            columns,
            item,
        )


def _actions(session: Session, first: FinancialYear, last: FinancialYear) -> list[tuple]:
    """Actions due in the years (not cancelled, on EIAs not withdrawn): (year, directorate id,
    name, action id, EIA id, description, due, status, completed on)."""
    rows = session.exec(
        select(
            ActionItem.id,
            ActionItem.eia_id,
            ActionItem.description,
            ActionItem.due_date,
            ActionItem.status,
            ActionItem.completed_on,
            Directorate.id,
            Directorate.name,
        )
        .join(Eia, Eia.id == ActionItem.eia_id)
        .join(Directorate, Directorate.id == Eia.directorate_id)
        .where(
            ActionItem.due_date >= first.first_day,
            ActionItem.due_date <= last.last_day,
            ActionItem.status != ActionStatus.cancelled,
            Eia.status != "withdrawn",
        )
    ).all()
    return [
        (FinancialYear.of(due), dir_id, name, aid, eia_id, text, due, status, completed)
        for aid, eia_id, text, due, status, completed, dir_id, name in rows
    ]


def _add_action(cells: Cells, r: DirectorateYear, action: tuple, this_year: bool) -> None:
    _, _, _, _, eia_id, text, due, status, completed = action
    delivered = status == ActionStatus.done and completed is not None and completed <= due
    r.actions_due += 1
    r.actions_delivered += delivered
    item = Item(eia_id, None, (text, due, status, completed or "Not done"))
    columns = ("Action", "Due date", "Status", "Done on")
    name, where = r.directorate or "all directorates", f"{r.cell_id}.{r.year.value}"
    _cell(cells, this_year, f"actions.{where}", f"Actions due: {name}", "action", columns, item)
    if delivered:
        _cell(
            cells,
            this_year,
            f"actions_delivered.{where}",
            f"Actions delivered on or before their due date: {name}",
            "action",
            columns,
            item,
        )


# --- quality flags ----------------------------------------------------------------------------


def _flags(session, cells: Cells, decisions, year: FinancialYear, today, row) -> dict[str, int]:
    """The flags about an EIA (the flags about decisions are the completion table's late and
    no decision date), for the EIAs with a decision in the year: one query."""
    this_year = {d.eia_id: d for d in decisions if d.year == year}
    source, columns = Eia.__table__, []
    for f in EIA_FLAGS:
        condition = f.condition(today)
        if f.eia_set is not None:
            found = f.eia_set().subquery(f.key)
            source = source.outerjoin(found, found.c.eia_id == Eia.id)
            condition = sa.and_(condition, found.c.eia_id.is_not(None))
        columns.append(sa.case((condition, 1), else_=0).label(f.key))
    counts = {f.key: 0 for f in EIA_FLAGS}
    if not this_year:
        return counts
    scope = decision_scope(year, year)
    rows = session.exec(
        select(Eia.id, *columns).select_from(source).where(Eia.id.in_(select(scope.c.eia_id)))
    ).all()
    for r in rows:
        d = this_year.get(r[0])
        if d is None:
            continue
        raised = [f for f, on in zip(EIA_FLAGS, r[1:], strict=True) if on]
        if raised:
            for r in (row(year, d.directorate_id, d.directorate), row(year, None, "")):
                r.flagged_eias = (r.flagged_eias or 0) + 1
        for f in raised:
            counts[f.key] += 1
            cells.add(
                f"flag.{f.key}.{year.value}",
                f"EIAs flagged “{f.label}”, with a decision in {year.label}",
                "EIA",
                ("Flag",),
                [Item(d.eia_id, None, (f.label,))],
            )
    return counts


# --- the list behind a number -----------------------------------------------------------------


class BadCell(ValueError):
    pass


def cell_list(session: Session, report: AnnualReport, key: str) -> DrillDown:
    """The entries behind the number ``key`` names (BadCell if it names none): one query."""
    cell: Cell | None = report.cells.get(key)
    if cell is None:
        if not _known_shape(key):
            raise BadCell("The figure in the link does not exist: choose a number on the report")
        cell = Cell("Nothing counted in this year", "decision", ())
    ids = sorted({i.eia_id for i in cell.items})
    eias = {}
    if ids:
        eias = {
            r[0]: r[1:]
            for r in session.exec(
                select(
                    Eia.id,
                    Eia.reference,
                    Eia.title,
                    Eia.status,
                    Directorate.name,
                    Service.name,
                    Eia.decision_date,
                )
                .join(Directorate, Directorate.id == Eia.directorate_id)
                .join(Service, Service.id == Eia.service_id)
                .where(Eia.id.in_(ids))
            ).all()
        }
    entries = [Entry(*eias[i.eia_id], list(i.details)) for i in cell.items if i.eia_id in eias]
    entries.sort(key=lambda e: (e.reference, str(e.details[:1])))
    in_title = report.year.label in cell.title or key.startswith("round.")
    title = cell.title if in_title else f"{cell.title} ({report.year.label})"
    return DrillDown(title, cell.unit, list(cell.columns), entries, {"cell": key})


_SHAPES = (
    "completion",
    "timed",
    "started_after",
    "group",
    "outcome",
    "changed",
    "decisions",
    "screened_out",
    "fully_assessed",
    "approved",
    "published",
    "reviews",
    "reviews_on_time",
    "actions",
    "actions_delivered",
    "flag",
    "round",
)


def _known_shape(key: str) -> bool:
    """A figure the report can hold that has nothing in it this year (a zero): its list is
    empty, not an error."""
    parts = key.split(".")
    return (
        2 <= len(parts) <= 4
        and parts[0] in _SHAPES
        and all(p.replace("_", "").isalnum() for p in parts[1:])
        and len(key) <= 80
    )

"""The dashboard's cube (``dashboard_cell``): every figure pre-aggregated by the dimensions
the filters use, kept on each write, so the dashboard sums a few thousand cells instead of
reading the base tables (``eia.reporting.figures.dashboard``).

Each EIA *contributes* cells: one per figure it counts in, keyed by its directorate, service,
kind of proposal and decision date (a decision: its own date) and by what the figure groups
by. What it contributes is worked out by SQL from its rows (``contributions``), the very
conditions the figures and their drill-downs use:

- ``eia``: the EIA, by state and outcome (EIAs in each state, outcomes, the total);
- ``screening``: screened out or went into full assessment;
- ``flag``: each quality flag about the EIA itself that does not depend on the day;
- ``review``: in force (approved, under review) with a review date: by state and that date;
- ``action``: its open actions on a live EIA, by due date; ``action_eia``: the EIA once, by
  its earliest open action's due date (overdue = before today: a sum over cells);
- ``decision``: each decision it fed (``eia.reporting.decisions``), by its own date and
  part: on time, late, no decision date, or not signed off (missed or to come, by date);
- ``spell``: its finished spells in each stage, by whole days (the per-day histogram the
  medians are read from; the exact median is then read from the one day's spells);
- ``gap`` and ``negative``: its explained evidence gaps and negative residual impacts, by
  characteristic (and band).

**Kept on write.** Every flush of a session that touches an EIA or one of the rows its
figures come from (its impacts, actions, engagement records, decisions, spells) works out
the EIA's contributions before the flush and after it and adds the difference to the cells,
in the same flush, so the cells commit with the change and its audit record or not at all
(``keep_on_write``: session events, installed once by ``eia.operations``). Rows written
around the ORM (the benchmark generator's COPY) need ``rebuild``, which
``eia db rebuild-summaries`` runs.
"""

import functools
from collections import defaultdict
from datetime import date

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.sql.expression import FunctionElement
from sqlmodel import select

from eia.models import (
    ActionItem,
    DashboardCell,
    Eia,
    EiaDecision,
    EngagementRecord,
    ImpactAssessment,
    IntersectionalImpact,
    StageSpell,
)
from eia.models.cube import ALL, CELL_KEY, NO_DAY
from eia.models.enums import OPEN_ACTION_STATUSES, ActionStatus

from .decisions import counted, decision_date, signed
from .figures import (
    CLOSED,
    evidence_gap_condition,
    negative_impact_condition,
    residual_band,
)
from .quality import EIA_FLAGS, REVIEW_PENDING

CELL = DashboardCell.__table__
# The EIA flags kept as cells: those that do not depend on the day (review_overdue does:
# it is read from the review cells).
KEPT_FLAGS = tuple(f for f in EIA_FLAGS if f.key != "review_overdue")
_ANY_DAY = date(2000, 1, 1)  # the kept flags do not look at the day


class day_bucket(FunctionElement):  # noqa: N801 - reads as the SQL function it stands for
    """The whole days in a spell (its days rounded down): the histogram's bucket."""

    type = sa.Integer()
    inherit_cache = True
    name = "day_bucket"


@compiles(day_bucket)
def _day_bucket_default(element, compiler, **kw):
    (days,) = list(element.clauses)
    return f"CAST(FLOOR({compiler.process(days, **kw)}) AS INTEGER)"


@compiles(day_bucket, "sqlite")
def _day_bucket_sqlite(element, compiler, **kw):
    (days,) = list(element.clauses)
    d = compiler.process(days, **kw)
    return f"(CAST({d} AS INTEGER) - ({d} < CAST({d} AS INTEGER)))"


class quarter_start(FunctionElement):  # noqa: N801 - reads as the SQL function it stands for
    """The first day of a date's quarter (the council's financial quarters are the calendar's,
    numbered from April)."""

    type = sa.Date()
    inherit_cache = True
    name = "quarter_start"


@compiles(quarter_start)
def _quarter_start_default(element, compiler, **kw):
    (day,) = list(element.clauses)
    return f"CAST(date_trunc('quarter', {compiler.process(day, **kw)}) AS DATE)"


@compiles(quarter_start, "sqlite")
def _quarter_start_sqlite(element, compiler, **kw):
    (day,) = list(element.clauses)
    d = compiler.process(day, **kw)
    return (
        f"date({d}, 'start of month', '-' || "
        f"((CAST(strftime('%m', {d}) AS INTEGER) - 1) % 3) || ' months')"
    )


def _quarter_start_of(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


# --- what each EIA contributes ---------------------------------------------------------------


def _cells(kind: str, **keys) -> list:
    """The columns of one kind of cell, in ``CELL_KEY`` order, then its count (labelled;
    ``_grouped`` groups by those that are not constants)."""
    values = {
        "kind": kind,
        "directorate_id": Eia.directorate_id,
        "service_id": Eia.service_id,
        "proposal_type": sa.func.coalesce(Eia.proposal_type, ""),
        "decided_on": sa.func.coalesce(keys.pop("decided_on", Eia.decision_date), NO_DAY),
        "state": "",
        "item": "",
        "characteristic_id": 0,
        "on_day": NO_DAY,
        "days": 0,
        **keys,
    }
    types = {
        "decided_on": sa.Date,
        "on_day": sa.Date,
        "characteristic_id": sa.Integer,
        "days": sa.Integer,
        "directorate_id": sa.Integer,
        "service_id": sa.Integer,
    }
    columns = []
    for name in CELL_KEY:
        value = values[name]
        constant = isinstance(value, (str, int, date))
        expression = sa.literal(value) if constant else value
        column = sa.type_coerce(expression, types.get(name, sa.String)).label(name)
        column.constant = constant
        columns.append(column)
    return [*columns, sa.func.count().label("n")]


def _grouped(columns: list, query: sa.Select) -> sa.Select:
    return query.group_by(*[c.element for c in columns[:-1] if not c.constant])


def _gaps_without_actions() -> sa.ColumnElement[bool]:
    """On ``Eia``: quality's ``gaps_without_actions`` set, asked of this EIA alone (an
    impact or intersectional impact with an evidence gap and no live action linked)."""

    def part(model, link):
        return sa.exists(
            select(model.id).where(
                model.eia_id == Eia.id,
                model.evidence_gap.is_(True),
                ~sa.exists(
                    select(ActionItem.id).where(
                        link == model.id, ActionItem.status != ActionStatus.cancelled
                    )
                ),
            )
        )

    return sa.or_(
        part(ImpactAssessment, ActionItem.impact_id),
        part(IntersectionalImpact, ActionItem.intersectional_impact_id),
    )


def _flag_condition(flag) -> sa.ColumnElement[bool]:
    if flag.eia_set is None:
        return flag.condition(_ANY_DAY)
    if flag.key != "gaps_without_actions":  # pragma: no cover - a new flag needs its form here
        raise NotImplementedError(f"no per-EIA form of the flag {flag.key}")
    return sa.and_(flag.condition(_ANY_DAY), _gaps_without_actions())


@functools.cache
def _contributions_of_some() -> sa.CompoundSelect:
    """``contributions`` of the EIAs in the expanding parameter ``eia_ids``, built once (a
    flush asks twice: building the statement each time made writes ten times slower)."""
    return contributions(sa.bindparam("eia_ids", expanding=True))


def contributions(eia_ids=None) -> sa.CompoundSelect:
    """Every cell the EIAs contribute to (all of them, or those ``eia_ids`` names: an
    expanding parameter), with its count: one UNION ALL of one grouped SELECT per kind."""

    def only(query, column=Eia.id):
        return query if eia_ids is None else query.where(column.in_(eia_ids))

    parts = []

    def add(columns, query):
        parts.append(_grouped(columns, query))

    c = _cells("eia", state=Eia.status, item=sa.func.coalesce(Eia.outcome, ""))
    add(c, only(select(*c).select_from(Eia)))
    fa = Eia.ever_fully_assessed.is_(True)
    c = _cells("screening", item=sa.case((fa, "fully_assessed"), else_="screened_out"))
    add(c, only(select(*c).where(sa.or_(fa, Eia.ever_screened_out.is_(True)))))
    for flag in KEPT_FLAGS:
        c = _cells("flag", item=flag.key)
        add(c, only(select(*c).where(_flag_condition(flag))))
    c = _cells("review", state=Eia.status, on_day=Eia.review_date)
    add(
        c,
        only(select(*c).where(Eia.status.in_(REVIEW_PENDING), Eia.review_date.is_not(None))),
    )
    open_action = sa.and_(
        ActionItem.status.in_(OPEN_ACTION_STATUSES),
        ActionItem.due_date.is_not(None),
        Eia.status.not_in(CLOSED),
    )
    c = _cells("action", on_day=ActionItem.due_date)
    add(c, only(select(*c).join(ActionItem, ActionItem.eia_id == Eia.id).where(open_action)))
    first = only(
        select(ActionItem.eia_id, sa.func.min(ActionItem.due_date).label("due"))
        .join(Eia, Eia.id == ActionItem.eia_id)
        .where(open_action)
        .group_by(ActionItem.eia_id)
    ).subquery("first_due")
    c = _cells("action_eia", on_day=first.c.due)
    add(c, select(*c).join(first, first.c.eia_id == Eia.id))
    when, late = decision_date(), EiaDecision.late.is_(True)
    part = sa.case(
        (sa.and_(signed(), when.is_not(None), ~late), "on_time"),
        (sa.and_(signed(), when.is_not(None), late), "late"),
        (signed(), "no_date"),
        else_="open",
    )
    c = _cells("decision", decided_on=when, item=part)
    add(c, only(select(*c).join(EiaDecision, EiaDecision.eia_id == Eia.id).where(counted())))
    c = _cells("spell", item=StageSpell.stage, days=day_bucket(StageSpell.days))
    add(
        c,
        only(
            select(*c)
            .join(StageSpell, StageSpell.eia_id == Eia.id)
            .where(StageSpell.left_at.is_not(None))
        ),
    )
    c = _cells("gap", characteristic_id=ImpactAssessment.characteristic_id)
    impacts = select(*c).join(ImpactAssessment, ImpactAssessment.eia_id == Eia.id)
    add(c, only(impacts.where(evidence_gap_condition())))
    c = _cells(
        "negative", characteristic_id=ImpactAssessment.characteristic_id, item=residual_band()
    )
    impacts = select(*c).join(ImpactAssessment, ImpactAssessment.eia_id == Eia.id)
    add(c, only(impacts.where(negative_impact_condition())))
    return sa.union_all(*parts)


def _read(connection, eia_ids) -> dict[tuple, int]:
    if not eia_ids:
        return {}
    rows = connection.execute(_contributions_of_some(), {"eia_ids": sorted(eia_ids)}).all()
    out: dict[tuple, int] = defaultdict(int)
    for row in rows:
        out[tuple(row[:-1])] += int(row[-1])
    return out


def apply(connection, delta: dict[tuple, int]) -> None:
    """Add ``delta`` (cell key -> change in its count) to the cells: one INSERT … ON
    CONFLICT DO UPDATE, the cells in key order (two writers take their locks in the same
    order)."""
    changed = sorted((k, v) for k, v in delta.items() if v)
    if not changed:
        return
    dialect = connection.dialect.name
    insert = (postgresql if dialect == "postgresql" else sqlite).insert(CELL)
    statement = insert.values([{**dict(zip(CELL_KEY, k, strict=True)), "n": v} for k, v in changed])
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=list(CELL_KEY), set_={"n": CELL.c.n + statement.excluded.n}
        )
    )


def _summed(key: tuple) -> tuple:
    """The cell of every service (``ALL``) a service's cell is summed into."""
    cell = dict(zip(CELL_KEY, key, strict=True))
    if cell["kind"] == "decision":
        if cell["item"] != "open" and cell["decided_on"] != NO_DAY:
            cell["decided_on"] = _quarter_start_of(cell["decided_on"])
    else:
        cell["directorate_id"], cell["decided_on"] = 0, NO_DAY
    cell["service_id"], cell["proposal_type"] = ALL, ""
    return tuple(cell[k] for k in CELL_KEY)


def refresh(connection, eia_ids, before: dict[tuple, int]) -> None:
    """The EIAs' cells now, less ``before`` (what they contributed before the change), and
    the same change to the cells of every service."""
    delta = defaultdict(int, _read(connection, eia_ids))
    for key, n in before.items():
        delta[key] -= n
    for key, n in list(delta.items()):
        if n:
            delta[_summed(key)] += n
    apply(connection, delta)


def rebuild(connection: sa.Connection) -> None:
    """Every cell again, from the rows it summarises: each service's, then their sums."""
    connection.execute(CELL.delete())
    every = contributions().subquery("every")
    connection.execute(
        CELL.insert().from_select(
            [*CELL_KEY, "n"],
            select(*[every.c[k] for k in CELL_KEY], sa.func.sum(every.c.n)).group_by(
                *[every.c[k] for k in CELL_KEY]
            ),
        )
    )
    c = CELL.c
    decision = c.kind == "decision"
    summed = {
        "service_id": sa.literal(ALL),
        "kind": c.kind,
        "directorate_id": sa.case((decision, c.directorate_id), else_=0),
        "proposal_type": sa.literal(""),
        "decided_on": sa.case(
            (
                sa.and_(decision, c.item != "open", c.decided_on != NO_DAY),
                quarter_start(c.decided_on),
            ),
            (decision, c.decided_on),
            else_=sa.literal(NO_DAY, sa.Date),
        ),
        "state": c.state,
        "item": c.item,
        "characteristic_id": c.characteristic_id,
        "on_day": c.on_day,
        "days": c.days,
    }
    grouped = [summed[k] for k in CELL_KEY if not isinstance(summed[k], sa.BindParameter)]
    connection.execute(
        CELL.insert().from_select(
            [*CELL_KEY, "n"],
            select(*[summed[k].label(k) for k in CELL_KEY], sa.func.sum(c.n))
            .where(c.service_id != ALL)
            .group_by(*grouped),
        )
    )
    if connection.dialect.name == "postgresql":
        # The table was refilled at once: give the planner its new numbers (the dashboard's
        # first queries after a rebuild took ten times as long without them).
        connection.execute(sa.text("ANALYZE dashboard_cell"))


def cells(connection) -> dict[tuple, int]:
    """Every cell with a count (zero counts left out), to compare kept with rebuilt."""
    return {
        tuple(r[:-1]): int(r[-1])
        for r in connection.execute(select(*[CELL.c[k] for k in CELL_KEY], CELL.c.n)).all()
        if r[-1]
    }


# --- kept on write -----------------------------------------------------------------------------

# The rows whose changes can change an EIA's cells.
_TRACKED = (
    Eia,
    ImpactAssessment,
    IntersectionalImpact,
    ActionItem,
    EngagementRecord,
    EiaDecision,
    StageSpell,
)
_PENDING = "dashboard_cube_pending"


def _eia_id(obj) -> int | None:
    """The EIA a row belongs to (None: a new EIA, or a new row of one, not yet flushed)."""
    if isinstance(obj, Eia):
        return obj.id
    found = getattr(obj, "eia_id", None)
    if found is None:
        found = getattr(getattr(obj, "eia", None), "id", None)
    return found


# What of an EIA's own row its cells depend on (an edit always changes ``updated_at``,
# which is not among them), and the collections whose rows they count.
_EIA_ATTRIBUTES = (
    "status",
    "version",
    "directorate_id",
    "service_id",
    "proposal_type",
    "decision_date",
    "review_date",
    "outcome",
    "justification_legitimate_aim",
    "justification_less_harmful",
    "justification_proportionate",
    "ever_fully_assessed",
    "ever_screened_out",
    "impacts",
    "intersectional_impacts",
    "engagements",
    "actions",
)


def _changes_cells(session, obj) -> bool:
    """A dirty row whose change can change its EIA's cells."""
    if not isinstance(obj, Eia):
        return session.is_modified(obj)
    attrs = sa.inspect(obj).attrs
    return any(attrs[name].history.has_changes() for name in _EIA_ATTRIBUTES)


def _before_flush(session, _context, _instances) -> None:
    touched = [
        obj
        for group in (session.new, session.deleted)
        for obj in group
        if isinstance(obj, _TRACKED)
    ] + [o for o in session.dirty if isinstance(o, _TRACKED) and _changes_cells(session, o)]
    if not touched:
        return
    known, unknown = set(), []
    for obj in touched:
        found = _eia_id(obj)
        if found is None:
            unknown.append(obj)
        else:
            known.add(found)
    session.info[_PENDING] = (known, unknown, _read(session.connection(), known))


def _after_flush_postexec(session, _context) -> None:
    pending = session.info.pop(_PENDING, None)
    if pending is None:
        return
    known, unknown, before = pending
    ids = known | {i for i in map(_eia_id, unknown) if i is not None}
    refresh(session.connection(), ids, before)


def keep_on_write() -> None:
    """Keep the cells on every flush of every session (idempotent)."""
    if not sa.event.contains(OrmSession, "before_flush", _before_flush):
        sa.event.listen(OrmSession, "before_flush", _before_flush)
        sa.event.listen(OrmSession, "after_flush_postexec", _after_flush_postexec)

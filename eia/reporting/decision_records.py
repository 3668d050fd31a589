"""Each decision of a span of financial years with what the annual figures need to know of
it, read in a fixed number of queries however many there are (``load``).

A decision is a version of an EIA (``eia_decision``: ``eia.reporting.decisions`` says which
count); it is in the financial year of its own decision date, or, signed off with none
recorded, of the day it was signed off (``eia.reporting.years``). What a decision found (its
impacts, its outcome, what engagement changed) is the version's own: the live rows for the
version being worked on or in force, the frozen copy (``eia_version.snapshot``) for an
earlier version, so a revised EIA counts each version's findings in that version's year.

Every figure built from these is a ``Cell``: the items it counts (decisions, actions,
reviews, EIAs), so a figure and the list behind it (``eia.reporting.annual.cell_list``) can
never disagree.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from eia.models import (
    Characteristic,
    Directorate,
    Eia,
    EiaDecision,
    EiaVersion,
    EngagementRecord,
    ImpactAssessment,
    IntersectionalCharacteristic,
    IntersectionalImpact,
    PublicCopy,
    ReviewRecord,
)
from eia.scoring import band_for
from notifications.calendar import working_days_between
from workflows.lifecycle import Status

from .decisions import counted, decision_date
from .years import FinancialYear, day_of

PART_ORDER = ("on_time", "late", "no_date", "missed", "upcoming")


@dataclass(frozen=True)
class Impact:
    """One impact a decision found: the characteristics it falls on (one, or several for an
    intersectional group), its direction and its bands before and after mitigation."""

    characteristics: frozenset[int]
    direction: str | None
    inherent: str | None  # band key
    residual: str | None
    intersectional: bool = False


@dataclass
class Decision:
    eia_id: int
    version: int
    current_version: int
    directorate_id: int
    directorate: str
    status: str  # the EIA's state now
    signed_on: date | None  # the day it was signed off (London)
    decision_date: date | None
    late: bool
    started_on: date | None  # the day the version was opened: created, or revised into
    screened_out: bool
    fully_assessed: bool
    published: bool  # the EIA is on the public register now
    today: date
    outcome: str | None = None
    engagement_changed: bool = False
    impacts: list[Impact] = field(default_factory=list)
    decision_round: str | None = None  # the EIA's decision round now (a budget round, say)

    @property
    def key(self) -> tuple[int, int]:
        return (self.eia_id, self.version)

    @property
    def signed(self) -> bool:
        return self.signed_on is not None

    @property
    def year(self) -> FinancialYear | None:
        day = self.decision_date or self.signed_on
        return None if day is None else FinancialYear.of(day)

    @property
    def part(self) -> str:
        """Its completion part (``eia.reporting.decisions``)."""
        if self.signed:
            if self.decision_date is None:
                return "no_date"
            return "late" if self.late else "on_time"
        return "missed" if self.decision_date < self.today else "upcoming"

    @property
    def started_before(self) -> int | None:
        """Working days from the version's start to the decision date (negative: started
        after it)."""
        return _working_days_before(self.started_on, self.decision_date)

    @property
    def signed_before(self) -> int | None:
        """Working days from sign-off to the decision date (negative: signed off after)."""
        return _working_days_before(self.signed_on, self.decision_date)

    @property
    def started_after_decision(self) -> bool:
        return (
            self.started_on is not None
            and self.decision_date is not None
            and self.started_on > self.decision_date
        )


def _working_days_before(day: date | None, decision: date | None) -> int | None:
    if day is None or decision is None:
        return None
    if day <= decision:
        return working_days_between(day, decision)
    return -working_days_between(decision, day)


# --- the figures' items and the lists behind them ---------------------------------------------


@dataclass(frozen=True)
class Item:
    """One thing a figure counts: a decision (with its version), an action, a review or an
    EIA, and what its list shows of it after the EIA's own columns."""

    eia_id: int
    version: int | None = None
    details: tuple = ()


@dataclass
class Cell:
    title: str
    unit: str  # "decision", "action", "review", "EIA"
    columns: tuple[str, ...]
    items: list[Item] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.items)


class Cells(dict):
    """Every figure of a report by its key (the ``cell`` of a list's link)."""

    def add(self, key: str, title: str, unit: str, columns=(), items=()) -> Cell:
        cell = self.setdefault(key, Cell(title, unit, tuple(columns)))
        cell.items.extend(items)
        return cell

    def count(self, key: str) -> int:
        cell = self.get(key)
        return 0 if cell is None else cell.count


def decision_item(d: Decision, *details) -> Item:
    signed = d.signed_on if d.signed_on is not None else "Not signed off"
    return Item(d.eia_id, d.version, (d.version, signed, *details))


DECISION_COLUMNS = ("Version", "Signed off")


# --- reading them -----------------------------------------------------------------------------


def _span_clause(first: FinancialYear, last: FinancialYear):
    """Decisions that may fall in the years: by decision date, or, with none, signed off
    within a day of them (London's day is worked out after, in Python)."""
    when = decision_date()
    start, end = first.first_day, last.last_day
    return sa.or_(
        sa.and_(when >= start, when <= end),
        sa.and_(
            when.is_(None),
            EiaDecision.signed_off_at >= _midnight(start - timedelta(days=1)),
            EiaDecision.signed_off_at < _midnight(end + timedelta(days=2)),
        ),
    )


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def decision_scope(first: FinancialYear, last: FinancialYear) -> sa.Subquery:
    """The decisions that may fall in the years, with their EIA's current version."""
    return _scope(_span_clause(first, last))


def _scope(where) -> sa.Subquery:
    return (
        select(
            EiaDecision.eia_id,
            EiaDecision.version,
            Eia.version.label("current"),
            EiaDecision.signed_off_at,
        )
        .join(Eia, Eia.id == EiaDecision.eia_id)
        .where(counted(), where)
        .subquery("scope")
    )


def load(
    session: Session, first: FinancialYear, last: FinancialYear, today: date
) -> list[Decision]:
    """Every decision in the years ``first`` to ``last``: six queries."""
    return _load(session, _span_clause(first, last), today, lambda y: first <= y <= last)


def load_round(session: Session, decision_round: str, today: date) -> list[Decision]:
    """Every decision of the EIAs tagged with ``decision_round``, whatever its year: six
    queries."""
    return _load(session, Eia.decision_round == decision_round, today, lambda y: True)


def _load(session: Session, where, today: date, keep) -> list[Decision]:
    revised = sa.orm.aliased(ReviewRecord)
    from eia.exports.public import public_clause  # here: it imports the lifecycle, which imports it

    published = sa.exists(select(PublicCopy.id).where(public_clause()))
    rows = session.exec(
        select(
            EiaDecision.eia_id,
            EiaDecision.version,
            Eia.version,
            Eia.directorate_id,
            Directorate.name,
            Eia.status,
            EiaDecision.signed_off_at,
            decision_date(),
            EiaDecision.late,
            Eia.created_at,
            revised.reviewed_at,
            Eia.ever_screened_out,
            Eia.ever_fully_assessed,
            published,
            Eia.outcome,
            Eia.decision_round,
        )
        .select_from(EiaDecision)
        .join(Eia, Eia.id == EiaDecision.eia_id)
        .join(Directorate, Directorate.id == Eia.directorate_id)
        .outerjoin(
            revised,
            sa.and_(
                revised.eia_id == EiaDecision.eia_id,
                revised.eia_version == EiaDecision.version - 1,
                revised.decision == "revised",
            ),
        )
        .where(counted(), where)
        .order_by(Directorate.name, EiaDecision.eia_id, EiaDecision.version)
    ).all()
    decisions = {}
    for r in rows:
        d = Decision(
            eia_id=r[0],
            version=r[1],
            current_version=r[2],
            directorate_id=r[3],
            directorate=r[4],
            status=r[5],
            signed_on=day_of(r[6]),
            decision_date=r[7] if not isinstance(r[7], str) else date.fromisoformat(r[7]),
            late=bool(r[8]),
            started_on=day_of(r[10] if r[1] > 1 and r[10] is not None else r[9]),
            screened_out=bool(r[11]) and not bool(r[12]),
            fully_assessed=bool(r[12]),
            published=bool(r[13]),
            today=today,
            outcome=r[14] if r[1] == r[2] else None,
            decision_round=r[15],
        )
        if d.year is not None and keep(d.year):
            decisions[d.key] = d
    _findings(session, _scope(where), decisions)
    return list(decisions.values())


def _findings(session, scope, decisions: dict) -> None:
    """What each signed-off decision found: the live rows for an EIA's current version (three
    queries), the frozen copy for an earlier one (one query)."""
    current = sa.and_(scope.c.version == scope.c.current, scope.c.signed_off_at.is_not(None))

    def key(eia_id):
        return (eia_id, None)

    live = defaultdict(list)
    for eia_id, characteristic, direction, il, is_, rl, rs in session.exec(
        select(
            ImpactAssessment.eia_id,
            ImpactAssessment.characteristic_id,
            ImpactAssessment.direction,
            ImpactAssessment.inherent_likelihood,
            ImpactAssessment.inherent_severity,
            ImpactAssessment.residual_likelihood,
            ImpactAssessment.residual_severity,
        ).join(scope, sa.and_(scope.c.eia_id == ImpactAssessment.eia_id, current))
    ).all():
        live[key(eia_id)].append(
            Impact(frozenset([characteristic]), direction, _band(il, is_), _band(rl, rs))
        )
    combined: dict[int, list] = {}
    for impact_id, eia_id, characteristic, direction, il, is_, rl, rs in session.exec(
        select(
            IntersectionalImpact.id,
            IntersectionalImpact.eia_id,
            IntersectionalCharacteristic.characteristic_id,
            IntersectionalImpact.direction,
            IntersectionalImpact.inherent_likelihood,
            IntersectionalImpact.inherent_severity,
            IntersectionalImpact.residual_likelihood,
            IntersectionalImpact.residual_severity,
        )
        .join(
            IntersectionalCharacteristic,
            IntersectionalCharacteristic.intersectional_impact_id == IntersectionalImpact.id,
        )
        .join(scope, sa.and_(scope.c.eia_id == IntersectionalImpact.eia_id, current))
    ).all():
        entry = combined.setdefault(
            impact_id, [eia_id, set(), direction, _band(il, is_), _band(rl, rs)]
        )
        entry[1].add(characteristic)
    for eia_id, characteristics, direction, inherent, residual in combined.values():
        live[key(eia_id)].append(
            Impact(frozenset(characteristics), direction, inherent, residual, True)
        )
    changed = set(
        session.exec(
            select(EngagementRecord.eia_id)
            .join(scope, sa.and_(scope.c.eia_id == EngagementRecord.eia_id, current))
            .where(sa.func.coalesce(sa.func.trim(EngagementRecord.what_changed), "") != "")
            .distinct()
        ).all()
    )
    for d in decisions.values():
        if d.signed and d.version == d.current_version:
            d.impacts = live.get(key(d.eia_id), [])
            d.engagement_changed = d.eia_id in changed
    _frozen_findings(session, scope, decisions)


def _frozen_findings(session, scope, decisions: dict) -> None:
    names = {
        name: cid for cid, name in session.exec(select(Characteristic.id, Characteristic.name))
    }
    for eia_id, version, snapshot in session.exec(
        select(EiaVersion.eia_id, EiaVersion.version, EiaVersion.snapshot).join(
            scope,
            sa.and_(
                scope.c.eia_id == EiaVersion.eia_id,
                scope.c.version == EiaVersion.version,
                scope.c.version < scope.c.current,
                scope.c.signed_off_at.is_not(None),
            ),
        )
    ).all():
        d = decisions.get((eia_id, version))
        if d is None or not d.signed:
            continue
        snapshot = snapshot or {}
        d.outcome = snapshot.get("outcome")
        d.engagement_changed = any(
            (e.get("what_changed") or "").strip() for e in snapshot.get("engagement") or []
        )
        impacts = []
        for i in snapshot.get("impacts") or []:
            if i.get("characteristic") in names:
                impacts.append(_frozen_impact({names[i["characteristic"]]}, i, False))
        for i in snapshot.get("intersectional_impacts") or []:
            ids = {names[n] for n in i.get("characteristics") or [] if n in names}
            if ids:
                impacts.append(_frozen_impact(ids, i, True))
        d.impacts = impacts


def _frozen_impact(characteristics, i: dict, intersectional: bool) -> Impact:
    return Impact(
        frozenset(characteristics),
        i.get("direction"),
        (i.get("inherent") or {}).get("band"),
        (i.get("residual") or {}).get("band"),
        intersectional,
    )


def _band(likelihood, severity) -> str | None:
    if likelihood is None or severity is None:
        return None
    band = band_for(likelihood * severity)
    return band.key if band else None


def directorates(session: Session) -> list[tuple[int, str]]:
    return [
        tuple(r)
        for r in session.exec(
            select(Directorate.id, Directorate.name).order_by(Directorate.name)
        ).all()
    ]


def characteristics(session: Session) -> list[tuple[int, str]]:
    return [
        tuple(r)
        for r in session.exec(
            select(Characteristic.id, Characteristic.name).order_by(
                Characteristic.position, Characteristic.id
            )
        ).all()
    ]


ARCHIVED = Status.archived

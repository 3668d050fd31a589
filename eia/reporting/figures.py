"""Every figure of the Policy and Equality Unit's dashboard.

``dashboard(session, filters)`` returns a ``Dashboard`` holding them all, summed from the
dashboard's cube (``eia.reporting.cube``: cells kept on each write) in four queries.
``dashboard_from_tables`` computes the same figures from the base tables, each one SQL
aggregation (GROUP BY, COUNT, SUM of CASE, window functions) over the EIAs the filters
select: the definition the cube's cells are built with and checked against. The conditions
that define each figure are functions here; ``eia.reporting.drilldown`` lists the EIAs (or
rows) behind a figure with the very same condition, so a list always has as many entries as
its figure says.

Definitions (also on the page and in the README):

- **Completion**, counted per decision (``eia.reporting.decisions``: each version of an
  EIA feeds one decision, in the quarter of the council's financial year of its own decision
  date): *on time* (approved on or before the decision date: approval on the day counts as
  on time), *late* (approved after it), *no decision date recorded* (approved with none),
  *missed* (not signed off and the decision date has passed) and *to come* (not signed off,
  decision still ahead). The decision of the version an EIA was withdrawn in is left out.
  The completion rate is on time ÷ (on time + late + no decision date + missed).
- **Overdue reviews**: the review date has passed and the review is not yet confirmed or
  revised: approved EIAs whose review has not started, and EIAs under review (a review
  started early, before its date, is not overdue).
- **Overdue actions**: open actions (proposed, planned, in progress) past their due date, on
  EIAs that are not withdrawn or archived.
- **Share screened out**: EIAs screened out (and never fully assessed) ÷ EIAs that finished
  screening (screened out, or went into full assessment).
- **Evidence gaps**: characteristics assessed with an explained evidence gap (a gap with its
  reason), on EIAs that are not withdrawn.
- **Outcomes**: EIAs by the outcome chosen (1 to 4).
- **Negative residual impact by characteristic**: negative impacts on each characteristic in
  signed-off EIAs (approved, under review, archived), by their band after mitigation.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, select

from eia.models import (
    ActionItem,
    Characteristic,
    DashboardCell,
    Directorate,
    Eia,
    EiaDecision,
    ImpactAssessment,
    StageSpell,
    london_date,
    utcnow,
)
from eia.models.cube import ALL, NO_DAY
from eia.models.enums import OPEN_ACTION_STATUSES, Outcome
from eia.scoring import BANDS, band_case
from workflows.lifecycle import Status, states_where

from .decisions import PARTS as COMPLETION_PARTS
from .decisions import counted, decision_condition, decision_date, decision_quarter_key
from .filters import Filters, Quarter
from .quality import EIA_FLAGS, FLAGS, flag_counts, fully_assessed, review_overdue, screened_out
from .sql import count_if, financial_quarter_key
from .stages import STAGES, StageTime, median_days_by_stage

SIGNED_OFF = states_where(signed_off=True)
NO_DATE_LABEL = "No decision date recorded"
CLOSED = states_where(terminal=True)
BAND_KEYS = tuple(b.key for b in BANDS)


# --- the conditions behind the figures (shared with the drill-down) -------------------------


def overdue_review_condition(part: str, today: date) -> sa.ColumnElement[bool]:
    """An overdue review (``quality.review_overdue``, the one definition), all of them or
    those not yet started (approved) or started and not finished (under review)."""
    overdue = review_overdue(today)
    return {
        "past_date": sa.and_(overdue, Eia.status == Status.approved),
        "under_review": sa.and_(overdue, Eia.status == Status.under_review),
        "all": overdue,
    }[part]


def overdue_action_condition(today: date) -> sa.ColumnElement[bool]:
    """On ``ActionItem`` joined to its ``Eia``."""
    return sa.and_(
        ActionItem.status.in_(OPEN_ACTION_STATUSES),
        ActionItem.due_date < today,
        Eia.status.not_in(CLOSED),
    )


def eia_has_overdue_action(today: date) -> sa.ColumnElement[bool]:
    return sa.exists(
        select(ActionItem.id).where(ActionItem.eia_id == Eia.id, overdue_action_condition(today))
    )


def screening_condition(part: str) -> sa.ColumnElement[bool]:
    return {
        "screened_out": screened_out(),
        "full_assessment": fully_assessed(),
        "decided": sa.or_(screened_out(), fully_assessed()),
    }[part]


def evidence_gap_condition() -> sa.ColumnElement[bool]:
    """On ``ImpactAssessment`` joined to its ``Eia``: an explained evidence gap."""
    return sa.and_(
        ImpactAssessment.evidence_gap.is_(True),
        sa.func.coalesce(sa.func.trim(ImpactAssessment.evidence_gap_reason), "") != "",
        Eia.status != Status.withdrawn,
    )


def residual_band():
    return band_case(ImpactAssessment.residual_likelihood, ImpactAssessment.residual_severity)


def negative_impact_condition() -> sa.ColumnElement[bool]:
    """On ``ImpactAssessment`` joined to its ``Eia``: negative, scored after mitigation, in a
    signed-off EIA."""
    return sa.and_(
        ImpactAssessment.direction == "negative",
        ImpactAssessment.residual_likelihood.is_not(None),
        ImpactAssessment.residual_severity.is_not(None),
        Eia.status.in_(SIGNED_OFF),
    )


# --- what the dashboard holds -----------------------------------------------------------------


@dataclass(frozen=True)
class Completion:
    """Decisions in each part (``eia.reporting.decisions``). ``quarter`` is None for the
    row of approvals with no decision date recorded (and for the totals)."""

    on_time: int = 0
    late: int = 0
    no_date: int = 0
    missed: int = 0
    upcoming: int = 0
    due: int = 0
    directorate_id: int | None = None
    directorate: str = ""
    quarter: Quarter | None = None

    @property
    def quarter_label(self) -> str:
        return NO_DATE_LABEL if self.quarter is None else self.quarter.label

    @property
    def quarter_value(self) -> str:
        """The quarter as a drill-down link names it ("none": no decision date)."""
        return "none" if self.quarter is None else self.quarter.value

    @property
    def rate(self) -> float | None:
        """On time ÷ due (None when nothing is due yet)."""
        return self.on_time / self.due if self.due else None

    @property
    def rate_text(self) -> str:
        return "No decision due yet" if self.rate is None else f"{round(self.rate * 100)}%"


@dataclass(frozen=True)
class CharacteristicCount:
    characteristic_id: int
    name: str
    count: int


@dataclass(frozen=True)
class NegativeImpacts:
    characteristic_id: int
    name: str
    by_band: dict[str, int]
    total: int


@dataclass(frozen=True)
class Dashboard:
    filters: Filters
    today: date
    total_eias: int
    states: dict[str, int]
    completion: list[Completion]  # by directorate and quarter (no decision date: last)
    completion_by_quarter: list[Completion]
    completion_total: Completion
    reviews_past_date: int
    reviews_under_review: int
    reviews_overdue: int
    overdue_actions: int
    eias_with_overdue_actions: int
    stages: dict[str, StageTime]
    screened_out: int
    fully_assessed: int
    screening_decided: int
    evidence_gaps: list[CharacteristicCount]
    evidence_gaps_total: int
    outcomes: dict[str, int]
    negative_impacts: list[NegativeImpacts]
    flags: dict[str, int] = field(default_factory=dict)

    @property
    def share_screened_out(self) -> float | None:
        return self.screened_out / self.screening_decided if self.screening_decided else None


def dashboard(session: Session, filters: Filters, today: date | None = None) -> Dashboard:
    """Every figure for the EIAs ``filters`` selects, summed from the dashboard's cube
    (``eia.reporting.cube``): the same figures as ``dashboard_from_tables``, in a few
    queries over a few thousand cells, whatever the data."""
    today = today or london_date(utcnow())
    where = _cell_clause(filters)
    cell = DashboardCell
    past = sa.and_(cell.on_day < today, cell.on_day != NO_DAY)
    rows = session.exec(
        select(
            cell.kind,
            cell.state,
            cell.item,
            cell.characteristic_id,
            cell.days,
            past.label("past"),
            sa.func.sum(cell.n),
        )
        .where(where, cell.kind != "decision")
        .group_by(cell.kind, cell.state, cell.item, cell.characteristic_id, cell.days, past)
    ).all()
    sums: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    histograms: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for kind, state_, item, characteristic_id, days, is_past, n in rows:
        n = int(n or 0)
        if kind == "spell":
            histograms[item][days] += n
        else:
            sums[kind][(state_, item, characteristic_id, bool(is_past))] += n
    completion, by_quarter, completion_total = _completion_from_cells(session, where, today)

    def total(kind, **match):
        return sum(
            n
            for (state_, item, characteristic_id, is_past), n in sums[kind].items()
            if all(
                {"state": state_, "item": item, "past": is_past}[k] == v for k, v in match.items()
            )
        )

    reviews = {
        s: total("review", state=s, past=True) for s in (Status.approved, Status.under_review)
    }
    gaps, gaps_total, negative = _characteristics_from_cells(session, sums)
    screened, assessed = (total("screening", item=i) for i in ("screened_out", "fully_assessed"))
    states = defaultdict(int)
    for (state_, _, _, _), n in sums["eia"].items():
        states[state_] += n
    eia_flags = {f.key: total("flag", item=f.key) for f in EIA_FLAGS}
    eia_flags["review_overdue"] = sum(reviews.values())
    return Dashboard(
        filters=filters,
        today=today,
        total_eias=sum(states.values()),
        states={k: v for k, v in states.items() if v},
        completion=completion,
        completion_by_quarter=by_quarter,
        completion_total=completion_total,
        reviews_past_date=reviews[Status.approved],
        reviews_under_review=reviews[Status.under_review],
        reviews_overdue=sum(reviews.values()),
        overdue_actions=total("action", past=True),
        eias_with_overdue_actions=total("action_eia", past=True),
        stages=_stages_from_histograms(session, filters, histograms),
        screened_out=screened,
        fully_assessed=assessed,
        screening_decided=screened + assessed,
        evidence_gaps=gaps,
        evidence_gaps_total=gaps_total,
        outcomes={o.value: total("eia", item=o.value) for o in Outcome},
        negative_impacts=negative,
        flags={
            f.key: (
                getattr(completion_total, f.decision_part) if f.decision_part else eia_flags[f.key]
            )
            for f in FLAGS
        },
    )


def _cell_clause(filters: Filters) -> sa.ColumnElement[bool]:
    """``Filters.clause`` on the cube's cells (a decision's cells are dated by its own
    date, every other cell by its EIA's): no filter, the cells summed over every service;
    any filter, each service's cells."""
    cell = DashboardCell
    if not filters.active:
        return cell.service_id == ALL
    parts = [cell.service_id != ALL]
    if filters.directorate_id is not None:
        parts.append(cell.directorate_id == filters.directorate_id)
    if filters.service_id is not None:
        parts.append(cell.service_id == filters.service_id)
    start, end = filters.period
    if start is not None:
        parts.append(cell.decided_on >= start)
    if end is not None:
        parts.append(sa.and_(cell.decided_on <= end, cell.decided_on != NO_DAY))
    if filters.proposal_type is not None:
        parts.append(cell.proposal_type == filters.proposal_type)
    return sa.and_(*parts) if parts else sa.true()


def _completion_from_cells(session, where, today):
    """Completion by directorate and quarter, by quarter, and in all, from the decision
    cells: one query (the parts a date decides, missed or to come, by that date)."""
    cell = DashboardCell
    dated = cell.decided_on != NO_DAY
    quarter = sa.case((dated, financial_quarter_key(cell.decided_on)), else_=None)
    past = sa.and_(dated, cell.decided_on < today)
    rows = session.exec(
        select(
            Directorate.id,
            Directorate.name,
            quarter.label("quarter"),
            cell.item,
            past.label("past"),
            sa.func.sum(cell.n),
        )
        .join(Directorate, Directorate.id == cell.directorate_id)
        .where(where, cell.kind == "decision")
        .group_by(Directorate.id, Directorate.name, quarter, cell.item, past)
    ).all()
    groups: dict[tuple, dict[str, int]] = {}
    for directorate_id, name, key, item, is_past, n in rows:
        n = int(n or 0)
        part = item if item != "open" else ("missed" if is_past else "upcoming")
        for group in ((directorate_id, name, key), (None, "", key), (None, "", "all")):
            parts = groups.setdefault(group, dict.fromkeys(COMPLETION_PARTS, 0))
            parts[part] += n
            if part != "upcoming":
                parts["due"] += n

    def made(group, parts):
        directorate_id, name, key = group
        return Completion(
            **parts,
            directorate_id=directorate_id,
            directorate=name,
            quarter=Quarter.from_key(int(key)) if key not in (None, "all") else None,
        )

    def order(c):
        return (c.directorate, c.quarter is None, c.quarter or Quarter(0, 0))

    counted_groups = {g: p for g, p in groups.items() if any(p.values())}
    total = counted_groups.pop((None, "", "all"), dict.fromkeys(COMPLETION_PARTS, 0))
    by_directorate = [made(g, p) for g, p in counted_groups.items() if g[0] is not None]
    by_quarter = [made(g, p) for g, p in counted_groups.items() if g[0] is None]
    return (
        sorted(by_directorate, key=order),
        sorted(by_quarter, key=order),
        made((None, "", None), total),
    )


def _characteristics_from_cells(session, sums):
    """Evidence gaps and negative residual impacts per characteristic, ordered as
    ``_by_characteristic`` orders them."""
    gaps, negative = defaultdict(int), defaultdict(lambda: dict.fromkeys(BAND_KEYS, 0))
    for (_, _, characteristic_id, _), n in sums["gap"].items():
        gaps[characteristic_id] += n
    for (_, band, characteristic_id, _), n in sums["negative"].items():
        negative[characteristic_id][band] += n
    names = {
        r.id: (r.name, r.position)
        for r in session.exec(
            select(Characteristic.id, Characteristic.name, Characteristic.position)
        ).all()
    }
    found_gaps = sorted(
        ((i, n) for i, n in gaps.items() if n and i in names), key=lambda x: (-x[1], names[x[0]][1])
    )
    worst = sorted(
        ((i, b) for i, b in negative.items() if sum(b.values()) and i in names),
        key=lambda x: (*[-x[1][b.key] for b in reversed(BANDS)], names[x[0]][1]),
    )
    return (
        [CharacteristicCount(i, names[i][0], n) for i, n in found_gaps],
        sum(n for i, n in gaps.items() if i in names),
        [NegativeImpacts(i, names[i][0], dict(b), sum(b.values())) for i, b in worst],
    )


def _stages_from_histograms(session, filters: Filters, histograms) -> dict[str, StageTime]:
    """Each stage's median days and finished spells: the histogram (spells by whole days)
    says which day the middle spell (or two) is in; the exact days are then read from that
    day's spells alone."""
    where = filters.clause()
    counts, wanted = {}, []  # wanted: (stage, bucket, offset) of each middle spell
    for stage in STAGES:
        histogram = histograms.get(stage, {})
        n = counts[stage] = sum(histogram.values())
        ranks = sorted({(n + 1) // 2, (n + 2) // 2}) if n else []  # the middle one, or two
        seen = 0
        for bucket in sorted(histogram):
            count = histogram[bucket]
            wanted += [(stage, bucket, r - seen - 1) for r in ranks if seen < r <= seen + count]
            seen += count
    found = defaultdict(list)
    if wanted:
        parts = [
            _spell_days(i, stage, where, bucket, offset)
            for i, (stage, bucket, offset) in enumerate(wanted)
        ]
        for i, days in session.exec(sa.union_all(*parts)).all():
            found[wanted[i][0]].append(float(days))
    return {
        stage: StageTime(
            stage, sum(found[stage]) / len(found[stage]) if found[stage] else None, counts[stage]
        )
        for stage in STAGES
    }


def _spell_days(i: int, stage: str, where, bucket: int, offset: int) -> sa.Select:
    """(``i``, the days of the finished spell at ``offset`` (0: the shortest) among the
    spells in ``stage`` of ``bucket`` whole days, of the EIAs ``where`` selects)."""
    query = select(StageSpell.days).where(
        StageSpell.stage == stage,
        StageSpell.left_at.is_not(None),
        StageSpell.days >= bucket,
        StageSpell.days < bucket + 1,
    )
    if not isinstance(where, sa.sql.expression.True_):
        query = query.join(Eia, Eia.id == StageSpell.eia_id).where(where)
    one = query.order_by(StageSpell.days).offset(offset).limit(1).subquery(f"middle_{i}")
    return select(sa.literal(i).label("i"), one.c.days)


def dashboard_from_tables(
    session: Session, filters: Filters, today: date | None = None
) -> Dashboard:
    """Every figure for the EIAs ``filters`` selects, computed from the base tables: nine
    queries, whatever the data (the definition the cube is checked against)."""
    today = today or london_date(utcnow())
    where = filters.clause()
    totals = _totals(session, where, today)
    by_quarter = _completion(session, filters, today, by_directorate=False, by_quarter=True)
    completion_total = _completion(session, filters, today, by_directorate=False, by_quarter=False)[
        0
    ]
    gaps, gaps_total, negative = _by_characteristic(session, where)
    eia_flags = flag_counts(session, where, today)
    return Dashboard(
        filters=filters,
        today=today,
        total_eias=totals["total"],
        states=_states(session, where),
        completion=_completion(session, filters, today, by_directorate=True, by_quarter=True),
        completion_by_quarter=by_quarter,
        completion_total=completion_total,
        reviews_past_date=totals["reviews_past_date"],
        reviews_under_review=totals["reviews_under_review"],
        reviews_overdue=totals["reviews_overdue"],
        overdue_actions=_overdue_actions(session, where, today),
        eias_with_overdue_actions=totals["eias_with_overdue_actions"],
        stages=median_days_by_stage(session, where),
        screened_out=totals["screened_out"],
        fully_assessed=totals["fully_assessed"],
        screening_decided=totals["screening_decided"],
        evidence_gaps=gaps,
        evidence_gaps_total=gaps_total,
        outcomes={o.value: totals[f"outcome_{o.value}"] for o in Outcome},
        negative_impacts=negative,
        # The flags about decisions are the completion figures' parts: one count, per decision.
        flags={
            f.key: (
                getattr(completion_total, f.decision_part) if f.decision_part else eia_flags[f.key]
            )
            for f in FLAGS
        },
    )


def _totals(session, where, today) -> dict[str, int]:
    """The EIA-level counts that need no grouping, in one query."""
    columns = {
        "total": sa.func.count(Eia.id),
        "reviews_past_date": count_if(overdue_review_condition("past_date", today)),
        "reviews_under_review": count_if(overdue_review_condition("under_review", today)),
        "reviews_overdue": count_if(overdue_review_condition("all", today)),
        "eias_with_overdue_actions": count_if(eia_has_overdue_action(today)),
        "screened_out": count_if(screening_condition("screened_out")),
        "fully_assessed": count_if(screening_condition("full_assessment")),
        "screening_decided": count_if(screening_condition("decided")),
        **{f"outcome_{o.value}": count_if(Eia.outcome == o.value) for o in Outcome},
    }
    row = session.exec(
        select(*[c.label(k) for k, c in columns.items()]).select_from(Eia).where(where)
    ).one()
    return {k: int(v or 0) for k, v in row._mapping.items()}


def _states(session, where) -> dict[str, int]:
    return dict(
        session.exec(
            select(Eia.status, sa.func.count(Eia.id)).where(where).group_by(Eia.status)
        ).all()
    )


def _completion(
    session, filters: Filters, today, *, by_directorate: bool, by_quarter: bool
) -> list[Completion]:
    """Completion counts (decisions: ``eia.reporting.decisions``), grouped by directorate
    and/or the quarter of each decision's own date (or not at all). Approvals with no
    decision date are a row of their own, after the quarters."""
    parts = [count_if(decision_condition(p, today)).label(p) for p in COMPLETION_PARTS]
    groups = []
    if by_directorate:
        groups += [Directorate.id.label("directorate_id"), Directorate.name.label("directorate")]
    if by_quarter:
        groups.append(decision_quarter_key().label("quarter"))
    query = (
        select(*groups, *parts)
        .select_from(EiaDecision)
        .join(Eia, Eia.id == EiaDecision.eia_id)
        .join(Directorate, Directorate.id == Eia.directorate_id)
        .where(filters.clause(decision_date=decision_date()), counted())
    )
    if groups:
        query = query.group_by(*groups)
    out = []
    for row in session.exec(query).all():
        m = row._mapping
        key = m["quarter"] if by_quarter else None
        out.append(
            Completion(
                **{p: int(m[p] or 0) for p in COMPLETION_PARTS},
                directorate_id=m["directorate_id"] if by_directorate else None,
                directorate=m["directorate"] if by_directorate else "",
                quarter=Quarter.from_key(int(key)) if key is not None else None,
            )
        )
    # By directorate, then quarter, the row with no decision date after the quarters.
    out.sort(key=lambda c: (c.directorate, c.quarter is None, c.quarter or Quarter(0, 0)))
    return out or ([] if groups else [Completion()])


def _overdue_actions(session, where, today) -> int:
    return session.exec(
        select(sa.func.count(ActionItem.id))
        .join(Eia, Eia.id == ActionItem.eia_id)
        .where(where, overdue_action_condition(today))
    ).one()


def _by_characteristic(
    session, where
) -> tuple[list[CharacteristicCount], int, list[NegativeImpacts]]:
    """Evidence gaps and negative residual impacts per characteristic: one pass over the
    impacts (the largest table after the audit trail), each characteristic one row.
    Characteristics with none of either are left out; each list is sorted most first."""
    gap, negative, band = evidence_gap_condition(), negative_impact_condition(), residual_band()
    bands = {b.key: count_if(sa.and_(negative, band == b.key)).label(b.key) for b in BANDS}
    rows = session.exec(
        select(
            Characteristic.id,
            Characteristic.name,
            Characteristic.position,
            count_if(gap).label("gaps"),
            count_if(negative).label("negative"),
            *bands.values(),
        )
        .join(ImpactAssessment, ImpactAssessment.characteristic_id == Characteristic.id)
        .join(Eia, Eia.id == ImpactAssessment.eia_id)
        .where(where, sa.or_(gap, negative))
        .group_by(Characteristic.id, Characteristic.name, Characteristic.position)
    ).all()
    gaps = sorted((r for r in rows if r.gaps), key=lambda r: (-r.gaps, r.position))
    worst = sorted(
        (r for r in rows if r.negative),
        key=lambda r: (*[-r._mapping[b.key] for b in reversed(BANDS)], r.position),
    )
    return (
        [CharacteristicCount(r.id, r.name, int(r.gaps)) for r in gaps],
        sum(int(r.gaps) for r in rows),
        [
            NegativeImpacts(
                r.id, r.name, {b.key: int(r._mapping[b.key]) for b in BANDS}, int(r.negative)
            )
            for r in worst
        ],
    )

"""Quality flags: what the Policy and Equality Unit looks for in an EIA's record.

Each flag is defined once, as a SQL boolean expression over ``Eia`` (correlated subqueries
where it looks at the EIA's rows). The dashboard counts EIAs where it holds (``flag_counts``),
its drill-down lists them (``WHERE`` the same expression), and the EIA page shows one EIA's
flags (``flags_for``: one query).

Two flags are about the decisions an EIA fed, one per version (``eia.reporting.decisions``):
"signed off after the decision date" and "no decision date recorded" are the completion
figures' *late* and *no decision date recorded*. The dashboard counts them per decision, as
the completion table does (a revised EIA once per version), so the two always agree; their
lists are the decisions; an EIA's page shows the flag when one of its decisions raises it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, select

from eia.models import (
    ActionItem,
    Eia,
    EngagementRecord,
    ImpactAssessment,
    IntersectionalImpact,
    london_date,
    utcnow,
)
from eia.models.enums import ActionStatus, Outcome
from workflows.lifecycle import Status, states_where

from .decisions import eia_has_decision
from .sql import count_if

# Sent for sign-off or signed off: the record is meant to be complete.
SUBMITTED = states_where(submitted=True)


def fully_assessed() -> sa.ColumnElement[bool]:
    """The EIA went into full assessment at some point (its audit trail says so; the column
    is kept by ``eia.reporting.summaries``)."""
    return Eia.ever_fully_assessed.is_(True)


def screened_out() -> sa.ColumnElement[bool]:
    """Screened out (no full assessment needed) and never fully assessed since."""
    return sa.and_(Eia.ever_screened_out.is_(True), ~fully_assessed())


def _no_engagement(today: date):
    return sa.and_(
        Eia.status.in_(SUBMITTED),
        fully_assessed(),
        ~sa.exists(select(EngagementRecord.id).where(EngagementRecord.eia_id == Eia.id)),
    )


def _gaps_without_actions_set() -> sa.Select:
    """The EIAs with an impact (or intersectional impact) that has an evidence gap and no
    live action linked to it, as one set of ``eia_id`` (each once). Counted by joining this
    set once, not by searching each EIA's impacts (0.6 s to 0.3 s at 100,000 EIAs)."""

    def part(model, link):
        return select(model.eia_id.label("eia_id")).where(
            model.evidence_gap.is_(True),
            ~sa.exists(
                select(ActionItem.id).where(
                    link == model.id, ActionItem.status != ActionStatus.cancelled
                )
            ),
        )

    return sa.union(
        part(ImpactAssessment, ActionItem.impact_id),
        part(IntersectionalImpact, ActionItem.intersectional_impact_id),
    )


def _not_withdrawn(today: date):
    return Eia.status != Status.withdrawn


def _blank(column):
    return sa.func.coalesce(sa.func.trim(column), "") == ""


def _outcome_3_unjustified(today: date):
    return sa.and_(
        Eia.status != Status.withdrawn,
        Eia.outcome == Outcome.continue_despite_adverse.value,
        sa.or_(
            _blank(Eia.justification_legitimate_aim),
            _blank(Eia.justification_less_harmful),
            _blank(Eia.justification_proportionate),
        ),
    )


# A review is pending in these states: not yet started (approved), or started and not yet
# confirmed or revised (under review).
REVIEW_PENDING = states_where(in_force=True)


def review_overdue(today: date):
    """The review date has passed (it is before today) and the review is not yet confirmed
    or revised, whether or not it has been started. A review started early, before its
    date, is good practice: not overdue."""
    return sa.and_(Eia.status.in_(REVIEW_PENDING), Eia.review_date < today)


@dataclass(frozen=True)
class Flag:
    key: str
    label: str
    meaning: str
    # What the EIA's own row must show (it may search the EIA's rows, one EIA at a time).
    condition: Callable[[date], sa.ColumnElement[bool]]
    # And, for a flag about many rows of many EIAs, the set of EIAs (``eia_id``) it is in.
    eia_set: Callable[[], sa.Select] | None = None
    # For a flag about the decisions an EIA fed: the completion part it is (counted per
    # decision by the dashboard, from ``eia.reporting.decisions``).
    decision_part: str | None = None

    def expression(self, today: date) -> sa.ColumnElement[bool]:
        """The whole flag as one condition on ``Eia`` (for a WHERE clause)."""
        if self.eia_set is None:
            return self.condition(today)
        return sa.and_(self.condition(today), Eia.id.in_(self.eia_set()))


def _decision_flag(part: str) -> Callable[[date], sa.ColumnElement[bool]]:
    return lambda today: eia_has_decision(part, today)


FLAGS = (
    Flag(
        "late_sign_off",
        "Signed off after the decision date",
        "A version was approved after the date of the decision it feeds (the approval was "
        "flagged as late): due regard must be had before the decision, not after it. "
        "Counted per decision, as in the completion table.",
        _decision_flag("late"),
        decision_part="late",
    ),
    Flag(
        "no_decision_date",
        "Signed off with no decision date recorded",
        "A version was approved with no decision date, so nobody can tell whether it was "
        "signed off before the decision. Counted per decision, as in the completion table.",
        _decision_flag("no_date"),
        decision_part="no_date",
    ),
    Flag(
        "no_engagement",
        "No engagement recorded",
        "It went through a full assessment and was sent for sign-off, but records nobody "
        "asked: no engagement or consultation.",
        _no_engagement,
    ),
    Flag(
        "gaps_without_actions",
        "Evidence gap not turned into an action",
        "A characteristic (or intersectional group) has an evidence gap with no action in the "
        "action plan linked to it that is still live (not cancelled).",
        _not_withdrawn,
        _gaps_without_actions_set,
    ),
    Flag(
        "outcome_3_unjustified",
        "Outcome 3 without its justification",
        "Outcome 3 (continue despite adverse impact) is chosen but the legitimate aim, the "
        "absence of a less harmful way or the proportionality is not written.",
        _outcome_3_unjustified,
    ),
    Flag(
        "review_overdue",
        "Review overdue",
        "Its review date has passed and the review is not yet confirmed or revised, "
        "started or not (the continuing duty). A review started early is not overdue.",
        review_overdue,
    ),
)
FLAGS_BY_KEY = {f.key: f for f in FLAGS}


def flag_expressions(today: date) -> dict[str, sa.ColumnElement[bool]]:
    return {f.key: f.expression(today) for f in FLAGS}


EIA_FLAGS = tuple(f for f in FLAGS if f.decision_part is None)


def flag_counts(session: Session, where, today: date) -> dict[str, int]:
    """How many EIAs (among those ``where`` selects) raise each flag about the EIA itself
    (``EIA_FLAGS``; the flags about decisions are counted with the completion figures): one
    query. A flag with a set of EIAs is counted through an outer join to that set (each EIA
    in it once)."""
    source, counts = Eia.__table__, []
    for f in EIA_FLAGS:
        condition = f.condition(today)
        if f.eia_set is not None:
            found = f.eia_set().subquery(f.key)
            source = source.outerjoin(found, found.c.eia_id == Eia.id)
            condition = sa.and_(condition, found.c.eia_id.is_not(None))
        counts.append(count_if(condition).label(f.key))
    row = session.exec(select(*counts).select_from(source).where(where)).one()
    return dict(row._mapping)


def flags_for(session: Session, eia_id: int, today: date | None = None) -> list[Flag]:
    """The flags one EIA raises, in the order of ``FLAGS``: one query."""
    today = today or london_date(utcnow())
    row = session.exec(
        select(
            *[
                sa.case((expr, 1), else_=0).label(key)
                for key, expr in flag_expressions(today).items()
            ]
        )
        .select_from(Eia)
        .where(Eia.id == eia_id)
    ).one_or_none()
    if row is None:
        return []
    raised = row._mapping
    return [f for f in FLAGS if raised[f.key]]

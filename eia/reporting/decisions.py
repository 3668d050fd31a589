"""Completion, counted per decision: the one definition the dashboard's completion figures,
their lists, the "signed off after the decision date" and "no decision date recorded"
quality flags and the benchmark's baseline all follow.

Each version of an EIA feeds one decision (``eia_decision``, kept by
``eia.reporting.summaries``): a revised EIA has fed one decision per version, each in the
quarter of its own decision date and signed off (or not) by its own approval. A version's
decision date is the one it was signed off against (frozen with it); until it is signed off,
the EIA's own decision date. The decision of the version an EIA was withdrawn in is left out
(the proposal was dropped); its earlier versions' decisions still count.

- **on time**: approved on or before the decision date (approval on the day of the decision
  is on time: the approval was not flagged late);
- **late**: approved after the decision date (the approval was flagged late);
- **no decision date recorded**: approved with no decision date, so it cannot be shown to
  be on time;
- **missed**: not signed off, and the decision date has passed;
- **to come** (``upcoming``): not signed off, the decision date still ahead (or today);
- **due**: on time + late + no decision date + missed. The completion rate is on time ÷ due.

A version neither signed off nor given a decision date is not (yet) a decision.
"""

from datetime import date

import sqlalchemy as sa
from sqlmodel import select

from eia.models import Eia, EiaDecision
from workflows.lifecycle import Status

from .sql import financial_quarter_key

PARTS = ("on_time", "late", "no_date", "missed", "upcoming", "due")


def decision_date() -> sa.ColumnElement[date]:
    """The decision's own date (on ``EiaDecision`` joined to its ``Eia``)."""
    return sa.case((signed(), EiaDecision.decision_date), else_=Eia.decision_date)


def decision_quarter_key() -> sa.ColumnElement[int]:
    return financial_quarter_key(decision_date())


def signed() -> sa.ColumnElement[bool]:
    return EiaDecision.signed_off_at.is_not(None)


def counted() -> sa.ColumnElement[bool]:
    """A decision the completion figures count: signed off or dated, and not the decision of
    the version the EIA was withdrawn in."""
    return sa.and_(
        sa.or_(signed(), Eia.decision_date.is_not(None)),
        sa.not_(sa.and_(Eia.status == Status.withdrawn, EiaDecision.version == Eia.version)),
    )


def decision_condition(part: str, today: date) -> sa.ColumnElement[bool]:
    """Which decisions are ``part`` of the completion figures (on ``EiaDecision`` joined to
    its ``Eia``)."""
    when, is_signed = decision_date(), signed()
    late = EiaDecision.late.is_(True)
    passed = when < today
    return sa.and_(
        counted(),
        {
            "on_time": sa.and_(is_signed, when.is_not(None), ~late),
            "late": sa.and_(is_signed, when.is_not(None), late),
            "no_date": sa.and_(is_signed, when.is_(None)),
            "missed": sa.and_(~is_signed, passed),
            "upcoming": sa.and_(~is_signed, when >= today),
            "due": sa.or_(is_signed, passed),
        }[part],
    )


def eia_has_decision(part: str, today: date) -> sa.ColumnElement[bool]:
    """On ``Eia``: one of its decisions is ``part`` (for a quality flag on one EIA)."""
    return sa.exists(
        select(EiaDecision.id).where(EiaDecision.eia_id == Eia.id, decision_condition(part, today))
    )

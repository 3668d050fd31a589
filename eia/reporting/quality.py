"""Quality flags: what the Policy and Equality Unit looks for in an EIA's record.

Each flag is defined once, as a SQL boolean expression over ``Eia`` (correlated subqueries
where it looks at the EIA's rows). The dashboard counts EIAs where it holds (``flag_counts``),
its drill-down lists them (``WHERE`` the same expression), and the EIA page shows one EIA's
flags (``flags_for``: one query).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, select

from eia.models import (
    ActionItem,
    AuditRecord,
    Eia,
    EngagementRecord,
    ImpactAssessment,
    IntersectionalImpact,
    SignOff,
    london_date,
    utcnow,
)
from eia.models.enums import ActionStatus, Outcome, SignOffDecision

from .sql import count_if

# Sent for sign-off or signed off: the record is meant to be complete.
SUBMITTED = ("awaiting_sign_off", "approved", "under_review", "archived")


def fully_assessed() -> sa.ColumnElement[bool]:
    """The EIA went into full assessment at some point (its audit trail says so)."""
    return sa.exists(select(AuditRecord.seq).where(
        AuditRecord.eia_id == Eia.id, AuditRecord.action == "transition",
        AuditRecord.to_state == "full_assessment"))


def screened_out() -> sa.ColumnElement[bool]:
    """Screened out (no full assessment needed) and never fully assessed since."""
    return sa.and_(sa.exists(select(AuditRecord.seq).where(
        AuditRecord.eia_id == Eia.id, AuditRecord.action == "transition",
        AuditRecord.event == "screen_out")), ~fully_assessed())


def _late_sign_off(today: date):
    return sa.exists(select(SignOff.id).where(
        SignOff.eia_id == Eia.id, SignOff.decision == SignOffDecision.approved,
        SignOff.late.is_(True)))


def _no_engagement(today: date):
    return sa.and_(Eia.status.in_(SUBMITTED), fully_assessed(),
                   ~sa.exists(select(EngagementRecord.id).where(
                       EngagementRecord.eia_id == Eia.id)))


def _gap_without_action(model, link):
    """A row of ``model`` (an impact) with an evidence gap and no live action linked to it."""
    return sa.exists(select(model.id).where(
        model.eia_id == Eia.id, model.evidence_gap.is_(True),
        ~sa.exists(select(ActionItem.id).where(
            link == model.id, ActionItem.status != ActionStatus.cancelled))))


def _gaps_without_actions(today: date):
    return sa.and_(Eia.status != "withdrawn", sa.or_(
        _gap_without_action(ImpactAssessment, ActionItem.impact_id),
        _gap_without_action(IntersectionalImpact, ActionItem.intersectional_impact_id)))


def _blank(column):
    return sa.func.coalesce(sa.func.trim(column), "") == ""


def _outcome_3_unjustified(today: date):
    return sa.and_(Eia.status != "withdrawn",
                   Eia.outcome == Outcome.continue_despite_adverse.value,
                   sa.or_(_blank(Eia.justification_legitimate_aim),
                          _blank(Eia.justification_less_harmful),
                          _blank(Eia.justification_proportionate)))


def review_overdue(today: date):
    """Approved and past its review date, or under review (the review is not finished)."""
    return sa.or_(sa.and_(Eia.status == "approved", Eia.review_date < today),
                  Eia.status == "under_review")


@dataclass(frozen=True)
class Flag:
    key: str
    label: str
    meaning: str
    expression: Callable[[date], sa.ColumnElement[bool]]


FLAGS = (
    Flag("late_sign_off", "Signed off after the decision date",
         "It was approved after the date of the decision it feeds (the approval was flagged "
         "as late): due regard must be had before the decision, not after it.",
         _late_sign_off),
    Flag("no_engagement", "No engagement recorded",
         "It went through a full assessment and was sent for sign-off, but records nobody "
         "asked: no engagement or consultation.", _no_engagement),
    Flag("gaps_without_actions", "Evidence gap not turned into an action",
         "A characteristic (or intersectional group) has an evidence gap with no action in the "
         "action plan linked to it that is still live (not cancelled).", _gaps_without_actions),
    Flag("outcome_3_unjustified", "Outcome 3 without its justification",
         "Outcome 3 (continue despite adverse impact) is chosen but the legitimate aim, the "
         "absence of a less harmful way or the proportionality is not written.",
         _outcome_3_unjustified),
    Flag("review_overdue", "Review overdue",
         "Approved and past its review date, or under review and not yet confirmed or "
         "revised (the continuing duty).", review_overdue),
)
FLAGS_BY_KEY = {f.key: f for f in FLAGS}


def flag_expressions(today: date) -> dict[str, sa.ColumnElement[bool]]:
    return {f.key: f.expression(today) for f in FLAGS}


def flag_counts(session: Session, where, today: date) -> dict[str, int]:
    """How many EIAs (among those ``where`` selects) raise each flag: one query."""
    row = session.exec(select(*[count_if(expr).label(key)
                                for key, expr in flag_expressions(today).items()])
                       .select_from(Eia).where(where)).one()
    return dict(row._mapping)


def flags_for(session: Session, eia_id: int, today: date | None = None) -> list[Flag]:
    """The flags one EIA raises, in the order of ``FLAGS``: one query."""
    today = today or london_date(utcnow())
    row = session.exec(select(*[sa.case((expr, 1), else_=0).label(key)
                                for key, expr in flag_expressions(today).items()])
                       .select_from(Eia).where(Eia.id == eia_id)).one_or_none()
    if row is None:
        return []
    raised = row._mapping
    return [f for f in FLAGS if raised[f.key]]

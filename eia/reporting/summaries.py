"""What the dashboard needs to know about each EIA's history, kept up to date on each step.

The audit trail is the record; these are summaries of it that the dashboard can read
without searching millions of audit records (100,000 EIAs: the median days in each stage
took 6 s from the audit trail, well under one from ``stage_spell``; see benchmarks/):

- ``stage_spell``: one row per spell in a stage (entered, left, days), and
- four columns on ``eia``: ``ever_fully_assessed``, ``ever_screened_out`` (a ``screen_out``
  transition happened), ``signed_off_on_time`` and ``signed_off_late`` (an approval not
  flagged late, or flagged late).

``record_created`` and ``record_transition`` are called by ``eia.operations`` with the audit
record of the step, in the same transaction, so the summaries and the trail commit together
or not at all. ``rebuild`` works them all out again from the audit trail and the sign-offs
(``eia db rebuild-summaries``, and the benchmark generator, which writes the trail by COPY);
a test checks that rebuilding changes nothing.
"""

import sqlalchemy as sa
from sqlmodel import Session, select

from eia.models import AuditRecord, Eia, SignOff, StageSpell, as_utc
from eia.models.enums import SignOffDecision

from .sql import days_between

SUMMARY_COLUMNS = ("ever_fully_assessed", "ever_screened_out", "signed_off_on_time",
                   "signed_off_late")


def record_created(session: Session, eia: Eia, record: AuditRecord) -> None:
    """The EIA's first spell: in draft from its creation."""
    session.add(StageSpell(eia_id=eia.id, stage=record.to_state, entered_seq=record.seq,
                           entered_at=record.occurred_at))


def record_transition(session: Session, eia: Eia, event: str, record: AuditRecord,
                      *, late: bool = False) -> None:
    """Close the spell the EIA was in, open one in its new state, and note what this step
    says about its history (``late``: an approval flagged late)."""
    left = as_utc(record.occurred_at)
    for spell in session.exec(select(StageSpell).where(StageSpell.eia_id == eia.id,
                                                       StageSpell.left_at.is_(None))):
        spell.left_at = left
        spell.days = (left - as_utc(spell.entered_at)).total_seconds() / 86400
        session.add(spell)
    session.add(StageSpell(eia_id=eia.id, stage=record.to_state, entered_seq=record.seq,
                           entered_at=record.occurred_at))
    if record.to_state == "full_assessment":
        eia.ever_fully_assessed = True
    if event == "screen_out":
        eia.ever_screened_out = True
    if event == "approve":
        if late:
            eia.signed_off_late = True
        else:
            eia.signed_off_on_time = True
    session.add(eia)


# --- worked out again from the record --------------------------------------------------------

def spells_from_audit() -> sa.Select:
    """Every spell, from the audit trail: eia_id, stage, entered_seq, entered_at, left_at,
    days (None while it runs)."""
    entries = (
        select(AuditRecord.eia_id.label("eia_id"), AuditRecord.to_state.label("stage"),
               AuditRecord.seq.label("entered_seq"), AuditRecord.occurred_at.label("entered_at"),
               sa.func.lead(AuditRecord.occurred_at).over(
                   partition_by=AuditRecord.eia_id, order_by=AuditRecord.seq).label("left_at"))
        .where(AuditRecord.eia_id.is_not(None), AuditRecord.to_state.is_not(None),
               sa.or_(AuditRecord.action == "transition", AuditRecord.event == "created"))
        .subquery("entries")
    )
    return select(entries.c.eia_id, entries.c.stage, entries.c.entered_seq,
                  entries.c.entered_at, entries.c.left_at,
                  days_between(entries.c.entered_at, entries.c.left_at).label("days"))


def _transitioned(**where) -> sa.ColumnElement[bool]:
    return sa.exists(select(AuditRecord.seq).where(
        AuditRecord.eia_id == Eia.id, AuditRecord.action == "transition",
        *[getattr(AuditRecord, k) == v for k, v in where.items()]))


def _approved(late: bool) -> sa.ColumnElement[bool]:
    return sa.exists(select(SignOff.id).where(
        SignOff.eia_id == Eia.id, SignOff.decision == SignOffDecision.approved,
        SignOff.late.is_(late)))


def summary_expressions() -> dict[str, sa.ColumnElement[bool]]:
    """Each summary column of ``eia`` as worked out from the audit trail and sign-offs."""
    return {"ever_fully_assessed": _transitioned(to_state="full_assessment"),
            "ever_screened_out": _transitioned(event="screen_out"),
            "signed_off_on_time": _approved(False),
            "signed_off_late": _approved(True)}


def rebuild(connection: sa.Connection) -> None:
    """Replace every summary with what the audit trail and the sign-offs say."""
    spell = StageSpell.__table__
    connection.execute(spell.delete())
    columns = ["eia_id", "stage", "entered_seq", "entered_at", "left_at", "days"]
    connection.execute(spell.insert().from_select(columns, spells_from_audit()))
    connection.execute(sa.update(Eia).values(**summary_expressions()))

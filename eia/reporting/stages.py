"""Time spent in each stage of the lifecycle, read from the audit trail.

A **spell** in a stage starts with the audit record that put the EIA into that state (its
creation, for draft, or a transition) and ends with the next such record for the same EIA.
Spells still running (the EIA's current state) are left out: only finished spells count.
An EIA that came back to a stage (returned, revised) has one spell per visit.

The median is worked out in SQL with window functions (``LEAD`` for the end of each spell,
``ROW_NUMBER`` and ``COUNT`` over each stage for the middle one or two), so it reads the
same on SQLite and PostgreSQL and does not loop over rows in Python.
"""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, select

from eia.models import AuditRecord, Eia

from .sql import days_between

# The stages an EIA leaves (withdrawn and archived are final).
STAGES = ("draft", "screening", "full_assessment", "awaiting_sign_off", "approved",
          "under_review")


def spells(where) -> sa.Subquery:
    """One row per finished spell: eia_id, stage, entered, left, days."""
    entries = (
        select(AuditRecord.eia_id.label("eia_id"), AuditRecord.to_state.label("stage"),
               AuditRecord.occurred_at.label("entered"),
               sa.func.lead(AuditRecord.occurred_at).over(
                   partition_by=AuditRecord.eia_id, order_by=AuditRecord.seq).label("left"))
        .join(Eia, Eia.id == AuditRecord.eia_id)
        .where(where, AuditRecord.to_state.is_not(None),
               sa.or_(AuditRecord.action == "transition", AuditRecord.event == "created"))
        .subquery("entries")
    )
    return (
        select(entries.c.eia_id, entries.c.stage, entries.c.entered, entries.c.left,
               days_between(entries.c.entered, entries.c.left).label("days"))
        .where(entries.c.left.is_not(None))
        .subquery("spells")
    )


@dataclass(frozen=True)
class StageTime:
    stage: str
    median_days: float | None
    spells: int


def median_days_by_stage(session: Session, where) -> dict[str, StageTime]:
    """stage -> its median days and number of finished spells: one query."""
    s = spells(where)
    ranked = select(
        s.c.stage, s.c.days,
        sa.func.row_number().over(partition_by=s.c.stage, order_by=s.c.days).label("rn"),
        sa.func.count().over(partition_by=s.c.stage).label("n"),
    ).subquery("ranked")
    rows = session.exec(
        select(ranked.c.stage, sa.func.avg(ranked.c.days), sa.func.max(ranked.c.n))
        .where(ranked.c.rn.in_([(ranked.c.n + 1) // 2, (ranked.c.n + 2) // 2]))
        .group_by(ranked.c.stage)
    ).all()
    found = {stage: StageTime(stage, float(median), int(n)) for stage, median, n in rows}
    return {stage: found.get(stage, StageTime(stage, None, 0)) for stage in STAGES}

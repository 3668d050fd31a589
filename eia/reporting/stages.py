"""Time spent in each stage of the lifecycle.

A **spell** in a stage starts when the EIA enters that state (its creation, for draft, or a
transition) and ends at its next transition. Spells still running (the EIA's current state)
are left out: only finished spells count. An EIA that came back to a stage (returned,
revised) has one spell per visit. The spells are kept in ``stage_spell`` on each step
(``eia.reporting.summaries``), the same as the audit trail says.

The median is worked out in SQL: ``percentile_cont(0.5)`` on PostgreSQL; window functions
on SQLite, which has no percentile (``ROW_NUMBER`` and ``COUNT`` over each stage, the mean
of the middle one or two), giving the same number.
"""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.sql.expression import True_
from sqlmodel import Session, select

from eia.db import is_postgres
from eia.models import Eia, StageSpell
from workflows.lifecycle import states_where

# The stages an EIA leaves (withdrawn and archived are final).
STAGES = states_where(active=True)


def spells(where) -> sa.Subquery:
    """One row per finished spell of the EIAs ``where`` selects: eia_id, stage, entered,
    left, days. With no filter, every spell counts: no need to join the EIAs (a third of the
    time at 100,000 EIAs)."""
    query = select(
        StageSpell.eia_id,
        StageSpell.stage,
        StageSpell.entered_at.label("entered"),
        StageSpell.left_at.label("left"),
        StageSpell.days,
    )
    if not isinstance(where, True_):
        query = query.join(Eia, Eia.id == StageSpell.eia_id).where(where)
    return query.where(StageSpell.left_at.is_not(None)).subquery("spells")


@dataclass(frozen=True)
class StageTime:
    stage: str
    median_days: float | None
    spells: int


def median_days_by_stage(session: Session, where) -> dict[str, StageTime]:
    """stage -> its median days and number of finished spells: one query."""
    s = spells(where)
    if is_postgres(session):
        query = select(
            s.c.stage, sa.func.percentile_cont(0.5).within_group(s.c.days), sa.func.count()
        ).group_by(s.c.stage)
    else:
        ranked = select(
            s.c.stage,
            s.c.days,
            sa.func.row_number().over(partition_by=s.c.stage, order_by=s.c.days).label("rn"),
            sa.func.count().over(partition_by=s.c.stage).label("n"),
        ).subquery("ranked")
        query = (
            select(ranked.c.stage, sa.func.avg(ranked.c.days), sa.func.max(ranked.c.n))
            .where(ranked.c.rn.in_([(ranked.c.n + 1) // 2, (ranked.c.n + 2) // 2]))
            .group_by(ranked.c.stage)
        )
    found = {
        stage: StageTime(stage, float(median), int(n))
        for stage, median, n in session.exec(query).all()
    }
    return {stage: found.get(stage, StageTime(stage, None, 0)) for stage in STAGES}

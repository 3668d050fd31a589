"""Spells in each stage of the lifecycle, kept for the dashboard's "median days in each stage".

A spell starts when an EIA enters a state (its creation, for draft, or a transition) and
ends at its next transition. ``eia.reporting.summaries`` opens and closes spells in the same
transaction as the audit record of the step, so this table always says what the audit trail
says (``summaries.rebuild`` works it out from the audit trail alone, and a test checks that
the two agree).
"""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class StageSpell(SQLModel, table=True):
    __tablename__ = "stage_spell"
    __table_args__ = (
        # The dashboard reads finished spells by stage.
        sa.Index(
            "ix_stage_spell_finished",
            "stage",
            "days",
            postgresql_where=sa.text("left_at IS NOT NULL"),
            sqlite_where=sa.text("left_at IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    eia_id: int = Field(foreign_key="eia.id", index=True)
    stage: str = Field(sa_type=sa.String(32))
    # The audit record that put the EIA into this stage (its seq; no foreign key: the trail
    # is checked for removed records by ``eia audit verify``, not held by its summaries).
    entered_seq: int
    entered_at: datetime
    left_at: datetime | None = Field(default=None)
    days: float | None = Field(default=None)

"""One decision per version of an EIA, kept for the dashboard's completion figures.

Each version with a decision date feeds one decision: a revised EIA has fed several (version
1's in June 2025, version 2's in March 2026), each signed off on time, late or not at all by
its own approval. ``eia.reporting.summaries`` adds a row when a version opens (the EIA's
creation, a ``revise``) and fills it in when the version is approved, in the same transaction
as the audit record of the step; ``summaries.rebuild`` works the rows out again from the
EIAs, their frozen versions and their sign-offs, and a test checks that the two agree.
"""

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class EiaDecision(SQLModel, table=True):
    __tablename__ = "eia_decision"
    __table_args__ = (sa.UniqueConstraint("eia_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    eia_id: int = Field(foreign_key="eia.id", index=True)
    version: int
    # When the version was approved (None: not signed off yet, or never).
    signed_off_at: datetime | None = Field(default=None)
    # The decision date the version was signed off against (frozen with it); None until it
    # is signed off (the EIA's own decision date is then the version's), or if it was signed
    # off with no decision date recorded.
    decision_date: date | None = Field(default=None)
    # The approval was flagged late: after the decision date (workflows' record_approval).
    late: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})

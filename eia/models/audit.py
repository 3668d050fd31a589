"""The append-only, hash-chained audit trail."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

GENESIS_HASH = "0" * 64


class AuditRecord(SQLModel, table=True):
    __tablename__ = "audit_record"

    # The dashboard asks, for every EIA, whether and when it made each transition (screened
    # out, fully assessed, time in each stage): this index answers from the transitions
    # alone, not every edit (benchmarks/: 5 s to 0.2 s at 10,000 EIAs).
    __table_args__ = (
        sa.Index(
            "ix_audit_record_transitions",
            "eia_id",
            "to_state",
            "event",
            postgresql_where=sa.text("action = 'transition'"),
            sqlite_where=sa.text("action = 'transition'"),
        ),
    )

    # Gap-free position in the chain, assigned from AuditChain under its row lock.
    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    eia_id: int | None = Field(default=None, foreign_key="eia.id", index=True)
    eia_version: int | None = Field(default=None)
    actor_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    actor_name: str = Field(sa_type=sa.String(200))
    occurred_at: datetime = Field(index=True)
    # "transition" or "edit"; event is the machine's event or the section edited.
    action: str = Field(sa_type=sa.String(16))
    event: str = Field(sa_type=sa.String(64), index=True)
    from_state: str | None = Field(default=None, sa_type=sa.String(32))
    to_state: str | None = Field(default=None, sa_type=sa.String(32))
    comment: str = Field(default="", sa_type=sa.Text)
    # Canonical JSON text (sorted keys), hashed exactly as stored.
    details: str = Field(default="{}", sa_type=sa.Text)
    prev_hash: str = Field(sa_type=sa.String(64))
    hash: str = Field(sa_type=sa.String(64), index=True)


class AuditChain(SQLModel, table=True):
    """The head of the chain: one row, locked by every append; it also catches a cut tail."""

    __tablename__ = "audit_chain"

    id: int = Field(default=1, primary_key=True)
    last_seq: int = Field(default=0)
    last_hash: str = Field(default=GENESIS_HASH, sa_type=sa.String(64))

"""index the audit trail's transitions per EIA

The dashboard's figures (screened out, fully assessed, days in each stage) and the quality
flags look up each EIA's transitions; with only the eia_id index PostgreSQL read every
audit record of every EIA (5.1 s for one figure query at 10,000 EIAs; 0.2 s with this
partial index; see benchmarks/).

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_audit_record_transitions",
        "audit_record",
        ["eia_id", "to_state", "event"],
        unique=False,
        postgresql_where=sa.text("action = 'transition'"),
        sqlite_where=sa.text("action = 'transition'"),
    )


def downgrade() -> None:
    op.drop_index("ix_audit_record_transitions", table_name="audit_record")

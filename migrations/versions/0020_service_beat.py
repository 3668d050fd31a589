"""service health: when the scheduled jobs last ran

``service_beat``: one row per job (the scheduler's heartbeat, the reminder sweep), with
when it last finished and how long it took; /readyz goes red when the heartbeat is old.

Revision ID: 0020
Revises: 0019
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "service_beat",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("at", UTC_DATETIME(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("service_beat")

"""eia.publishing_reason: why an EIA is not to be published in the register

An EIA is published once approved unless there is a good reason not to; the reason is now
asked for and kept. Existing EIAs keep their publish and confidential answers, with no
reason recorded (an unpublished one is asked for it when its proposal is next completed).

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy of the eia table on SQLite, which would break the
    # foreign keys of every table that refers to it).
    op.add_column(
        "eia", sa.Column("publishing_reason", sa.Text(), server_default="", nullable=False)
    )


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite has it since 3.35), for the same reason.
    op.execute("ALTER TABLE eia DROP COLUMN publishing_reason")

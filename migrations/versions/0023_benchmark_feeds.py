"""other councils' eia-practice/1 feeds, for the comparison page

``benchmark_council``: a council added by its feed's address or an uploaded file, with the
public key its feeds are signed by and the last refresh's error.
``benchmark_year``: every financial year a council has published (the feed's year object).

Revision ID: 0023
Revises: 0021
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0023"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "benchmark_council",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("feed_url", sa.String(length=500), nullable=True),
        sa.Column("public_key", sa.String(length=100), nullable=False),
        sa.Column("key_source", sa.String(length=16), nullable=False),
        sa.Column("added_at", UTC_DATETIME(), nullable=False),
        sa.Column("refreshed_at", UTC_DATETIME(), nullable=True),
        sa.Column("published_at", UTC_DATETIME(), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("last_error_at", UTC_DATETIME(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "benchmark_year",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("start_year", sa.Integer(), nullable=False),
        sa.Column("published_at", UTC_DATETIME(), nullable=False),
        sa.Column("figures", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["council_id"], ["benchmark_council.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("council_id", "start_year"),
    )


def downgrade() -> None:
    op.drop_table("benchmark_year")
    op.drop_table("benchmark_council")

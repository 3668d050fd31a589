"""completion counted per decision (one per version of an EIA)

Completion counted each EIA once, by ``signed_off_on_time`` / ``signed_off_late`` on
``eia``: set by its first approval and never reset by ``revise``, so a revised EIA whose
version 2 was approved late (or never) still counted as on time, in the quarter of its
newest decision date. Each version feeds a decision of its own: ``eia_decision`` holds one
row per version (when it was approved, the decision date it was signed off against, whether
the approval was flagged late), kept by ``eia.reporting.summaries`` on each step, and the two
columns go (nothing else reads them). This migration works the rows out for the EIAs already
there from their versions, frozen copies and sign-offs (the same as
``eia db rebuild-summaries``, written out here so the migration does not change when the
application does); the downgrade puts the two columns back as 0008 computed them.

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_COLUMNS = ("signed_off_on_time", "signed_off_late")


def upgrade() -> None:
    op.create_table(
        "eia_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("eia_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("signed_off_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("decision_date", sa.Date(), nullable=True),
        sa.Column("late", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(["eia_id"], ["eia.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("eia_id", "version"),
    )
    op.create_index("ix_eia_decision_eia_id", "eia_decision", ["eia_id"], unique=False)

    if op.get_bind().dialect.name == "sqlite":
        frozen_date = "json_extract(f.snapshot, '$.decision_date')"
    else:
        frozen_date = "CAST((f.snapshot ->> 'decision_date') AS DATE)"
    # Every version: the EIA's current one and those frozen before it (each earlier version
    # was approved, and approval freezes it). A version's approval is its sign-off; the
    # decision date it was signed off against is the one in its frozen copy.
    op.execute(f"""
        INSERT INTO eia_decision (eia_id, version, signed_off_at, decision_date, late)
        SELECT v.eia_id, v.version, s.signed_at,
               CASE WHEN s.signed_at IS NOT NULL THEN {frozen_date} END,
               COALESCE(s.late, false)
        FROM (SELECT id AS eia_id, version FROM eia
              UNION SELECT eia_id, version FROM eia_version) AS v
        LEFT JOIN sign_off s ON s.eia_id = v.eia_id AND s.eia_version = v.version
                            AND s.decision = 'approved'
        LEFT JOIN eia_version f ON f.eia_id = v.eia_id AND f.version = v.version
    """)
    # Plain DROP COLUMN (SQLite has it since 3.35): a batch copy of the eia table would
    # break the foreign keys of every table that refers to it.
    for column in OLD_COLUMNS:
        op.execute(f"ALTER TABLE eia DROP COLUMN {column}")


def downgrade() -> None:
    for column in OLD_COLUMNS:
        op.add_column(
            "eia", sa.Column(column, sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.execute("""
        UPDATE eia SET
          signed_off_on_time = EXISTS (SELECT 1 FROM sign_off s WHERE s.eia_id = eia.id
              AND s.decision = 'approved' AND NOT s.late),
          signed_off_late = EXISTS (SELECT 1 FROM sign_off s WHERE s.eia_id = eia.id
              AND s.decision = 'approved' AND s.late)
    """)
    op.drop_index("ix_eia_decision_eia_id", table_name="eia_decision")
    op.drop_table("eia_decision")

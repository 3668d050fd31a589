"""summaries of each EIA's history for the dashboard

The dashboard's median days in each stage ran window functions over the whole audit trail
(6 s at 100,000 EIAs and 3 million records), and its completion, screening and late
sign-off figures searched each EIA's transitions and sign-offs. ``stage_spell`` holds one
row per spell in a stage and four columns on ``eia`` say what it has been through; from now
on ``eia.reporting.summaries`` keeps them on each step, and this migration works them out
for the EIAs already there from their audit trail and sign-offs (the same as
``eia db rebuild-summaries``, written out here so the migration does not change when the
application does).

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SUMMARY_COLUMNS = (
    "ever_fully_assessed",
    "ever_screened_out",
    "signed_off_on_time",
    "signed_off_late",
)


def upgrade() -> None:
    op.create_table(
        "stage_spell",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("eia_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=32), nullable=False),
        sa.Column("entered_seq", sa.Integer(), nullable=False),
        sa.Column("entered_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("left_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("days", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["eia_id"], ["eia.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_stage_spell_eia_id", "stage_spell", ["eia_id"], unique=False)
    op.create_index(
        "ix_stage_spell_finished",
        "stage_spell",
        ["stage", "days"],
        unique=False,
        postgresql_where=sa.text("left_at IS NOT NULL"),
        sqlite_where=sa.text("left_at IS NOT NULL"),
    )
    # Plain ADD COLUMN (no batch copy of the eia table on SQLite, which would break the
    # foreign keys of every table that refers to it).
    for column in SUMMARY_COLUMNS:
        op.add_column(
            "eia", sa.Column(column, sa.Boolean(), server_default=sa.false(), nullable=False)
        )

    if op.get_bind().dialect.name == "sqlite":
        days = "(julianday(left_at) - julianday(entered_at))"
    else:
        days = "(EXTRACT(EPOCH FROM (left_at - entered_at)) / 86400.0)"
    op.execute(f"""
        INSERT INTO stage_spell (eia_id, stage, entered_seq, entered_at, left_at, days)
        SELECT eia_id, stage, entered_seq, entered_at, left_at, {days}
        FROM (SELECT eia_id, to_state AS stage, seq AS entered_seq, occurred_at AS entered_at,
                     LEAD(occurred_at) OVER (PARTITION BY eia_id ORDER BY seq) AS left_at
              FROM audit_record
              WHERE eia_id IS NOT NULL AND to_state IS NOT NULL
                AND (action = 'transition' OR event = 'created')) AS entries
    """)
    op.execute("""
        UPDATE eia SET
          ever_fully_assessed = EXISTS (SELECT 1 FROM audit_record a WHERE a.eia_id = eia.id
              AND a.action = 'transition' AND a.to_state = 'full_assessment'),
          ever_screened_out = EXISTS (SELECT 1 FROM audit_record a WHERE a.eia_id = eia.id
              AND a.action = 'transition' AND a.event = 'screen_out'),
          signed_off_on_time = EXISTS (SELECT 1 FROM sign_off s WHERE s.eia_id = eia.id
              AND s.decision = 'approved' AND NOT s.late),
          signed_off_late = EXISTS (SELECT 1 FROM sign_off s WHERE s.eia_id = eia.id
              AND s.decision = 'approved' AND s.late)
    """)


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite has it since 3.35): a batch copy of the eia table would
    # break the foreign keys of every table that refers to it.
    for column in reversed(SUMMARY_COLUMNS):
        op.execute(f"ALTER TABLE eia DROP COLUMN {column}")
    op.drop_index("ix_stage_spell_finished", table_name="stage_spell")
    op.drop_index("ix_stage_spell_eia_id", table_name="stage_spell")
    op.drop_table("stage_spell")

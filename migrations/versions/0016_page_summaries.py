"""what the task list, the sign-off page and the inbox read about each EIA, kept

``eia_page_summary``: one row per EIA with what the checks on its rows say is missing,
which sections have content, and who worked on its current version (eia/models/
page_summary.py); ``eia.reporting.page_summaries`` keeps it on each change from now on,
and this migration works it out for the EIAs already there. The reasons it keeps are the
lifecycle's own words (workflows.guards), so the rows are worked out by the application's
``page_summaries.rebuild`` (as ``eia db rebuild-summaries`` does), not by SQL written out
here; a page that finds no row works its values out as it did before.

Revision ID: 0016
Revises: 0023

It fills its rows through the application's own code (which reads the models as they are
now), so it comes after every migration that changes those models' tables: 0016 and 0017
follow 0023. A later migration that changes those tables would break this fill for a
database older than this one: the fill must then move to SQL of its own (as 0008's does).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "eia_page_summary",
        sa.Column("eia_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("problems", sa.JSON(), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("worked_on", sa.JSON(), nullable=False),
        sa.Column("basis", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["eia_id"], ["eia.id"]),
        sa.PrimaryKeyConstraint("eia_id"),
    )
    from eia.reporting.page_summaries import rebuild

    rebuild(op.get_bind())


def downgrade() -> None:
    op.drop_table("eia_page_summary")

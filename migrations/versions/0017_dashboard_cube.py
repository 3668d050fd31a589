"""the dashboard's cube: its figures pre-aggregated by the filters' dimensions

``dashboard_cell`` holds the dashboard's figures summed by directorate, service, kind of
proposal, decision date and what each figure groups by (``eia.models.cube``); from now on
``eia.reporting.cube`` keeps it on each write. This migration fills it for the EIAs already
there with ``eia.reporting.cube.rebuild`` (the same as ``eia db rebuild-summaries``); the
cells are a summary, so the current definition is the one to fill them with.

Revision ID: 0017
Revises: 0016

It fills its rows through the application's own code (which reads the models as they are
now), so it comes after every migration that changes those models' tables: 0016 and 0017
follow 0023. A later migration that changes those tables would break this fill for a
database older than this one: the fill must then move to SQL of its own (as 0008's does).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = (
    "service_id",
    "kind",
    "directorate_id",
    "proposal_type",
    "decided_on",
    "state",
    "item",
    "characteristic_id",
    "on_day",
    "days",
)


def upgrade() -> None:
    op.create_table(
        "dashboard_cell",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("directorate_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("proposal_type", sa.String(length=32), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("item", sa.String(length=32), nullable=False),
        sa.Column("characteristic_id", sa.Integer(), nullable=False),
        sa.Column("on_day", sa.Date(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ux_dashboard_cell_key", "dashboard_cell", list(KEY), unique=True)
    op.create_index("ix_dashboard_cell_directorate", "dashboard_cell", ["directorate_id"])
    op.create_index("ix_dashboard_cell_decided_on", "dashboard_cell", ["decided_on"])
    from eia.reporting.cube import rebuild

    rebuild(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_dashboard_cell_decided_on", table_name="dashboard_cell")
    op.drop_index("ix_dashboard_cell_directorate", table_name="dashboard_cell")
    op.drop_index("ux_dashboard_cell_key", table_name="dashboard_cell")
    op.drop_table("dashboard_cell")

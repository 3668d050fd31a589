"""index the action plan's links to impacts

The quality flag "evidence gap not turned into an action" (and the dashboard that counts
it) looks for live actions linked to each impact with a gap: without these indexes
PostgreSQL scans the whole action plan table once per such impact (quadratic: 22 s at
10,000 EIAs; see benchmarks/).

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("action_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_item_impact_id"), ["impact_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_action_item_intersectional_impact_id"),
            ["intersectional_impact_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("action_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_item_intersectional_impact_id"))
        batch_op.drop_index(batch_op.f("ix_action_item_impact_id"))

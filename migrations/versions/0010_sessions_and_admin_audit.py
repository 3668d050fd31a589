"""session generations, sign-in throttling by account and source

``app_user.session_generation``: put in the session at sign-in and checked on every
request; raised by sign-out, a password change or reset, a change of role, directorate or
service, and deactivation, so every session of that person ends at once.

``login_attempt.device``: the browser an attempt came from, when it carries the mark of an
earlier sign-in as that person, so failures are counted per account and place (address or
known browser) rather than per account alone.

Administration changes are written to the existing audit trail (action "admin"): no schema
change for them.

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_generation", sa.Integer(), server_default="0", nullable=False)
        )
    with op.batch_alter_table("login_attempt", schema=None) as batch_op:
        batch_op.add_column(sa.Column("device", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("login_attempt", schema=None) as batch_op:
        batch_op.drop_column("device")
    # Not a batch: on SQLite that copies app_user and drops the original, which every table
    # referring to a person forbids while foreign keys are enforced. SQLite 3.35+ drops a
    # plain column in place.
    op.drop_column("app_user", "session_generation")

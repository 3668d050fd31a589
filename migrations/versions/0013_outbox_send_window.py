"""outbox: when each claim lapses (everything before the SMTP conversation done first)

Adds ``outbox_email.claim_expires_at``: the worker that claims an email records when its
claim lapses (the claim's time plus that worker's lease, which notifications/settings.py
makes longer than any SMTP conversation and the recording of "sent" can take). The sweeper
releases a claim only once that moment has passed, so an email is never sent again while
the attempt that claimed it may still be talking to the mail server, whatever the
sweeper's own settings. Claims taken before this column existed lapse as before (claimed_at
plus the sweeper's OUTBOX_SEND_LEASE_SECONDS).

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401  (column types)
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "outbox_email",
        sa.Column("claim_expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    )


def downgrade() -> None:
    with op.batch_alter_table("outbox_email") as batch:
        batch.drop_column("claim_expires_at")

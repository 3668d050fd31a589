"""outbox: everything before the SMTP conversation done first

Placeholder in the chain (nothing to do yet); its change lands with the work it names.

Revision ID: 0013
Revises: 0012
"""
from collections.abc import Sequence

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

"""session generations, sign-in throttling by account and source

Placeholder in the chain (nothing to do yet); its change lands with the work it names.

Revision ID: 0010
Revises: 0009
"""
from collections.abc import Sequence

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

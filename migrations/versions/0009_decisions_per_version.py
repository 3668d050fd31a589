"""completion counted per decision (one per version with a decision date)

Placeholder in the chain (nothing to do yet); its change lands with the work it names.

Revision ID: 0009
Revises: 0008
"""
from collections.abc import Sequence

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

"""a version number per section, so a save over a newer one is refused

Placeholder in the chain (nothing to do yet); its change lands with the work it names.

Revision ID: 0011
Revises: 0010
"""
from collections.abc import Sequence

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

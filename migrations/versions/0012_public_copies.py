"""public copies of approved versions kept (PDF built once)

Placeholder in the chain (nothing to do yet); its change lands with the work it names.

Revision ID: 0012
Revises: 0010
"""
from collections.abc import Sequence

revision: str = '0012'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

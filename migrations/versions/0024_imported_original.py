"""the original text kept with an EIA imported from a Word file

``eia.imported_original``: the text under the headings of a council's Word template that
the import's mapping did not place in a section ([{"heading": ..., "paragraphs": [...]}]),
kept word for word and shown on the EIA's page (eia.imports.word).

Revision ID: 0024
Revises: 0017
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy of the eia table on SQLite: see 0019).
    op.add_column("eia", sa.Column("imported_original", sa.JSON(), nullable=True))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite has it since 3.35), for the same reason.
    op.execute("ALTER TABLE eia DROP COLUMN imported_original")

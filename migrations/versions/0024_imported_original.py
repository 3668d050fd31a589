"""the original text kept with an EIA imported from a Word file

``eia_imported_original``: the text under the headings of a council's Word template that
the import's mapping did not place in a section ([{"heading": ..., "paragraphs": [...]}]),
kept word for word and shown on the EIA's page (eia.imports.word). A table of its own, not
a column of ``eia``: the data migrations before it load EIAs through the models.

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
    op.create_table(
        "eia_imported_original",
        sa.Column("eia_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("parts", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["eia_id"], ["eia.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("eia_id"),
    )


def downgrade() -> None:
    op.drop_table("eia_imported_original")

"""imported EIAs and the files being imported

``eia``: ``imported_at``, ``imported_version``, ``import_source`` and ``published_link``
mark an EIA brought in from a council's register or another installation as a historical
record (eia.imports). ``import_upload``: a file kept between the steps of an import.

Revision ID: 0019
Revises: 0015
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0019"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sqlmodel.sql.sqltypes.UTCDateTime
COLUMNS = ("imported_at", "imported_version", "import_source", "published_link")


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy of the eia table on SQLite, which would break the
    # foreign keys of every table that refers to it).
    op.add_column("eia", sa.Column("imported_at", UTC_DATETIME(), nullable=True))
    op.add_column("eia", sa.Column("imported_version", sa.Integer(), nullable=True))
    op.add_column(
        "eia",
        sa.Column("import_source", sa.String(length=300), server_default="", nullable=False),
    )
    op.add_column(
        "eia",
        sa.Column("published_link", sa.String(length=500), server_default="", nullable=False),
    )
    op.create_table(
        "import_upload",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", UTC_DATETIME(), nullable=False),
        sa.Column("table", sa.JSON(), nullable=False),
        sa.Column("mapping", sa.JSON(), nullable=True),
        sa.Column("imported_at", UTC_DATETIME(), nullable=True),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_import_upload_uploaded_by_id", "import_upload", ["uploaded_by_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_import_upload_uploaded_by_id", table_name="import_upload")
    op.drop_table("import_upload")
    # Plain DROP COLUMN (SQLite has it since 3.35), for the same reason.
    for column in COLUMNS:
        op.execute(f"ALTER TABLE eia DROP COLUMN {column}")

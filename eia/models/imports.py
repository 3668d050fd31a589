"""A file uploaded to be imported, kept between the steps of the import (column mapping,
dry run, import), so the steps work across web workers and without JavaScript. It is
working material, not a record: nothing in it counts until the import itself, an audited
operation (eia.imports), has run."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .base import utcnow


class ImportUpload(SQLModel, table=True):
    __tablename__ = "import_upload"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(default="register", sa_type=sa.String(16))
    filename: str = Field(default="", sa_type=sa.String(255))
    content: bytes = Field(sa_type=sa.LargeBinary)
    sha256: str = Field(sa_type=sa.String(64))
    uploaded_by_id: int = Field(foreign_key="app_user.id", index=True)
    uploaded_at: datetime = Field(default_factory=utcnow)
    # The file read as a table (eia.imports.table.table_json), so later steps need not
    # read the file again.
    table: dict = Field(default_factory=dict, sa_type=sa.JSON)
    # The column chosen for each field ({field: header}), once the mapping step is done.
    mapping: dict | None = Field(default=None, sa_type=sa.JSON)
    # Set when the file was imported (the page then says so instead of importing again).
    imported_at: datetime | None = Field(default=None)


class ImportedOriginal(SQLModel, table=True):
    """The text of a Word file imported as an EIA (eia.imports.word) under the headings the
    mapping did not place in a section, kept word for word and shown on the EIA's page. A
    table of its own, so that loading an EIA never reads it."""

    __tablename__ = "eia_imported_original"

    eia_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("eia.id", ondelete="CASCADE"), primary_key=True
        )
    )
    source: str = Field(default="", sa_type=sa.String(300))
    # [{"heading": ..., "paragraphs": [...]}], in the order of the file.
    parts: list = Field(default_factory=list, sa_type=sa.JSON)

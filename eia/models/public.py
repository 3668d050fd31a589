"""What the public register keeps: the public copy of each EIA's last approved version, the
PDF built from it, and the counts behind the rate limit on anonymous downloads.

``public_copy``: one row per EIA that has ever been approved, written in the transaction
that approves a version (``eia.exports.public.keep_public_copy``, from the approval's
``freeze_version``) and replaced by the next approval. It repeats, from the frozen version,
the few fields the register lists, searches and sorts by (title, decision date, outcome,
review date) and whether that version was publishable and not confidential, so the register
never reads a later draft: while a revision is being written the live ``eia`` row holds the
draft, and the register still shows (and searches) the approved version.

``public_pdf``: the public PDF of an EIA's approved version, keyed by EIA and version, built
once (on the first request) and served from here by every web worker. ``content_key`` is
the SHA-256 of the HTML it was built from: when what the PDF would say changes (the EIA's
public status, the council's name, a new template) the key no longer matches and the PDF is
built again, once.

``rate_limit_count``: requests counted per bucket (a route group and an address) in fixed
windows, in the database so every web worker and container counts the same requests.
"""

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .base import utcnow


class PublicCopy(SQLModel, table=True):
    __tablename__ = "public_copy"

    id: int | None = Field(default=None, primary_key=True)
    eia_id: int = Field(foreign_key="eia.id", unique=True)
    version: int
    title: str = Field(default="", sa_type=sa.String(300))
    decision_date: date | None = Field(default=None, index=True)
    review_date: date | None = Field(default=None)
    outcome: str | None = Field(default=None, sa_type=sa.String(2))
    # As frozen with the approved version (the live row's flags are checked as well).
    publishable: bool = Field(default=False)
    confidential: bool = Field(default=False)
    approved_at: datetime = Field(default_factory=utcnow)


class PublicPdf(SQLModel, table=True):
    __tablename__ = "public_pdf"
    __table_args__ = (sa.UniqueConstraint("eia_id", "version"),)  # (also its index)

    id: int | None = Field(default=None, primary_key=True)
    eia_id: int = Field(foreign_key="eia.id")
    version: int
    content_key: str = Field(sa_type=sa.String(64))
    pdf: bytes = Field(sa_type=sa.LargeBinary)
    built_at: datetime = Field(default_factory=utcnow)


class RateLimitCount(SQLModel, table=True):
    __tablename__ = "rate_limit_count"

    bucket: str = Field(sa_type=sa.String(200), primary_key=True)
    window_start: datetime = Field(primary_key=True, index=True)
    hits: int = Field(default=0)

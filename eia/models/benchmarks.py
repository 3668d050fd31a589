"""Other councils' ``eia-practice/1`` feeds, for the comparison page (eia/standard/).

``benchmark_council``: a council added by an administrator or the Policy and Equality Unit,
by the address of its feed or an uploaded file, with the public key its feeds must be
signed by (given when it was added, or fetched from beside the feed the first time: trust
on first use) and what went wrong the last time it was refreshed, if anything.

``benchmark_year``: every financial year a council has published, as its feed said it last
(the year's object of the feed, as JSON text): a newer feed replaces the years it covers
and leaves the others, so every year ever published is kept, and a refresh that fails
changes nothing here (the last good copy stays).
"""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .base import utcnow


class BenchmarkCouncil(SQLModel, table=True):
    __tablename__ = "benchmark_council"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_type=sa.String(200), unique=True)
    feed_url: str | None = Field(default=None, sa_type=sa.String(500))
    public_key: str = Field(sa_type=sa.String(100))  # base64url of the raw Ed25519 key
    key_source: str = Field(sa_type=sa.String(16))  # "given" or "fetched"
    added_at: datetime = Field(default_factory=utcnow)
    refreshed_at: datetime | None = Field(default=None)  # the last good copy
    published_at: datetime | None = Field(default=None)  # of the last good copy
    last_error: str | None = Field(default=None, sa_type=sa.String(500))
    last_error_at: datetime | None = Field(default=None)


class BenchmarkYear(SQLModel, table=True):
    __tablename__ = "benchmark_year"
    __table_args__ = (sa.UniqueConstraint("council_id", "start_year"),)

    id: int | None = Field(default=None, primary_key=True)
    council_id: int = Field(foreign_key="benchmark_council.id")
    start_year: int
    published_at: datetime
    figures: str = Field(sa_type=sa.Text)

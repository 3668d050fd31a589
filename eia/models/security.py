"""Sign-in attempts, kept in the database so every web worker counts the same failures."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .base import utcnow


class LoginAttempt(SQLModel, table=True):
    __tablename__ = "login_attempt"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(sa_type=sa.String(320), index=True)
    ip_address: str = Field(default="", sa_type=sa.String(64), index=True)
    # The browser, when it carries the mark of an earlier sign-in as this person
    # (eia/web/throttle.py): its failures are counted apart from its address's.
    device: str | None = Field(default=None, sa_type=sa.String(64))
    succeeded: bool = Field(default=False)
    at: datetime = Field(default_factory=utcnow, index=True)

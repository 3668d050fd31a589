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
    succeeded: bool = Field(default=False)
    at: datetime = Field(default_factory=utcnow, index=True)

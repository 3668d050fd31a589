"""The council's structure and its people."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, Relationship, SQLModel

from .base import utcnow
from .enums import Role


class Directorate(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_type=sa.String(200), unique=True)

    services: list["Service"] = Relationship(back_populates="directorate")


class Service(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("directorate_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_type=sa.String(200))
    directorate_id: int = Field(foreign_key="directorate.id", index=True)

    directorate: Directorate = Relationship(back_populates="services")


class User(SQLModel, table=True):
    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(sa_type=sa.String(320), unique=True)
    name: str = Field(sa_type=sa.String(200))
    role: str = Field(sa_type=sa.String(32), default=Role.officer)
    # Officers belong to a service; approvers to a directorate (a head of service to both).
    service_id: int | None = Field(default=None, foreign_key="service.id", index=True)
    directorate_id: int | None = Field(default=None, foreign_key="directorate.id", index=True)
    password_hash: str | None = Field(default=None, sa_type=sa.String(255))
    active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow)
    # Put in the session at sign-in and compared on every request: raising it ends every
    # session of this person at once (sign-out, a new password, a new role or team, leaving).
    session_generation: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # The retention schedule deactivates accounts nobody has signed in to for long
    # (eia/retention.py): from this, or created_at for an account never used.
    last_sign_in_at: datetime | None = Field(default=None)

    service: Service | None = Relationship()
    directorate: Directorate | None = Relationship()

    @property
    def effective_directorate_id(self) -> int | None:
        if self.directorate_id is not None:
            return self.directorate_id
        return self.service.directorate_id if self.service is not None else None

    def end_sessions(self) -> None:
        """Every session signed in as this person stops working (at the next flush). Done
        in the database (``+ 1`` there), so two changes at once both count."""
        self.session_generation = type(self).session_generation + 1

    def has_role(self, *roles: str) -> bool:
        return self.role in roles

    # Flask-Login's user interface.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)

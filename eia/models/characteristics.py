"""The characteristics an EIA is scored against: configuration, not code."""

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .enums import CharacteristicKind


class Characteristic(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(sa_type=sa.String(64), unique=True)
    name: str = Field(sa_type=sa.String(120))
    kind: str = Field(sa_type=sa.String(32), default=CharacteristicKind.protected)
    position: int = Field(default=0)
    active: bool = Field(default=True)
    # What good looks like when assessing this characteristic (shown as hint text).
    guidance: str = Field(default="", sa_type=sa.Text)
    # The borough's profile figure for this group, where the council has entered one.
    borough_profile: str = Field(default="", sa_type=sa.Text)

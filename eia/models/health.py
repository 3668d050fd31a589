"""When the scheduled jobs last ran: the scheduler's heartbeat and the reminder sweep's
duration (read by /readyz, the admin's Service health page and /metrics)."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class ServiceBeat(SQLModel, table=True):
    """One row per job name: when it last finished and how long it took. Kept in the
    database, the one thing every container shares (a file would be one container's)."""

    __tablename__ = "service_beat"

    name: str = Field(sa_type=sa.String(32), primary_key=True)
    at: datetime
    seconds: float | None = Field(default=None)

"""The figures /metrics gives Prometheus at each scrape: cheap (one GROUP BY each, on
indexed columns), never per EIA."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from eia.models import Eia, OutboxEmail
from eia.models.notifications import Delivery, OutboxStatus


def eias_by_state(session: Session) -> dict[str, int]:
    rows = session.exec(select(Eia.status, sa.func.count()).group_by(Eia.status)).all()
    return dict(rows)


def emails_by_status(session: Session) -> dict[str, int]:
    rows = session.exec(
        select(OutboxEmail.status, sa.func.count()).group_by(OutboxEmail.status)
    ).all()
    return dict(rows)


def oldest_waiting_email(session: Session) -> datetime | None:
    """When the oldest email still to go out at once was written (queued or being sent;
    reminders waiting for the daily digest are not late)."""
    return session.exec(
        select(sa.func.min(OutboxEmail.created_at)).where(
            OutboxEmail.status.in_([OutboxStatus.queued, OutboxStatus.sending]),
            OutboxEmail.delivery == Delivery.immediate,
        )
    ).one()

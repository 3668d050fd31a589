"""Shared time helpers. Timestamps are aware UTC (SQLModel stores them with their zone);
the council's calendar day is London's."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """Aware UTC; a naive value is taken to be UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def london_date(value: datetime) -> date:
    return as_utc(value).astimezone(LONDON).date()

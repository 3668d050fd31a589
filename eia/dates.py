"""Dates as the council writes them: "3 March 2026", on London's calendar."""

from datetime import date, datetime

from eia.models import london_date


def long_date(value: date | datetime | str | None) -> str:
    """A date, a timestamp (its London day) or an ISO string from a snapshot; "" for none."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    if isinstance(value, datetime):
        value = london_date(value)
    return f"{value.day} {value:%B %Y}"

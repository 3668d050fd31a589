"""Working days: Monday to Friday, except England and Wales bank holidays.

The bank holidays come from the ``holidays`` package (computed offline from its own rules,
substitute days included: Boxing Day on a Saturday is observed on the Monday or Tuesday), so
nothing is fetched at run time. A one-off holiday the package does not know yet can be added
with ``EXTRA_BANK_HOLIDAYS`` (comma-separated ISO dates).
"""

import os
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from eia.models import LONDON, as_utc, london_date, utcnow


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    import holidays  # here, not at the top: ~3 MiB that only counting working days needs

    days = set(holidays.country_holidays("GB", subdiv="ENG", years=year))
    for extra in os.environ.get("EXTRA_BANK_HOLIDAYS", "").split(","):
        if extra.strip():
            day = date.fromisoformat(extra.strip())
            if day.year == year:
                days.add(day)
    return frozenset(days)


def is_bank_holiday(day: date) -> bool:
    return day in _bank_holidays(day.year)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and not is_bank_holiday(day)


@lru_cache(maxsize=4096)
def working_days_between(start: date, end: date) -> int:
    """How many working days have passed from ``start`` to ``end``: the working days d with
    start < d <= end (0 when end is not after start). Remembered, as the bank holidays are:
    a national sweep asks it tens of thousands of times about a few hundred pairs of
    days."""
    if end <= start:
        return 0
    full_weeks, rest = divmod((end - start).days, 7)
    count = full_weeks * 5
    day = start + timedelta(days=full_weeks * 7)
    for _ in range(rest):
        day += timedelta(days=1)
        if day.weekday() < 5:
            count += 1
    # Bank holidays on weekdays in (start, end].
    for year in range(start.year, end.year + 1):
        count -= sum(1 for h in _bank_holidays(year) if start < h <= end and h.weekday() < 5)
    return count


def add_working_days(day: date, n: int) -> date:
    """The ``n``-th working day after ``day`` (before it when ``n`` is negative); ``day``
    itself when ``n`` is 0."""
    step = 1 if n >= 0 else -1
    remaining = abs(n)
    while remaining:
        day += timedelta(days=step)
        if is_working_day(day):
            remaining -= 1
    return day


def working_day_on_or_after(day: date) -> date:
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def idle_cutoff(today: date, n: int) -> date:
    """The earliest day activity would have to fall on for fewer than ``n`` working days to
    have passed by ``today``: ``working_days_between(d, today) >= n`` exactly when
    ``d < idle_cutoff(today, n)``. (The ``n``-th working day counting back from today,
    today included.)"""
    return add_working_days(today + timedelta(days=1), -n) if n > 0 else today + timedelta(1)


def london_midnight(day: date) -> datetime:
    """The start of ``day`` in London, as aware UTC (for comparing with timestamps)."""
    return as_utc(datetime.combine(day, time(0), tzinfo=LONDON))


def today_in_london(now: datetime | None = None) -> date:
    return london_date(now or utcnow())


__all__ = [
    "add_working_days",
    "idle_cutoff",
    "is_bank_holiday",
    "is_working_day",
    "london_midnight",
    "today_in_london",
    "working_day_on_or_after",
    "working_days_between",
]

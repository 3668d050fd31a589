"""The council's financial year (1 April to 31 March), for the annual figures.

A **decision's year** is the financial year of its own decision date (``eia.reporting.
decisions``); a decision signed off with no decision date recorded is placed in the year it
was signed off (London's calendar), so that it is counted, and flagged, somewhere.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime

from eia.models import as_utc, london_date

_YEAR = re.compile(r"^\d{4}$")
EARLIEST, LATEST = 1990, 2999


@dataclass(frozen=True, order=True)
class FinancialYear:
    start_year: int

    @classmethod
    def of(cls, day: date) -> "FinancialYear":
        return cls(day.year - (1 if day.month < 4 else 0))

    @classmethod
    def parse(cls, raw: str | None) -> "FinancialYear | None":
        """ "2025" (the year 1 April 2025 to 31 March 2026 starts in), else None."""
        raw = (raw or "").strip()
        if not _YEAR.match(raw) or not EARLIEST <= int(raw) <= LATEST:
            return None
        return cls(int(raw))

    @property
    def first_day(self) -> date:
        return date(self.start_year, 4, 1)

    @property
    def last_day(self) -> date:
        return date(self.start_year + 1, 3, 31)

    @property
    def label(self) -> str:
        """ "2025/26"."""
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    @property
    def long_label(self) -> str:
        return f"{self.label} (1 April {self.start_year} to 31 March {self.start_year + 1})"

    @property
    def value(self) -> str:
        return str(self.start_year)

    def previous(self, n: int = 1) -> "FinancialYear":
        return FinancialYear(self.start_year - n)

    def __contains__(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day


def day_of(value: date | datetime | str | None) -> date | None:
    """A timestamp's day on London's calendar (SQLite may hand back text); a date as is."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        return london_date(as_utc(value))
    return value

"""Dates as councils' spreadsheets hold them: "31/03/2025", "31-Mar-2025", "2025-03-31",
"31 March 2025", "31st March 2025", "31.03.25", an Excel serial number (45747), or a cell
that is already a date. Day first, always (a UK register)."""

import re
from datetime import date, datetime, timedelta

_FORMATS = (
    "%d/%m/%Y",
    "%d/%m/%y",
    "%d-%m-%Y",
    "%d-%m-%y",
    "%d.%m.%Y",
    "%d.%m.%y",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%d-%b-%Y",
    "%d-%b-%y",
    "%d %b %Y",
    "%d %b %y",
    "%d %B %Y",
    "%d %B %y",
    "%d-%B-%Y",
    "%B %d %Y",
    "%b %d %Y",
    "%d %b, %Y",
    "%d %B, %Y",
    "%b %d, %Y",
    "%B %d, %Y",
)
_EXCEL_EPOCH = date(1899, 12, 30)
# Serial numbers of 1 January 1990 to 31 December 2099: a plain number outside is not a date.
_SERIALS = (32874, 73050)
_ORDINAL = re.compile(r"(?<=\d)(st|nd|rd|th)\b", re.IGNORECASE)
_TIME = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
EARLIEST, LATEST = date(1990, 1, 1), date(2099, 12, 31)


class NotADate(ValueError):
    pass


def parse_date(value) -> date | None:
    """The date ``value`` holds, None for a blank; NotADate when it holds something else."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return _in_range(value.date())
    if isinstance(value, date):
        return _in_range(value)
    if isinstance(value, bool):
        raise NotADate(str(value))
    if isinstance(value, int | float):
        return _serial(value)
    text = " ".join(str(value).split())
    if not text:
        return None
    if re.fullmatch(r"\d+(\.0+)?", text):
        return _serial(float(text))
    text = _TIME.sub("", _ORDINAL.sub("", text)).replace(",", ", ").replace(" ,", ",")
    text = " ".join(text.split())
    if len(text) > 40:
        raise NotADate(text)
    for fmt in _FORMATS:
        try:
            return _in_range(datetime.strptime(text, fmt).date())
        except ValueError:
            continue
    raise NotADate(text)


def _serial(number: float) -> date:
    if number != number or not _SERIALS[0] <= number <= _SERIALS[1]:  # NaN too
        raise NotADate(str(number))
    return _EXCEL_EPOCH + timedelta(days=int(number))


def _in_range(value: date) -> date:
    if not EARLIEST <= value <= LATEST:
        raise NotADate(value.isoformat())
    return value

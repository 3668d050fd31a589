"""Form data as a browser sends it."""

from datetime import date


def typed(day: date) -> list[str]:
    """A date as typed into the GOV.UK date input's three boxes (day, month, year)."""
    return [str(day.day), str(day.month), str(day.year)]


def multi(pairs) -> dict:
    """(name, value) pairs as the test client posts them: a name given more than once
    (checkboxes, a date's boxes) has a list of its values."""
    data: dict[str, list] = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    return {k: v if len(v) > 1 else v[0] for k, v in data.items()}

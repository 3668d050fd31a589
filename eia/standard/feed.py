"""This council's ``eia-practice/1`` feed, built from the annual report's figures.

Every figure comes from ``eia.reporting.annual.annual_report`` (run for each published
year), so the feed says what the annual report and the dashboard's two questions say for the
same year and directorate: its rows (``DirectorateYear``: screened out, fully assessed,
approved, completion, working days signed off before the decision, reviews, actions,
published) and ``eia.reporting.groups.groups`` (outcome mix, decisions with a negative impact
after mitigation per characteristic), the council's from the report and each directorate's
by the same function over that directorate's decisions (``decision_records.load``).

The years published: the current financial year and the ``TREND_YEARS - 1`` before it, each
one that has anything to count. Small numbers are suppressed (``suppression``).
"""

from datetime import date, datetime

from sqlmodel import Session

from eia.models import london_date, utcnow
from eia.models.enums import Outcome
from eia.reporting.annual import TREND_YEARS, DirectorateYear, annual_report
from eia.reporting.decision_records import Cells, characteristics, load
from eia.reporting.groups import Groups, groups
from eia.reporting.years import FinancialYear

from . import STANDARD
from .suppression import SMALL, shown, suppress

COMPLETION = (
    ("on_time", "on_time"),
    ("late", "late"),
    ("missed", "missed"),
    ("no_decision_date", "no_date"),
)
OUTCOMES = [o.value for o in Outcome]
SUPPRESSION_WORDS = (
    'Counts of 1 to 4 are shown as "<5"; in every set of figures that add up (a figure\'s '
    "directorates with the council's total; a row's outcomes with its decisions approved) "
    "no suppressed cell is left alone. Shares only where both counts are shown; medians only "
    "over five or more decisions."
)


def race_first(names: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The council's characteristics in its order, race first (as London Councils asks)."""
    return sorted(names, key=lambda c: 0 if c[1].strip().lower().startswith("race") else 1)


def _raw(row: DirectorateYear, found: Groups, chars) -> dict[str, int]:
    """The counts of one row, by field address."""
    values = {
        "screened_out": row.screened_out,
        "fully_assessed": row.fully_assessed,
        "approved": row.approved,
        "reviews.done": row.reviews_done,
        "reviews.on_time": row.reviews_on_time,
        "actions.due": row.actions_due,
        "actions.delivered": row.actions_delivered,
        "published.count": row.published,
    }
    for field, attr in COMPLETION:
        values[f"completion.{field}"] = getattr(row.completion, attr)
    for o in OUTCOMES:
        values[f"outcomes.{o}"] = found.outcomes.get(o, 0)
    negative = {r.characteristic_id: r.of(found.year).negative for r in found.rows}
    for cid, name in chars:
        values[f"negative.{name}"] = negative.get(cid, 0)
    return values


def _median(row: DirectorateYear):
    signed = row.time.signed
    if not signed:
        return None
    if len(signed) < SMALL:
        return "<5"
    value = row.time.median_signed
    return int(value) if float(value).is_integer() else value


def _figures(name, total, row, values, hidden, address, chars) -> dict:
    def count(field):
        return shown(values[field], (address, field) in hidden)

    published, approved = values["published.count"], values["approved"]
    share_known = approved and not {(address, "published.count"), (address, "approved")} & hidden
    return {
        "directorate": name,
        "total": total,
        "screened_out": count("screened_out"),
        "fully_assessed": count("fully_assessed"),
        "approved": count("approved"),
        "completion": {field: count(f"completion.{field}") for field, _ in COMPLETION},
        "median_working_days_signed_before": _median(row),
        "reviews": {"done": count("reviews.done"), "on_time": count("reviews.on_time")},
        "actions": {"due": count("actions.due"), "delivered": count("actions.delivered")},
        "published": {
            "count": count("published.count"),
            "share": round(published * 100 / approved) if share_known else None,
        },
        "outcomes": {o: count(f"outcomes.{o}") for o in OUTCOMES},
        "negative_residual": [
            {"characteristic": n, "decisions": count(f"negative.{n}")} for _, n in chars
        ],
    }


def year_figures(session: Session, year: FinancialYear, today: date, chars=None) -> dict | None:
    """One year of the feed (None when the year has nothing to count)."""
    chars = chars if chars is not None else race_first(characteristics(session))
    report = annual_report(session, year, today, trend=1)
    total = report.total
    if not (total.decisions or total.reviews_done or total.actions_due):
        return None
    decisions = load(session, year, year, today)
    rows = [("total", "All directorates", True, total, report.groups)]
    for r in report.directorates:
        own = [d for d in decisions if d.directorate_id == r.directorate_id]
        found = groups(own, chars, year, Cells(), trend=1)
        rows.append((r.directorate_id, r.directorate, False, r, found))
    values: dict = {}
    for address, _, _, row, found in rows:
        for field, value in _raw(row, found, chars).items():
            values[(address, field)] = value
    fields = {f for _, f in values}
    sets = [[(a, f) for a, *_ in rows[1:]] + [("total", f)] for f in sorted(fields)]
    sets += [[(a, f"outcomes.{o}") for o in OUTCOMES] + [(a, "approved")] for a, *_ in rows]
    hidden = suppress(values, sets)
    return {
        "year": year.label,
        "first_day": year.first_day.isoformat(),
        "last_day": year.last_day.isoformat(),
        "directorates": [
            _figures(name, is_total, row, {f: values[(a, f)] for f in fields}, hidden, a, chars)
            for a, name, is_total, row, _ in [*rows[1:], rows[0]]
        ],
    }


def build_feed(
    session: Session, council: str, today: date | None = None, now: datetime | None = None
) -> dict:
    """The unsigned feed."""
    now = now or utcnow()
    today = today or london_date(now)
    chars = race_first(characteristics(session))
    current = FinancialYear.of(today)
    years = []
    for n in range(TREND_YEARS):
        figures = year_figures(session, current.previous(n), today, chars)
        if figures is not None:
            years.append(figures)
    return {
        "standard": STANDARD,
        "council": {"name": council},
        "published_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "suppression": SUPPRESSION_WORDS,
        "years": years,
    }


def signed_feed(session: Session, council: str, today: date | None = None) -> dict:
    from .signing import council_key, sign  # cryptography: loaded when a feed is signed

    return sign(build_feed(session, council, today), council_key(session))

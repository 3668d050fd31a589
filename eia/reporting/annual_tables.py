"""The annual report's download: one row per directorate per financial year, the same
columns every year, so years can be compared (and pasted under one another)."""

from eia.exports.tables import Table

from .annual import AnnualReport, DirectorateYear
from .tables import days, percent

ANNUAL_COLUMNS = [
    "Financial year",
    "Directorate",
    "Decisions",
    "Screened out",
    "Fully assessed",
    "Signed off",
    "Decisions due",
    "Signed off on time",
    "Signed off late",
    "Signed off, no decision date recorded",
    "Missed (not signed off)",
    "Completion rate (%)",
    "Median working days started before the decision",
    "Median working days signed off before the decision",
    "Decisions whose assessment started after the decision date",
    "Reviews done",
    "Reviews done on time",
    "Actions due",
    "Actions delivered on or before their due date",
    "Signed off and on the public register",
    "Share of signed off on the public register (%)",
    "Signed-off decisions with a negative impact after mitigation",
    "Of those, mitigation lowered a band",
    "EIAs with a quality flag",
]


def annual_cells(r: DirectorateYear) -> list:
    c, t = r.completion, r.time
    return [
        r.year.label,
        r.directorate,
        r.decisions,
        r.screened_out,
        r.fully_assessed,
        r.approved,
        c.due,
        c.on_time,
        c.late,
        c.no_date,
        c.missed,
        percent(c.rate),
        days(t.median_started),
        days(t.median_signed),
        t.started_after,
        r.reviews_done,
        r.reviews_on_time,
        r.actions_due,
        r.actions_delivered,
        r.published,
        percent(r.published_share),
        r.negative,
        r.mitigated,
        r.flagged_eias,
    ]


def annual_table(report: AnnualReport) -> Table:
    t = Table(f"EIAs by directorate and year to {report.year.label}", ANNUAL_COLUMNS)
    for r in report.history:
        t.add(*annual_cells(r))
    return t

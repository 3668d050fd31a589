"""The dashboard's tables as ``eia.exports.tables.Table``, for CSV and XLSX downloads: built
from the same ``Dashboard`` the page shows, so a download always has the page's numbers."""

from eia.exports.tables import Table
from eia.models.enums import OUTCOME_LABELS, Outcome
from eia.scoring import BANDS
from workflows.lifecycle import STATES

from .cumulative import Cumulative
from .drilldown import DrillDown
from .figures import Completion, Dashboard
from .quality import FLAGS
from .stages import STAGES

STATE_LABELS = {s.name: s.label for s in STATES}


def percent(value: float | None) -> int | None:
    """A share as a whole percentage, as the page writes it (None: nothing to divide)."""
    return None if value is None else round(value * 100)


def days(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


_COMPLETION_COLUMNS = [
    "Signed off on time",
    "Signed off late",
    "Signed off, no decision date recorded",
    "Missed (not signed off)",
    "Decision to come",
    "Decisions due",
    "Completion rate (%)",
]


def _completion_cells(c: Completion) -> list:
    return [c.on_time, c.late, c.no_date, c.missed, c.upcoming, c.due, percent(c.rate)]


def completion(d: Dashboard) -> Table:
    t = Table(
        "Completion by directorate and quarter", ["Directorate", "Quarter"] + _COMPLETION_COLUMNS
    )
    for c in d.completion:
        t.add(c.directorate, c.quarter_label, *_completion_cells(c))
    t.add("All directorates", "All quarters", *_completion_cells(d.completion_total))
    return t


def completion_by_quarter(d: Dashboard) -> Table:
    t = Table("Completion by quarter", ["Quarter"] + _COMPLETION_COLUMNS)
    for c in d.completion_by_quarter:
        t.add(c.quarter_label, *_completion_cells(c))
    return t


def states(d: Dashboard) -> Table:
    t = Table("EIAs in each state", ["State", "EIAs"])
    for s in STATES:
        t.add(s.label, d.states.get(s.name, 0))
    t.add("All states", d.total_eias)
    return t


def overdue(d: Dashboard) -> Table:
    t = Table("Overdue reviews and actions", ["Figure", "Number"])
    for label, n in review_rows(d):
        t.add(label, n)
    t.add("Overdue actions", d.overdue_actions)
    t.add("EIAs with an overdue action", d.eias_with_overdue_actions)
    return t


def stages(d: Dashboard) -> Table:
    t = Table("Median days in each stage", ["Stage", "Median days", "Finished spells"])
    for name in STAGES:
        s = d.stages[name]
        t.add(STATE_LABELS[name], days(s.median_days), s.spells)
    return t


def screening(d: Dashboard) -> Table:
    t = Table("Share screened out", ["Figure", "Number"])
    t.add("Screened out", d.screened_out)
    t.add("Went into full assessment", d.fully_assessed)
    t.add("Finished screening", d.screening_decided)
    t.add("Share screened out (%)", percent(d.share_screened_out))
    return t


def evidence_gaps(d: Dashboard) -> Table:
    t = Table("Evidence gaps by characteristic", ["Characteristic", "Evidence gaps"])
    for row in d.evidence_gaps:
        t.add(row.name, row.count)
    t.add("All characteristics", d.evidence_gaps_total)
    return t


def outcomes(d: Dashboard) -> Table:
    t = Table("Outcomes", ["Outcome", "EIAs"])
    for o in Outcome:
        t.add(OUTCOME_LABELS[o], d.outcomes[o.value])
    return t


def negative_impacts(d: Dashboard) -> Table:
    t = Table(
        "Negative residual impact by characteristic",
        ["Characteristic"] + [b.label for b in reversed(BANDS)] + ["Total"],
    )
    for row in d.negative_impacts:
        t.add(row.name, *[row.by_band[b.key] for b in reversed(BANDS)], row.total)
    return t


def quality_flags(d: Dashboard) -> Table:
    t = Table("Quality flags", ["Flag", "Counted in", "Number"])
    for f in FLAGS:
        t.add(f.label, flag_unit(f), d.flags[f.key])
    return t


def flag_unit(f) -> str:
    """What a flag's number counts: decisions (one per version) or EIAs."""
    return "decisions" if f.decision_part else "EIAs"


def review_rows(d: Dashboard) -> list[tuple[str, int]]:
    """The overdue reviews, as the page and the download word them."""
    return [
        ("Review date passed, review not started (approved)", d.reviews_past_date),
        (
            "Review date passed, under review and not yet confirmed or revised",
            d.reviews_under_review,
        ),
        ("Overdue reviews (both)", d.reviews_overdue),
    ]


TABLES = {
    "completion": completion,
    "completion_by_quarter": completion_by_quarter,
    "states": states,
    "overdue": overdue,
    "stages": stages,
    "screening": screening,
    "evidence_gaps": evidence_gaps,
    "outcomes": outcomes,
    "negative_impacts": negative_impacts,
    "quality_flags": quality_flags,
}


def drilldown_table(dd: DrillDown) -> Table:
    t = Table(
        dd.title[:80],
        [
            "Reference",
            "Title",
            "State",
            "Directorate",
            "Service",
            "Decision date",
            *dd.detail_columns,
        ],
    )
    for e in dd.entries:
        t.add(
            e.reference,
            e.title,
            STATE_LABELS.get(e.status, e.status),
            e.directorate,
            e.service,
            e.decision_date,
            *e.details,
        )
    return t


def cumulative_table(c: Cumulative, group: str) -> Table:
    t = Table(
        f"Cumulative impact on {group}"[:80],
        [
            "Reference",
            "Title",
            "State",
            "Directorate",
            "Decision date",
            "Decision round",
            "Group affected",
            "Intersectional",
            "Band after mitigation",
            "Score",
            "Mitigation",
        ],
    )
    for r in c.rows:
        t.add(
            r.reference,
            r.title,
            STATE_LABELS.get(r.status, r.status),
            r.directorate,
            r.decision_date,
            r.decision_round,
            r.group,
            r.intersectional,
            r.band_label,
            r.score,
            r.mitigation,
        )
    return t

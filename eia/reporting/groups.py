""" "Which groups keep getting hit?": per characteristic and financial year, the signed-off
decisions (not impact rows) that found a negative impact on it after mitigation.

- A decision counts once per characteristic, under the worst band of its negative impacts
  on it after mitigation. An intersectional impact (race and sex, say) counts under each
  characteristic it combines.
- Signed-off decisions only (each version of an EIA is one: ``eia.reporting.decisions``), in
  the year of their decision date; decisions of policies since archived are left out.
- **Positive**: decisions that found a positive impact on the characteristic, alongside.
- **Cumulative impact**: a group hit by ``WARNING_AT`` or more decisions in one year is
  flagged: their impacts need considering together.
- **A decision round** (``round_groups``): every group at once, counted the same way over the
  signed-off decisions of the EIAs tagged with one decision round (a budget round, say),
  whatever their year; a group hit by ``WARNING_AT`` or more of them is flagged.
- **Mitigated**: decisions where mitigation moved a negative impact on the group to a lower
  band (its band after mitigation is below its band before).
- **Outcome mix** of the year's signed-off decisions, and how many proposals changed because
  of the assessment: outcome 2 (adjust the proposal), or engagement that records what
  changed ("you said, we did").
"""

from dataclasses import dataclass, field

from eia.models.enums import Outcome
from eia.scoring import BANDS

from .cumulative import WARNING_AT
from .decision_records import DECISION_COLUMNS, Cells, Decision, decision_item
from .years import FinancialYear

BAND_KEYS = [b.key for b in BANDS]
RANK = {b.key: b.rank for b in BANDS}
BAND_LABELS = {b.key: b.label for b in BANDS}
GROUP_COLUMNS = (*DECISION_COLUMNS, "This decision's date", "Worst band after mitigation")


@dataclass
class GroupYear:
    by_band: dict[str, int] = field(default_factory=lambda: dict.fromkeys(BAND_KEYS, 0))
    negative: int = 0
    positive: int = 0
    mitigated: int = 0


@dataclass
class GroupRow:
    characteristic_id: int
    name: str
    years: dict[FinancialYear, GroupYear]

    def of(self, year: FinancialYear) -> GroupYear:
        return self.years.get(year) or GroupYear()


@dataclass
class Groups:
    year: FinancialYear
    years: list[FinancialYear]  # the trend, oldest first, ending with ``year``
    rows: list[GroupRow]  # most hit first in ``year``
    warning_at: int
    outcomes: dict[str, int]
    signed_off: int
    changed_outcome_2: int
    changed_engagement: int
    changed_either: int

    def flagged(self) -> list[GroupRow]:
        return [r for r in self.rows if r.of(self.year).negative >= self.warning_at]


def _worst(bands) -> str | None:
    known = [b for b in bands if b in RANK]
    return max(known, key=RANK.get) if known else None


def groups(
    decisions: list[Decision],
    characteristics: list[tuple[int, str]],
    year: FinancialYear,
    cells: Cells,
    trend: int = 5,
    warning_at: int = WARNING_AT,
) -> Groups:
    years = [year.previous(n) for n in reversed(range(trend))]
    rows = {cid: GroupRow(cid, name, {}) for cid, name in characteristics}
    for d in decisions:
        if not d.signed or d.status == "archived" or d.year not in years:
            continue
        _count(cells, rows, d)
    outcome_counts, changed = _outcomes(cells, decisions, year)
    ordered = sorted(
        rows.values(),
        key=lambda r: (
            -r.of(year).negative,
            *[-r.of(year).by_band[b] for b in reversed(BAND_KEYS)],
            -r.of(year).positive,
        ),
    )
    return Groups(
        year,
        years,
        ordered,
        warning_at,
        outcome_counts,
        sum(outcome_counts.values()),
        *changed,
    )


def _count(cells: Cells, rows: dict, d: Decision) -> None:
    """Count ``d`` in its financial year."""
    y = d.year
    _tally(
        cells,
        rows,
        d,
        lambda row: row.years.setdefault(y, GroupYear()),
        lambda cid, what: f"group.{cid}.{y.value}.{what}",
        y.label,
    )


def _tally(cells: Cells, rows: dict, d: Decision, counts_of, key, label: str) -> None:
    """Count ``d`` once under each group it found an impact on: under the worst band of its
    negative impacts on it after mitigation (an intersectional impact under each
    characteristic it combines), positive alongside. ``counts_of(row)`` is the ``GroupYear``
    to add to, ``key(cid, what)`` the cell's key and ``label`` ends its title."""
    negative, positive, mitigated = {}, set(), set()
    for impact in d.impacts:
        for cid in impact.characteristics:
            if impact.direction == "positive":
                positive.add(cid)
            elif impact.direction == "negative" and impact.residual in RANK:
                negative.setdefault(cid, []).append(impact.residual)
                if impact.inherent in RANK and RANK[impact.residual] < RANK[impact.inherent]:
                    mitigated.add(cid)
    for cid, bands in negative.items():
        if cid not in rows:
            continue
        worst = _worst(bands)
        counts = counts_of(rows[cid])
        counts.negative += 1
        counts.by_band[worst] += 1
        item = decision_item(d, d.decision_date, BAND_LABELS[worst])
        name = rows[cid].name
        cells.add(
            key(cid, "negative"),
            f"Signed-off decisions with a negative impact after mitigation on {name}, {label}",
            "decision",
            GROUP_COLUMNS,
            [item],
        )
        cells.add(
            key(cid, worst),
            f"Signed-off decisions whose worst negative impact on {name} after mitigation is "
            f"{BAND_LABELS[worst].lower()}, {label}",
            "decision",
            GROUP_COLUMNS,
            [item],
        )
        if cid in mitigated:
            counts.mitigated += 1
            cells.add(
                key(cid, "mitigated"),
                f"Signed-off decisions where mitigation lowered the band of a negative impact "
                f"on {name}, {label}",
                "decision",
                GROUP_COLUMNS,
                [item],
            )
    for cid in positive:
        if cid not in rows:
            continue
        counts_of(rows[cid]).positive += 1
        cells.add(
            key(cid, "positive"),
            f"Signed-off decisions with a positive impact on {rows[cid].name}, {label}",
            "decision",
            (*DECISION_COLUMNS, "This decision's date"),
            [decision_item(d, d.decision_date)],
        )


# --- all groups in one decision round ---------------------------------------------------------


@dataclass
class RoundRow:
    characteristic_id: int
    name: str
    counts: GroupYear = field(default_factory=GroupYear)


@dataclass
class RoundGroups:
    """Every group's count in one decision round (a budget round, say): its signed-off
    decisions whatever their year, counted as a year's are (cells ``round.<id>.<what>``)."""

    decision_round: str
    rows: list[RoundRow]  # most hit first
    warning_at: int
    signed_off: int

    def flagged(self) -> list[RoundRow]:
        return [r for r in self.rows if r.counts.negative >= self.warning_at]


def round_groups(
    decisions: list[Decision],
    characteristics: list[tuple[int, str]],
    decision_round: str,
    cells: Cells,
    warning_at: int = WARNING_AT,
) -> RoundGroups:
    rows = {cid: RoundRow(cid, name) for cid, name in characteristics}
    signed_off = 0
    for d in decisions:
        if not d.signed or d.status == "archived" or d.decision_round != decision_round:
            continue
        signed_off += 1
        _tally(
            cells,
            rows,
            d,
            lambda row: row.counts,
            lambda cid, what: f"round.{cid}.{what}",
            decision_round,
        )
    ordered = sorted(
        rows.values(),
        key=lambda r: (
            -r.counts.negative,
            *[-r.counts.by_band[b] for b in reversed(BAND_KEYS)],
            -r.counts.positive,
        ),
    )
    return RoundGroups(decision_round, ordered, warning_at, signed_off)


def _outcomes(cells: Cells, decisions: list[Decision], year: FinancialYear):
    counts = {o.value: 0 for o in Outcome}
    changed = [0, 0, 0]
    columns = (*DECISION_COLUMNS, "This decision's date", "Outcome")
    for d in decisions:
        if not d.signed or d.year != year:
            continue
        item = decision_item(d, d.decision_date, f"Outcome {d.outcome}" if d.outcome else "None")
        if d.outcome in counts:
            counts[d.outcome] += 1
            cells.add(
                f"outcome.{d.outcome}.{year.value}",
                f"Signed-off decisions with outcome {d.outcome}, {year.label}",
                "decision",
                columns,
                [item],
            )
        for i, (key, holds, words) in enumerate(
            (
                ("outcome_2", d.outcome == Outcome.adjust.value, "adjusted (outcome 2)"),
                ("engagement", d.engagement_changed, "changed after engagement"),
                (
                    "either",
                    d.outcome == Outcome.adjust.value or d.engagement_changed,
                    "changed because of the assessment",
                ),
            )
        ):
            if holds:
                changed[i] += 1
                cells.add(
                    f"changed.{key}.{year.value}",
                    f"Signed-off proposals {words}, {year.label}",
                    "decision",
                    columns,
                    [item],
                )
    return counts, changed

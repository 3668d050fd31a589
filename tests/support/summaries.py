"""The kept summaries (stage spells, each EIA's summary columns, each version's decision),
comparable across a rebuild from the audit trail."""

from sqlmodel import select

from eia.models import Eia, EiaDecision, StageSpell, as_utc
from eia.reporting.summaries import SUMMARY_COLUMNS


class Days:
    """A spell's days, equal to another within a tenth of a second (Python works them out
    as the step happens, the database on a rebuild: the last float digits may differ)."""

    def __init__(self, value: float | None):
        self.value = value

    def __eq__(self, other) -> bool:
        if not isinstance(other, Days) or (self.value is None) != (other.value is None):
            return False
        return self.value is None or abs(self.value - other.value) < 1e-6

    def __repr__(self) -> str:
        return f"Days({self.value!r})"


def snapshot(session) -> tuple[list, list, list]:
    """Every spell, every EIA's summary columns and every version's decision, comparable
    across a rebuild."""
    spells = [
        (
            s.eia_id,
            s.stage,
            s.entered_seq,
            as_utc(s.entered_at),
            None if s.left_at is None else as_utc(s.left_at),
            Days(s.days),
        )
        for s in session.exec(select(StageSpell).order_by(StageSpell.entered_seq))
    ]
    eias = [
        tuple(row)
        for row in session.exec(
            select(Eia.id, *[getattr(Eia, c) for c in SUMMARY_COLUMNS]).order_by(Eia.id)
        )
    ]
    decisions = [
        (
            d.eia_id,
            d.version,
            None if d.signed_off_at is None else as_utc(d.signed_off_at),
            d.decision_date,
            d.late,
        )
        for d in session.exec(select(EiaDecision).order_by(EiaDecision.eia_id, EiaDecision.version))
    ]
    return spells, eias, decisions


def page_snapshot(session) -> list[tuple]:
    """Every EIA's kept page summary (eia.reporting.page_summaries), comparable across a
    rebuild."""
    from eia.models import EiaPageSummary

    return [
        (r.eia_id, r.version, r.problems, r.facts, sorted(r.worked_on), r.basis)
        for r in session.exec(select(EiaPageSummary).order_by(EiaPageSummary.eia_id))
    ]

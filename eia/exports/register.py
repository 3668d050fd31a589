"""The register of EIAs as a table (CSV and XLSX through ``tables.download``): the signed-in
person's register is the very list the "All EIAs" page shows (``queries.list_eias``, which
applies ``visible_clause``), with more columns.

Sign-off date and the late flag come from the latest approval of the EIA (the sign-off of
its current or last approved version); an EIA never approved has neither.
"""

import sqlalchemy as sa
from sqlmodel import Session, select

from eia.models import Eia, SignOff, london_date
from eia.models.enums import OUTCOME_LABELS, SignOffDecision
from workflows.lifecycle import state

from .tables import Table

REGISTER_COLUMNS = [
    "Reference",
    "Title",
    "Directorate",
    "Service",
    "State",
    "Decision date",
    "Sign-off date",
    "Signed off late",
    "Outcome",
    "Review date",
]


def latest_approvals(session: Session, eia_ids: list[int]) -> dict[int, SignOff]:
    """Each EIA's most recent approval, in one query."""
    if not eia_ids:
        return {}
    ranked = (
        select(
            SignOff.id,
            sa.func.row_number()
            .over(
                partition_by=SignOff.eia_id, order_by=(SignOff.signed_at.desc(), SignOff.id.desc())
            )
            .label("n"),
        )
        .where(SignOff.eia_id.in_(eia_ids), SignOff.decision == SignOffDecision.approved)
        .subquery()
    )
    rows = session.exec(
        select(SignOff).join(ranked, ranked.c.id == SignOff.id).where(ranked.c.n == 1)
    ).all()
    return {s.eia_id: s for s in rows}


def _outcome(code: str | None) -> str:
    return OUTCOME_LABELS.get(code, code or "")


def register_table(session: Session, eias: list[Eia], title: str = "EIA register") -> Table:
    approvals = latest_approvals(session, [e.id for e in eias])
    table = Table(title, list(REGISTER_COLUMNS))
    for eia in eias:
        approval = approvals.get(eia.id)
        table.add(
            eia.reference,
            eia.title,
            eia.directorate.name,
            eia.service.name,
            state(eia.status).label,
            eia.decision_date,
            london_date(approval.signed_at) if approval else None,
            (approval.late if approval else None),
            _outcome(eia.outcome),
            eia.review_date,
        )
    return table

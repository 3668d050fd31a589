"""An EIA's audit trail, as its page and downloads show it (the whole trail's checks and
search are eia/audit.py and eia/audit_search.py)."""

from sqlmodel import Session, select

from eia.models import AuditRecord


def audit_trail(session: Session, eia_id: int) -> list[AuditRecord]:
    return list(
        session.exec(
            select(AuditRecord).where(AuditRecord.eia_id == eia_id).order_by(AuditRecord.seq)
        ).all()
    )

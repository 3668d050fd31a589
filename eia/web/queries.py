"""What the pages read, each in a fixed, small number of queries (no query per row)."""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload
from sqlmodel import Session, select

from eia.capabilities import visible_clause
from eia.models import (
    ActionItem,
    AuditRecord,
    Eia,
    EiaVersion,
    ImpactAssessment,
    IntersectionalImpact,
    ReviewRecord,
    ScreeningAnswer,
    SignOff,
    User,
)


def list_eias(session: Session, user: User, status: str | None = None) -> list[Eia]:
    """Every EIA this person may see (or those in ``status``) with its service, directorate
    and owner, newest first."""
    query = (
        select(Eia)
        .where(visible_clause(user))
        .options(joinedload(Eia.service), joinedload(Eia.directorate), joinedload(Eia.owner))
        .order_by(Eia.created_at.desc(), Eia.id.desc())
    )
    if status is not None:
        query = query.where(Eia.status == status)
    return list(session.exec(query).all())


def count_by_status(session: Session, user: User) -> dict[str, int]:
    rows = session.exec(select(Eia.status, sa.func.count()).where(visible_clause(user))
                        .group_by(Eia.status)).all()
    return dict(rows)


def eia_for_page(session: Session, reference: str) -> Eia | None:
    """An EIA with everything its page shows."""
    return session.exec(
        select(Eia)
        .where(Eia.reference == reference)
        .options(
            joinedload(Eia.service),
            joinedload(Eia.directorate),
            joinedload(Eia.owner),
            selectinload(Eia.screening_answers).joinedload(ScreeningAnswer.characteristic),
            selectinload(Eia.impacts).joinedload(ImpactAssessment.characteristic),
            selectinload(Eia.intersectional_impacts)
            .selectinload(IntersectionalImpact.characteristics),
            selectinload(Eia.engagements),
            selectinload(Eia.actions).joinedload(ActionItem.owner),
            selectinload(Eia.sign_offs).joinedload(SignOff.approver),
            selectinload(Eia.reviews).joinedload(ReviewRecord.reviewer),
            selectinload(Eia.versions),
        )
    ).one_or_none()


def audit_trail(session: Session, eia_id: int) -> list[AuditRecord]:
    return list(session.exec(
        select(AuditRecord).where(AuditRecord.eia_id == eia_id).order_by(AuditRecord.seq)
    ).all())


def frozen_version(session: Session, reference: str, number: int) -> EiaVersion | None:
    return session.exec(
        select(EiaVersion)
        .join(Eia, Eia.id == EiaVersion.eia_id)
        .where(Eia.reference == reference, EiaVersion.version == number)
        .options(joinedload(EiaVersion.eia))
    ).one_or_none()

"""What waits for someone: the approver's sign-off inbox, and the EIAs a person owns or has
actions on ("My EIAs")."""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload
from sqlmodel import Session, select

from eia.models import ActionItem, Eia, EiaPageSummary, User
from workflows.lifecycle import Status


def _waiting_for(user: User):
    return sa.and_(
        Eia.status == Status.awaiting_sign_off, Eia.directorate_id == user.effective_directorate_id
    )


def count_awaiting(session: Session, user: User) -> int:
    """How many EIAs await sign-off in this approver's directorate."""
    return session.exec(select(sa.func.count(Eia.id)).where(_waiting_for(user))).one()


def awaiting_sign_off(session: Session, user: User, *, offset: int, limit: int) -> list[Eia]:
    """EIAs awaiting this approver's directorate: nearest decision date first (none last),
    then the longest waiting; ``limit`` of them from ``offset``, with service and owner."""
    query = (
        select(Eia)
        .where(_waiting_for(user))
        .options(selectinload(Eia.service), selectinload(Eia.owner))
        .order_by(Eia.decision_date.is_(None), Eia.decision_date, Eia.status_changed_at)
    )
    return list(session.exec(query.offset(offset).limit(limit)).all())


def awaiting_sign_off_kept(
    session: Session, user: User, *, offset: int, limit: int
) -> list[tuple[Eia, EiaPageSummary | None]]:
    """``awaiting_sign_off`` in one query: each EIA with its service, owner and directorate,
    and what is kept about it (eia.reporting.page_summaries: who worked on its version)."""
    query = (
        select(Eia, EiaPageSummary)
        .outerjoin(EiaPageSummary, EiaPageSummary.eia_id == Eia.id)
        .where(_waiting_for(user))
        # The directorate too: the page names it (the approver's own, then read from here).
        .options(joinedload(Eia.service), joinedload(Eia.owner), joinedload(Eia.directorate))
        .order_by(Eia.decision_date.is_(None), Eia.decision_date, Eia.status_changed_at)
    )
    return [tuple(row) for row in session.exec(query.offset(offset).limit(limit)).all()]


def _actions_owned(user_id: int):
    return select(ActionItem.eia_id).where(ActionItem.owner_id == user_id)


def eias_of(session: Session, user: User) -> list[Eia]:
    """The EIAs this person owns or owns an action on, the latest moved first, with what
    their next step is worked out from."""
    return list(
        session.exec(
            select(Eia)
            .where(sa.or_(Eia.owner_id == user.id, Eia.id.in_(_actions_owned(user.id))))
            .options(
                selectinload(Eia.actions),
                selectinload(Eia.screening_answers),
                selectinload(Eia.impacts),
                selectinload(Eia.directorate),
            )
            .order_by(Eia.status_changed_at.desc())
        ).all()
    )

"""Who receives what: a directorate's approvers, the Policy and Equality Unit, and each
person's choice of digest or immediate email. Each is one query, whatever the number of
EIAs. Who is an approver or in the unit is eia/capabilities.py's to say: a role given the
capability gets the emails."""

from collections import defaultdict
from collections.abc import Iterable

import sqlalchemy as sa
from sqlmodel import Session, select

from eia.capabilities import Capability, holders_clause
from eia.models import NotificationPreference, Service, User
from eia.models.notifications import Delivery


def directorate_approvers(
    session: Session, directorate_ids: Iterable[int]
) -> dict[int, list[User]]:
    """Active people who sign off (``Capability.sign_off``), by the directorate they sign
    off (their own, or their service's)."""
    ids = set(directorate_ids)
    if not ids:
        return {}
    effective = sa.func.coalesce(User.directorate_id, Service.directorate_id)
    rows = session.exec(
        select(User, effective)
        .outerjoin(Service, Service.id == User.service_id)
        .where(holders_clause(Capability.sign_off), User.active.is_(True), effective.in_(ids))
        .order_by(User.id)
    ).all()
    found: dict[int, list[User]] = defaultdict(list)
    for user, directorate_id in rows:
        found[directorate_id].append(user)
    return found


def equality_officers(session: Session) -> list[User]:
    """The active Policy and Equality Unit (``Capability.equality_unit``)."""
    return list(
        session.exec(
            select(User)
            .where(holders_clause(Capability.equality_unit), User.active.is_(True))
            .order_by(User.id)
        ).all()
    )


def users_by_id(session: Session, ids: Iterable[int]) -> dict[int, User]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    rows = session.exec(select(User).where(User.id.in_(ids), User.active.is_(True)))
    return {u.id: u for u in rows}


def reminder_delivery(session: Session, user_ids: Iterable[int]) -> dict[int, str]:
    """Each person's choice for non-urgent reminders (digest unless they chose otherwise)."""
    ids = set(user_ids)
    chosen = {}
    if ids:
        chosen = dict(
            session.exec(
                select(NotificationPreference.user_id, NotificationPreference.reminders).where(
                    NotificationPreference.user_id.in_(ids)
                )
            ).all()
        )
    return {i: chosen.get(i, Delivery.digest) for i in ids}


def preference_of(session: Session, user_id: int) -> str:
    row = session.get(NotificationPreference, user_id)
    return row.reminders if row is not None else Delivery.digest

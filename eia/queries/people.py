"""People: by email, the administrators, everyone (for the people page), those in a
directorate, and names by id. (Who receives which email is notifications/people.py.)"""

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from sqlmodel import Session, select

from eia.models import Service, User

from ._shared import taken


def user_by_email(session: Session, email: str) -> User | None:
    """The person with exactly this email address (stored lower-case)."""
    return session.exec(select(User).where(User.email == email)).first()


def email_taken(session: Session, email: str, except_id: int | None = None) -> bool:
    """Whether someone (other than ``except_id``) has this email, in any case."""
    return taken(session, User.id, sa.func.lower(User.email) == email.lower(), except_id=except_id)


def everyone(session: Session) -> list[User]:
    """Everyone, the active first, then by name, with their service's directorate and their
    own."""
    return list(
        session.exec(
            select(User)
            .options(
                selectinload(User.service).selectinload(Service.directorate),
                selectinload(User.directorate),
            )
            .order_by(User.active.desc(), sa.func.lower(User.name), User.id)
        ).all()
    )


def active_in_directorate(session: Session, directorate_id: int | None) -> list[User]:
    """Active people in the directorate: their own, or their service's."""
    return list(
        session.exec(
            select(User)
            .outerjoin(Service, User.service_id == Service.id)
            .where(
                User.active,
                sa.or_(
                    User.directorate_id == directorate_id, Service.directorate_id == directorate_id
                ),
            )
        ).all()
    )


def names_by_id(session: Session, ids: Iterable[int]) -> dict[int, str]:
    """``{id: name}`` for these people, active or not."""
    return dict(session.exec(select(User.id, User.name).where(User.id.in_(ids))).all())

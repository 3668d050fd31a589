"""Signing in: the mapping of the council account's app roles and groups to roles and
teams, and the failed sign-in attempts that slow guessing down (eia/web/throttle.py)."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from eia.models import ClaimMapping, LoginAttempt, User

from ._shared import taken


def claim_mappings(session: Session) -> list[ClaimMapping]:
    """Every mapping, app roles and groups apart, each by its value in any case."""
    return list(
        session.exec(
            select(ClaimMapping).order_by(ClaimMapping.kind, sa.func.lower(ClaimMapping.value))
        ).all()
    )


def mapping_taken(session: Session, kind: str, value: str, except_id: int | None = None) -> bool:
    """Whether another mapping (not ``except_id``) maps this app role or group."""
    return taken(
        session,
        ClaimMapping.id,
        ClaimMapping.kind == kind,
        ClaimMapping.value == value,
        except_id=except_id,
    )


def failed_attempts(session: Session, since: datetime, *clauses) -> tuple[int, datetime | None]:
    """How many sign-in attempts matching ``clauses`` failed after ``since``, and when the
    last of them was."""
    return session.exec(
        select(sa.func.count(), sa.func.max(LoginAttempt.at))
        .select_from(LoginAttempt)
        .where(LoginAttempt.succeeded.is_(False), LoginAttempt.at > since, *clauses)
    ).one()


def note_sign_in(session: Session, user_id: int, at: datetime) -> None:
    """When the person last signed in, for the retention schedule's inactive accounts
    (eia/retention.py): a fact about the account, not a change to it, so not audited."""
    session.execute(sa.update(User).where(User.id == user_id).values(last_sign_in_at=at))
    session.commit()

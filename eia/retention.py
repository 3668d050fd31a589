"""The retention schedule (UK GDPR storage limitation): personal data the product no longer
needs is deleted each night by the scheduler (notifications/tasks.py, "apply-retention"),
and each run writes one audit record with what it did, in counts (never the data itself).

The settings (eia/config.py, README "Retention and personal data"), in days; 0 switches one
off:
- RETENTION_LOGIN_ATTEMPT_DAYS (90): sign-in attempts (email address, network address);
- RETENTION_EMAIL_BODY_DAYS (90): the text of emails sent, or given up on, that long ago is
  emptied (the row stays, without its body: it is what stops a reminder being sent twice);
- RETENTION_MAILBOX_DAYS (30): the same, sooner, for the local mailbox (embedded mode);
- RETENTION_INACTIVE_ACCOUNT_DAYS (365): accounts nobody has signed in to for that long
  (or, never used, created that long ago) are deactivated;
- RETENTION_PSEUDONYMISE_AFTER_DAYS (0, off): deactivated accounts unused for that long are
  pseudonymised (eia/admin_operations.py ``pseudonymise``).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from eia import admin_operations as admin_ops
from eia.config import RETENTION_DEFAULTS as SETTINGS
from eia.models import LoginAttempt, OutboxEmail, User, as_utc, utcnow
from eia.models.enums import Role
from eia.models.notifications import OutboxStatus

SCHEDULER = "System (retention schedule)"

FINISHED = (OutboxStatus.sent, OutboxStatus.failed, OutboxStatus.in_digest)


@dataclass(frozen=True)
class Outcome:
    login_attempts_deleted: int = 0
    email_bodies_emptied: int = 0
    mailbox_emails_emptied: int = 0
    accounts_deactivated: int = 0
    accounts_pseudonymised: int = 0

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _before(now: datetime, days: int) -> datetime | None:
    return now - timedelta(days=days) if days else None


def _empty_bodies(session: Session, cutoff: datetime, *where) -> int:
    finished_at = sa.func.coalesce(OutboxEmail.sent_at, OutboxEmail.created_at)
    return session.execute(
        sa.update(OutboxEmail)
        .where(
            OutboxEmail.status.in_(FINISHED),
            finished_at < cutoff,
            sa.or_(OutboxEmail.body_text != "", OutboxEmail.body_html != ""),
            *where,
        )
        .values(body_text="", body_html="", context={})
    ).rowcount


def _unused_since(cutoff: datetime):
    return sa.func.coalesce(User.last_sign_in_at, User.created_at) < cutoff


def apply(session: Session, config, now: datetime | None = None) -> Outcome:
    """Apply the schedule once, in the caller's transaction, with its audit record."""
    now = as_utc(now or utcnow())
    counts = {}
    cutoff = _before(now, config["RETENTION_LOGIN_ATTEMPT_DAYS"])
    counts["login_attempts_deleted"] = (
        session.execute(sa.delete(LoginAttempt).where(LoginAttempt.at < cutoff)).rowcount
        if cutoff
        else 0
    )
    mailbox = _before(now, config["RETENTION_MAILBOX_DAYS"])
    counts["mailbox_emails_emptied"] = (
        _empty_bodies(session, mailbox, OutboxEmail.transport == "mailbox") if mailbox else 0
    )
    bodies = _before(now, config["RETENTION_EMAIL_BODY_DAYS"])
    counts["email_bodies_emptied"] = _empty_bodies(session, bodies) if bodies else 0

    deactivated = 0
    inactive = _before(now, config["RETENTION_INACTIVE_ACCOUNT_DAYS"])
    if inactive:
        for person in session.exec(
            select(User).where(User.active.is_(True), _unused_since(inactive)).order_by(User.id)
        ).all():
            if person.role == Role.admin and _last_active_admin(session, person):
                continue  # never lock the council out of its own product
            deactivated += admin_ops.set_user_active(session, SCHEDULER, person, False, at=now)
    counts["accounts_deactivated"] = deactivated

    pseudonymised = 0
    leavers = _before(now, config["RETENTION_PSEUDONYMISE_AFTER_DAYS"])
    if leavers:
        for person in session.exec(
            select(User).where(User.active.is_(False), _unused_since(leavers)).order_by(User.id)
        ).all():
            if not admin_ops.is_pseudonymised(person):
                admin_ops.pseudonymise(session, SCHEDULER, person, at=now)
                pseudonymised += 1
    counts["accounts_pseudonymised"] = pseudonymised

    outcome = Outcome(**counts)
    admin_ops.record_retention(
        session,
        SCHEDULER,
        {"counts": outcome.as_dict(), "schedule_days": {k: config[k] for k in SETTINGS}},
        now,
    )
    return outcome


def _last_active_admin(session: Session, person: User) -> bool:
    others = session.exec(
        select(sa.func.count())
        .select_from(User)
        .where(User.role == Role.admin, User.active.is_(True), User.id != person.id)
    ).one()
    return others == 0

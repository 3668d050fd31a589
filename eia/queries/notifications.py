"""The local mailbox (embedded mode): the emails delivered to it that a person may read."""

from sqlmodel import Session, select

from eia.models import OutboxEmail
from eia.models.notifications import OutboxStatus


def _mailbox(recipient_id: int | None):
    """The emails in the local mailbox: everyone's (``recipient_id`` None) or one
    person's."""
    query = select(OutboxEmail).where(
        OutboxEmail.status == OutboxStatus.sent, OutboxEmail.transport == "mailbox"
    )
    if recipient_id is not None:
        query = query.where(OutboxEmail.recipient_id == recipient_id)
    return query


def mailbox_emails(
    session: Session, recipient_id: int | None, limit: int = 200
) -> list[OutboxEmail]:
    """The latest ``limit`` emails in the mailbox (everyone's, or one person's), newest
    first."""
    return list(
        session.exec(
            _mailbox(recipient_id)
            .order_by(OutboxEmail.sent_at.desc(), OutboxEmail.id.desc())
            .limit(limit)
        ).all()
    )


def mailbox_email(session: Session, recipient_id: int | None, outbox_id: int) -> OutboxEmail | None:
    """One email in the mailbox (everyone's, or one person's), if it is there."""
    return session.exec(_mailbox(recipient_id).where(OutboxEmail.id == outbox_id)).first()

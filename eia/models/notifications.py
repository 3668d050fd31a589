"""The email outbox and each person's choice of how reminders reach them."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .base import utcnow


class OutboxStatus:
    queued = "queued"  # waiting to be sent (or, delivery "digest", for the digest)
    sending = "sending"  # claimed by one worker, which is talking to the mail server
    sent = "sent"  # accepted by the mail server (or put in the local mailbox)
    failed = "failed"  # gave up after the last retry, or refused outright
    in_digest = "in_digest"  # delivered inside the daily digest email ``digest_id``


class Delivery:
    immediate = "immediate"
    digest = "digest"


class OutboxEmail(SQLModel, table=True):
    """One email to one person, written in the same transaction as the change that caused
    it, then sent by a worker. The idempotency key (EIA, rule, period, recipient) is unique,
    so however often a rule runs, a person gets each reminder once."""

    __tablename__ = "outbox_email"
    __table_args__ = (
        sa.Index("ix_outbox_email_due", "status", "delivery", "next_attempt_at"),
        sa.Index("ix_outbox_email_recipient_status", "recipient_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(sa_type=sa.String(255), unique=True)
    recipient_id: int = Field(foreign_key="app_user.id")
    recipient_email: str = Field(sa_type=sa.String(320))
    eia_id: int | None = Field(default=None, foreign_key="eia.id", index=True)
    # transition | reminder | digest
    kind: str = Field(sa_type=sa.String(16))
    # The rule or event that caused it: submitted, idle, signoff_pending, action_overdue...
    rule: str = Field(sa_type=sa.String(64))
    # templates/email/<template>.txt and .html
    template: str = Field(sa_type=sa.String(64))
    subject: str = Field(sa_type=sa.String(300))
    context: dict = Field(default_factory=dict, sa_type=sa.JSON)
    delivery: str = Field(default=Delivery.immediate, sa_type=sa.String(16))
    urgent: bool = Field(default=False)
    status: str = Field(default=OutboxStatus.queued, sa_type=sa.String(16))
    attempts: int = Field(default=0)
    last_error: str = Field(default="", sa_type=sa.Text)
    created_at: datetime = Field(default_factory=utcnow)
    # When it was last handed to the broker (or is due to be, for a retry with a countdown):
    # the sweeper hands it over again if it is still queued long after.
    dispatched_at: datetime | None = Field(default=None)
    next_attempt_at: datetime | None = Field(default=None)
    # The claim: which worker is sending it, since when (a dead worker's claim lapses).
    claim_token: str | None = Field(default=None, sa_type=sa.String(32))
    claimed_at: datetime | None = Field(default=None)
    # When the claim lapses: the attempt that took it cannot be talking to the mail server
    # any more (the worker recorded it with its own lease, which outlasts its conversation).
    claim_expires_at: datetime | None = Field(default=None)
    sent_at: datetime | None = Field(default=None)
    # smtp | mailbox (embedded mode: kept here and read on the /mailbox page)
    transport: str = Field(default="", sa_type=sa.String(16))
    message_id: str = Field(default="", sa_type=sa.String(255))
    body_text: str = Field(default="", sa_type=sa.Text)
    body_html: str = Field(default="", sa_type=sa.Text)
    # For a reminder delivered inside a digest: that digest's row.
    digest_id: int | None = Field(default=None, foreign_key="outbox_email.id", index=True)


class NotificationPreference(SQLModel, table=True):
    """How a person wants non-urgent reminders: one daily digest (the default) or each as it
    happens. Urgent reminders and emails about a step in an EIA's lifecycle always go at
    once."""

    __tablename__ = "notification_preference"

    user_id: int = Field(
        foreign_key="app_user.id", primary_key=True, sa_column_kwargs={"autoincrement": False}
    )
    reminders: str = Field(default=Delivery.digest, sa_type=sa.String(16))
    updated_at: datetime = Field(default_factory=utcnow)

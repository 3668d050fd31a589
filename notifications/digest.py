"""The daily digest: each person's waiting reminders in one email, on working days.

A reminder a person gets as a digest item is an outbox row with delivery "digest". Once a
day the digest task gathers each person's waiting items into one new outbox row (key
``digest|period:<day>|user:<id>``: one digest per person per day, however often the task
runs) and marks the items ``in_digest`` with that row's id, in the same transaction. The
digest row is then sent like any other email. Items arriving after the day's digest wait
for the next one.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from eia.models import NotificationPreference, OutboxEmail, User, london_date, utcnow
from eia.models.notifications import Delivery, OutboxStatus

from . import outbox
from .calendar import is_working_day
from .events import day_text
from .people import users_by_id


def waiting_items(
    session: Session, user_id: int | None = None, before: datetime | None = None
) -> list[OutboxEmail]:
    query = select(OutboxEmail).where(
        OutboxEmail.status == OutboxStatus.queued, OutboxEmail.delivery == Delivery.digest
    )
    if user_id is not None:
        query = query.where(OutboxEmail.recipient_id == user_id)
    if before is not None:
        query = query.where(OutboxEmail.created_at <= before)
    return list(
        session.exec(
            query.order_by(
                OutboxEmail.recipient_id,
                OutboxEmail.urgent.desc(),
                OutboxEmail.eia_id,
                OutboxEmail.id,
            )
        ).all()
    )


def _item(row: OutboxEmail) -> dict:
    """One line of the digest, all plain text (whatever an old or imported row holds), so
    that no item can stop the digest being built."""
    ctx = row.context if isinstance(row.context, dict) else {}

    def text(value) -> str:
        return "" if value is None else str(value)

    return {
        "subject": text(row.subject),
        "summary": text(ctx.get("summary") or row.subject),
        "path": text(ctx.get("path")),
        "reference": text(ctx.get("reference")),
        "title": text(ctx.get("title")),
        "rule": text(row.rule),
        "urgent": bool(row.urgent),
    }


def send_digests(
    session: Session, now: datetime | None = None, *, any_day: bool = False
) -> list[int]:
    """Write today's digest for everyone with waiting items (the caller commits; the digests
    go after the commit). Not on weekends and bank holidays unless ``any_day``."""
    now = now or utcnow()
    today = london_date(now)
    if not any_day and not is_working_day(today):
        return []
    items = waiting_items(session, before=now)
    by_person: dict[int, list[OutboxEmail]] = {}
    for row in items:
        by_person.setdefault(row.recipient_id, []).append(row)
    people = users_by_id(session, by_person)

    def write(user_id: int) -> int | None:
        user, rows = people.get(user_id), by_person[user_id]
        if user is None:
            return None  # deactivated: nobody to write to
        count = len(rows)
        things = "1 reminder" if count == 1 else f"{count} reminders"
        digest_id = outbox.add(
            session,
            key=outbox.digest_key(today, user_id),
            recipient=user,
            kind="digest",
            rule="digest",
            template="digest",
            subject=f"Your EIA reminders for {day_text(today)}: {things}",
            context={
                "recipient_name": user.name,
                "day": day_text(today),
                "count": count,
                "items": [_item(r) for r in rows],
                "path": "/my-eias",
            },
            now=now,
        )
        if digest_id is None:
            return None  # today's digest has gone: these wait for tomorrow's
        session.execute(
            sa.update(OutboxEmail)
            .where(
                OutboxEmail.__table__.c.id.in_([r.id for r in rows]),
                OutboxEmail.__table__.c.status == OutboxStatus.queued,
            )
            .values(status=OutboxStatus.in_digest, digest_id=digest_id)
        )
        return digest_id

    def unwritable(user_id: int, exc: Exception) -> None:
        # This person's waiting reminders are marked failed with the reason (administrators
        # see them under Failed emails and can send each again); everyone else's digest goes.
        session.execute(
            sa.update(OutboxEmail)
            .where(
                OutboxEmail.__table__.c.id.in_([r.id for r in by_person[user_id]]),
                OutboxEmail.__table__.c.status == OutboxStatus.queued,
            )
            .values(
                status=OutboxStatus.failed,
                last_error=f"Could not put it in the daily digest: {type(exc).__name__}: {exc}"[
                    :4000
                ],
            )
        )

    return outbox.each_apart(session, by_person, write, unwritable)


def set_preference(session: Session, user: User, reminders: str) -> None:
    """Record how ``user`` wants non-urgent reminders. Choosing "immediate" sends the ones
    waiting for the digest now (the caller commits)."""
    if reminders not in (Delivery.digest, Delivery.immediate):
        raise ValueError(f"unknown choice {reminders!r}")
    row = session.get(NotificationPreference, user.id)
    if row is None:
        row = NotificationPreference(user_id=user.id)
    row.reminders = reminders
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    if reminders == Delivery.immediate:
        waiting = [r.id for r in waiting_items(session, user.id)]
        if waiting:
            session.execute(
                sa.update(OutboxEmail)
                .where(
                    OutboxEmail.__table__.c.id.in_(waiting),
                    OutboxEmail.__table__.c.status == "queued",
                )
                .values(delivery=Delivery.immediate, dispatched_at=utcnow())
            )
            outbox.remember(session, waiting)

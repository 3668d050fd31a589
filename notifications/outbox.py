"""The transactional outbox: an email is a row written in the same transaction as the change
that caused it; once that transaction commits, the row's id is handed to Celery.

- ``add`` writes a row in the caller's session (flushes, never commits) and remembers its id
  on the session. Its idempotency key is unique: a second row with the same key is silently
  not written, so a rule may run as often as it likes.
- After the *outermost* commit, an SQLAlchemy ``after_commit`` hook hands the remembered ids
  to the broker (``dispatch``). A rollback forgets them. Doing it in a hook rather than in
  each view means every caller that commits (web pages, the CLI, Celery tasks, other
  developers' pages) gets it without remembering to; the hook only acts inside a Flask app
  (whose Celery it uses) and never raises: if the broker is down the rows simply stay queued.
  SQLAlchemy also fires ``after_commit`` when a SAVEPOINT is released (``begin_nested``), and
  ``after_rollback`` when one is rolled back: ids are therefore kept per savepoint. Releasing
  one passes its ids to the transaction around it, rolling one back forgets only its own,
  and only the commit of the outermost transaction hands anything over.
- ``sweep`` (beat, every minute) hands over rows that never reached the broker or were lost
  with it, retries those whose back-off has passed, and releases claims of dead workers.
"""

import json
import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, select

from eia.models import OutboxEmail, User, utcnow
from eia.models.notifications import Delivery, OutboxStatus

from . import settings
from .sending import header_text

log = logging.getLogger(__name__)

SEND_TASK = "notifications.send_email"
_PENDING = "outbox_pending_ids"


def transition_key(eia_id: int, event: str, audit_seq: int, user_id: int) -> str:
    return f"eia:{eia_id}|rule:{event}|period:audit-{audit_seq}|user:{user_id}"


def reminder_key(eia_id: int, rule: str, period: str, user_id: int) -> str:
    return f"eia:{eia_id}|rule:{rule}|period:{period}|user:{user_id}"


def digest_key(day, user_id: int) -> str:
    return f"digest|period:{day.isoformat()}|user:{user_id}"


def _insert(session: Session):
    dialect = session.get_bind().dialect.name
    table = OutboxEmail.__table__
    return postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)


def row_values(
    *,
    key: str,
    recipient: User,
    kind: str,
    rule: str,
    template: str,
    subject: str,
    context: dict,
    eia_id: int | None,
    urgent: bool,
    delivery: str,
    now: datetime,
    failed: str | None,
) -> dict:
    """The columns of one outbox row (``add`` writes one, ``add_many`` many)."""
    return dict(
        idempotency_key=key,
        recipient_id=recipient.id,
        recipient_email=recipient.email,
        eia_id=eia_id,
        kind=kind,
        rule=rule,
        template=template,
        subject=header_text(subject)[:300],
        context=context,
        delivery=delivery,
        urgent=urgent,
        status=OutboxStatus.failed if failed else OutboxStatus.queued,
        attempts=0,
        last_error=(failed or "")[:4000],
        created_at=now,
        # Optimistic: the after-commit hook hands it over at once. If that fails, the
        # sweeper takes it after OUTBOX_REQUEUE_AFTER_SECONDS.
        dispatched_at=now if delivery == Delivery.immediate and not failed else None,
        transport="",
        message_id="",
        body_text="",
        body_html="",
    )


def add(
    session: Session,
    *,
    key: str,
    recipient: User,
    kind: str,
    rule: str,
    template: str,
    subject: str,
    context: dict,
    eia_id: int | None = None,
    urgent: bool = False,
    delivery: str = Delivery.immediate,
    now: datetime | None = None,
    failed: str | None = None,
) -> int | None:
    """Write one outbox row in the caller's transaction. Returns its id, or None when a row
    with this idempotency key already exists (nothing is written). ``failed``: the email
    could not be made; the row records why, for administrators (Failed emails)."""
    values = row_values(
        key=key,
        recipient=recipient,
        kind=kind,
        rule=rule,
        template=template,
        subject=subject,
        context=context,
        eia_id=eia_id,
        urgent=urgent,
        delivery=delivery,
        now=now or utcnow(),
        failed=failed,
    )
    stmt = (
        _insert(session)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(OutboxEmail.__table__.c.id)
    )
    new_id = session.execute(stmt).scalar_one_or_none()
    if new_id is not None and delivery == Delivery.immediate and not failed:
        remember(session, [new_id])
    return new_id


def add_many(session: Session, rows: list[dict]) -> list[int]:
    """Write many rows made by ``row_values`` in the caller's transaction; a row whose key
    exists is not written. Returns the ids written, sorted; the immediate ones are handed
    over after the commit, as ``add`` does.

    On PostgreSQL: ONE statement, ``INSERT ... SELECT ... FROM unnest(<one array per
    column>) ... ON CONFLICT DO NOTHING RETURNING``, so tens of thousands of rows cost one
    round trip and no per-row work in SQLAlchemy or the driver. Elsewhere (SQLite, in the
    same process): an executemany of INSERT ... ON CONFLICT DO NOTHING, then the rows
    written found again by their keys and creation time."""
    if not rows:
        return []
    if session.get_bind().dialect.name == "postgresql":
        written = _insert_columns(session, rows)
    else:
        written = _insert_each(session, rows)
    remember(
        session,
        [
            r.id
            for r in written
            if r.delivery == Delivery.immediate and r.status == OutboxStatus.queued
        ],
    )
    return sorted(r.id for r in written)


def _insert_each(session: Session, rows: list[dict]) -> list[sa.Row]:
    table = OutboxEmail.__table__.c
    insert = _insert(session).on_conflict_do_nothing(index_elements=["idempotency_key"])
    session.execute(insert, rows)
    made = {r["created_at"] for r in rows}
    return [
        row
        for row in _by_keys(
            session,
            (table.id, table.created_at, table.delivery, table.status),
            [r["idempotency_key"] for r in rows],
        )
        if row.created_at in made
    ]


def _insert_columns(session: Session, rows: list[dict]) -> list[sa.Row]:
    """PostgreSQL: the rows as one JSON array (json.dumps is C; PostgreSQL parses it in
    one go), turned back into rows by ``json_to_recordset`` and inserted in the order
    given. (One array parameter per column costs more: psycopg quotes each element in
    Python.)"""
    dialect = session.get_bind().dialect
    table = OutboxEmail.__table__
    names = list(rows[0])
    shape = ", ".join(f"{name} {table.c[name].type.compile(dialect=dialect)}" for name in names)
    statement = sa.text(
        f"INSERT INTO {table.name} ({', '.join(names)}) "
        f"SELECT {', '.join(f'v.{name}' for name in names)} "
        f"FROM ROWS FROM (json_to_recordset(CAST(:rows AS json)) AS ({shape})) "
        f"WITH ORDINALITY AS v({', '.join(names)}, n) "
        "ORDER BY v.n "
        "ON CONFLICT (idempotency_key) DO NOTHING RETURNING id, delivery, status"
    )
    return list(session.execute(statement, {"rows": json.dumps(rows, default=_json_value)}))


def _json_value(value):
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} in an outbox row")


def existing_keys(session: Session, keys: Iterable[str]) -> set[str]:
    """The idempotency keys among ``keys`` that already have a row."""
    column = OutboxEmail.__table__.c.idempotency_key
    return {r.idempotency_key for r in _by_keys(session, (column,), list(keys))}


def _by_keys(session: Session, columns, keys: list[str], chunk: int = 5000) -> list[sa.Row]:
    """Outbox rows (these columns) whose idempotency key is one of ``keys``: on PostgreSQL
    one query with the keys as one array parameter, elsewhere an IN list a chunk at a
    time."""
    key = OutboxEmail.__table__.c.idempotency_key
    if not keys:
        return []
    if session.get_bind().dialect.name == "postgresql":
        array = sa.bindparam("keys", keys, type_=postgresql.ARRAY(sa.String))
        return list(session.execute(sa.select(*columns).where(key == sa.any_(array))))
    found = []
    for start in range(0, len(keys), chunk):
        part = keys[start : start + chunk]
        found += session.execute(sa.select(*columns).where(key.in_(part))).all()
    return found


def each_apart(session: Session, items, write, on_error) -> list:
    """``write(item)`` for each item, in the caller's transaction, such that one item that
    cannot be written never holds back the others: all of them in one savepoint, and if
    that fails, each in its own, ``on_error(item, exc)`` recording the ones that fail.
    Returns what ``write`` and ``on_error`` returned, Nones left out."""
    items = list(items)
    try:
        with session.begin_nested():
            return [r for r in map(write, items) if r is not None]
    except Exception:  # noqa: BLE001 - found below, item by item
        log.warning(
            "Writing %d emails together failed: writing each on its own", len(items), exc_info=True
        )
    done = []
    for item in items:
        try:
            with session.begin_nested():
                result = write(item)
        except Exception as exc:  # noqa: BLE001 - recorded by on_error
            log.exception("Could not write the email %s", getattr(item, "key", item))
            try:
                with session.begin_nested():
                    result = on_error(item, exc)
            except Exception:  # noqa: BLE001 - logged; the others still go
                log.exception("Could not record that failure either")
                result = None
        if result is not None:
            done.append(result)
    return done


def remember(session: Session, ids: Iterable[int]) -> None:
    """Hand these ids to the broker once the session's outermost transaction commits (not
    when the savepoint they were written in is released)."""
    scope = session.get_nested_transaction()  # None: the outermost transaction
    session.info.setdefault(_PENDING, {}).setdefault(scope, set()).update(ids)


def forget(session: Session) -> None:
    session.info.pop(_PENDING, None)


def pending(session: Session) -> set[int]:
    return set().union(*session.info.get(_PENDING, {}).values())


def _enclosing_savepoint(transaction):
    """The savepoint around ``transaction``, or None for the outermost transaction."""
    transaction = transaction.parent
    while transaction is not None and not transaction.nested:
        transaction = transaction.parent
    return transaction


@sa.event.listens_for(OrmSession, "after_commit")
def _dispatch_after_commit(session) -> None:
    # During the event the transaction being committed is still the session's current one:
    # a savepoint being released is its current nested transaction.
    released = session.get_nested_transaction()
    by_scope = session.info.get(_PENDING)
    if released is not None:
        if by_scope and released in by_scope:
            ids = by_scope.pop(released)
            by_scope.setdefault(_enclosing_savepoint(released), set()).update(ids)
        return
    # Every savepoint released has passed its ids out to here; any other scope left belongs
    # to a savepoint closed by its parent's rollback, whose rows are gone.
    ids = (session.info.pop(_PENDING, None) or {}).get(None)
    if ids:
        dispatch(ids)


@sa.event.listens_for(OrmSession, "after_rollback")
def _forget_after_rollback(session) -> None:
    rolled_back = session.get_nested_transaction()
    if rolled_back is None:
        session.info.pop(_PENDING, None)
        return
    by_scope = session.info.get(_PENDING, {})
    for scope in [s for s in by_scope if s is not None and _within(s, rolled_back)]:
        del by_scope[scope]


def _within(transaction, ancestor) -> bool:
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False


def _celery():
    from flask import current_app, has_app_context

    if not has_app_context():
        return None
    return current_app.extensions.get("celery")


def dispatch(ids: Iterable[int], celery=None, batch: int | None = None) -> int:
    """Hand outbox ids to the broker, ``batch`` (OUTBOX_BATCH_SIZE) to a task; returns how
    many were handed over. Never raises: an id not handed over stays queued in the database
    for the sweeper."""
    celery = celery or _celery()
    if celery is None:
        return 0
    ids = sorted(ids)
    size = max(int(batch or settings.current().OUTBOX_BATCH_SIZE), 1)
    done = 0
    for start in range(0, len(ids), size):
        chunk = ids[start : start + size]
        try:
            # retry=False: with the broker down, fail at once rather than hold up a web
            # request (the rows are safe in the database).
            # ignore_result: otherwise a Redis result backend subscribes for the result
            # first, and retries for a long time while Redis is down.
            celery.send_task(SEND_TASK, args=[chunk], retry=False, ignore_result=True)
        except Exception as exc:  # noqa: BLE001 - any broker failure means "later"
            log.warning(
                "Could not hand emails %s (and %d more) to the broker: %s. The "
                "outbox sweeper will send them.",
                chunk,
                len(ids) - done - len(chunk),
                exc,
            )
            break
        done += len(chunk)
    return done


# --- the sweeper -------------------------------------------------------------------------


def release_dead_claims(session: Session, cfg, now: datetime) -> int:
    """A worker that claimed an email and died (killed, machine lost) leaves it "sending":
    once its claim has lapsed, put it back in the queue (or fail it if that was its last
    attempt).

    A claim lapses at the ``claim_expires_at`` its worker recorded: by then that attempt can
    no longer be talking to the mail server (its conversation is cut off in time to record
    "sent" before it), so the email is never sent again while the first attempt may still
    be in flight, even if this sweeper's own lease is shorter than the worker's. (A claim
    recorded before that column existed lapses after this sweeper's lease.)

    This is the one place an email can go twice: if the worker died after the mail server
    accepted the message but before it recorded "sent". See README: "Outbox guarantees"."""
    table = OutboxEmail.__table__.c
    legacy = now - timedelta(seconds=cfg.OUTBOX_SEND_LEASE_SECONDS)
    stale = sa.and_(
        table.status == OutboxStatus.sending,
        sa.or_(
            table.claim_expires_at < now,
            sa.and_(table.claim_expires_at.is_(None), table.claimed_at < legacy),
        ),
    )
    failed = session.execute(
        sa.update(OutboxEmail)
        .where(stale, table.attempts >= cfg.OUTBOX_MAX_ATTEMPTS)
        .values(
            status=OutboxStatus.failed,
            claim_token=None,
            claim_expires_at=None,
            last_error="The worker sending it stopped before it finished (last attempt).",
        )
    ).rowcount
    released = session.execute(
        sa.update(OutboxEmail)
        .where(stale)
        .values(
            status=OutboxStatus.queued,
            claim_token=None,
            claim_expires_at=None,
            next_attempt_at=None,
            dispatched_at=None,
            last_error="The worker sending it stopped before it finished; trying again.",
        )
    ).rowcount
    return released + failed


def due_ids(session: Session, cfg, now: datetime, limit: int = 500) -> list[int]:
    """Queued immediate emails that are due and not handed to the broker lately."""
    table = OutboxEmail.__table__.c
    stale = now - timedelta(seconds=cfg.OUTBOX_REQUEUE_AFTER_SECONDS)
    return list(
        session.execute(
            sa.select(table.id)
            .where(
                table.status == OutboxStatus.queued,
                table.delivery == Delivery.immediate,
                sa.or_(table.next_attempt_at.is_(None), table.next_attempt_at <= now),
                sa.or_(table.dispatched_at.is_(None), table.dispatched_at <= stale),
            )
            .order_by(table.urgent.desc(), table.id)
            .limit(limit)
        ).scalars()
    )


def sweep(session: Session, cfg, now: datetime | None = None) -> list[int]:
    """Release dead claims and pick the rows to hand over; marks them dispatched now. The
    caller commits, then dispatches the ids returned (``remember`` does it for it)."""
    now = now or utcnow()
    release_dead_claims(session, cfg, now)
    ids = due_ids(session, cfg, now)
    if ids:
        session.execute(
            sa.update(OutboxEmail)
            .where(OutboxEmail.__table__.c.id.in_(ids))
            .values(dispatched_at=now)
        )
        remember(session, ids)
    return ids


# --- people acting on the outbox -----------------------------------------------------------


class ResendRefused(Exception):
    pass


def resend(session: Session, outbox_id: int) -> OutboxEmail:
    """An admin's "send it again" for a failed email: back in the queue with fresh attempts
    (the caller commits; the email goes after the commit)."""
    row = session.get(OutboxEmail, outbox_id)
    if row is None:
        raise ResendRefused("There is no such email.")
    if row.status != OutboxStatus.failed:
        raise ResendRefused("Only an email that failed can be sent again.")
    table = OutboxEmail.__table__.c
    changed = session.execute(
        sa.update(OutboxEmail)
        .where(table.id == outbox_id, table.status == OutboxStatus.failed)
        .values(
            status=OutboxStatus.queued,
            attempts=0,
            next_attempt_at=None,
            claim_token=None,
            claimed_at=None,
            claim_expires_at=None,
            dispatched_at=utcnow(),
            last_error="Resent by an administrator after: " + (row.last_error or "")[:2000],
        )
    ).rowcount
    if not changed:
        raise ResendRefused("Someone else has already sent it again.")
    session.refresh(row)
    remember(session, [outbox_id])
    return row


def failed_emails(session: Session, limit: int = 200) -> list[OutboxEmail]:
    return list(
        session.exec(
            select(OutboxEmail)
            .where(OutboxEmail.status == OutboxStatus.failed)
            .order_by(OutboxEmail.created_at.desc(), OutboxEmail.id.desc())
            .limit(limit)
        ).all()
    )


def stuck_count(session: Session, cfg, now: datetime | None = None) -> int:
    """Emails waiting far longer than they should (the broker or the workers are down)."""
    now = now or utcnow()
    table = OutboxEmail.__table__.c
    long_ago = now - timedelta(seconds=max(cfg.OUTBOX_REQUEUE_AFTER_SECONDS * 3, 600))
    return session.execute(
        sa.select(sa.func.count())
        .select_from(OutboxEmail.__table__)
        .where(
            table.status == OutboxStatus.queued,
            table.delivery == Delivery.immediate,
            table.created_at < long_ago,
            sa.or_(table.next_attempt_at.is_(None), table.next_attempt_at < long_ago),
        )
    ).scalar_one()

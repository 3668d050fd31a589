"""Celery tasks. Stable names; ids in, rows looked up inside the task. Each task is safe to
run twice: the database, not the broker, says what has been done."""

import logging
import time

from celery import shared_task
from celery.exceptions import Retry
from flask import current_app

from eia import health
from eia.db import session_scope
from eia.operations import start_due_reviews as _start_due_reviews
from eia.words import plural

from . import outbox, settings
from .digest import send_digests as _send_digests
from .reminders import sweep_reminders
from .sending import deliver_many, worker_link

log = logging.getLogger(__name__)


@shared_task(name="eia.heartbeat")
def heartbeat() -> None:
    """Every minute (beat): the scheduler and a worker are both alive (/readyz reads it)."""
    with session_scope() as session:
        health.record_beat(session, health.HEARTBEAT)


@shared_task(name="eia.start_due_reviews")
def start_due_reviews() -> list[str]:
    """Move approved EIAs whose review date has come into review (continuing duty)."""
    with session_scope() as session:
        moved = _start_due_reviews(session)
    if moved:
        current_app.logger.info("Started the review of %s", ", ".join(moved))
    return moved


@shared_task(name="eia.apply_retention")
def apply_retention() -> dict:
    """Nightly: delete the personal data the retention schedule no longer keeps, with one
    audit record of the counts (eia/retention.py)."""
    from eia import retention

    with session_scope() as session:
        outcome = retention.apply(session, current_app.config)
    current_app.logger.info("Retention schedule applied: %s", outcome.as_dict())
    return outcome.as_dict()


@shared_task(bind=True, name=outbox.SEND_TASK, max_retries=None, acks_late=True)
def send_email(self, outbox_ids: int | list[int]) -> dict:
    """Send a batch of outbox emails (or one: an id, as tasks queued before batches were),
    each at most once (see notifications/sending.py), over this process's SMTP connection,
    which stays open for the next batch. An email to try again later goes back to the
    broker on its own, with its delay; if the broker is down, the outbox sweeper sends it
    when it is due."""
    ids = [outbox_ids] if isinstance(outbox_ids, int) else list(outbox_ids)
    link = worker_link()
    try:
        # Half the visibility timeout: Redis never hands this task to a second worker
        # while it runs (the claims would keep the emails from going twice anyway).
        outcomes = deliver_many(
            ids,
            link,
            on_error=_could_not_try,
            seconds=settings.current().BROKER_VISIBILITY_TIMEOUT / 2,
        )
    finally:
        link.close_when_idle(settings.current().SMTP_KEEPALIVE_SECONDS)
    for outbox_id, outcome in outcomes.items():
        if outcome.status != "retry":
            continue
        if len(ids) == 1:
            try:
                raise self.retry(countdown=outcome.retry_in)
            except Retry:
                raise
            except Exception as exc:  # noqa: BLE001 - broker down: the row waits
                _retry_not_scheduled(outbox_id, exc)
            continue
        try:
            self.app.send_task(
                outbox.SEND_TASK,
                args=[[outbox_id]],
                countdown=outcome.retry_in,
                retry=False,
                ignore_result=True,
            )
        except Exception as exc:  # noqa: BLE001 - broker down: the row waits in the outbox
            _retry_not_scheduled(outbox_id, exc)
    statuses = [o.status for o in outcomes.values()]
    return {status: statuses.count(status) for status in set(statuses)}


def _could_not_try(outbox_id: int, exc: Exception) -> None:
    log.error(
        "Could not try email %s (%s: %s); the outbox sweeper hands it over again.",
        outbox_id,
        type(exc).__name__,
        exc,
        exc_info=exc,
    )


def _retry_not_scheduled(outbox_id: int, exc: Exception) -> None:
    log.warning(
        "Could not schedule the retry of email %s (%s); the outbox sweeper will "
        "send it when it is due.",
        outbox_id,
        exc,
    )


@shared_task(name="notifications.sweep_outbox")
def sweep_outbox() -> int:
    """Every minute: hand over emails that never reached the broker (it was down, the web
    process died after committing), retry due ones, release claims of dead workers."""
    with session_scope() as session:
        ids = outbox.sweep(session, settings.current())
    if ids:
        log.info("Outbox sweeper queued %s", plural(len(ids), "email"))
    return len(ids)


@shared_task(name="notifications.reminder_sweep")
def reminder_sweep() -> dict:
    """Daily (and safe to run more often): move due reviews, then write the reminders due
    today. Immediate ones go after the commit; the rest wait for the digest. How long it
    took is kept (service_beat) for /metrics."""
    started = time.monotonic()
    moved = start_due_reviews.run()
    with session_scope() as session:
        ids = sweep_reminders(session, None, settings.current())
    with session_scope() as session:
        health.record_beat(session, health.REMINDER_SWEEP, time.monotonic() - started)
    log.info(
        "Reminder sweep: %s started, %s written",
        plural(len(moved), "review"),
        plural(len(ids), "reminder"),
    )
    return {"reviews_started": len(moved), "reminders": len(ids)}


@shared_task(name="notifications.send_digests")
def send_digests() -> int:
    """Daily, on working days: each person's waiting reminders in one email."""
    with session_scope() as session:
        ids = _send_digests(session)
    log.info("Daily digest: %s", plural(len(ids), "email"))
    return len(ids)

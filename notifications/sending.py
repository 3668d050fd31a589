"""Sending one outbox email: claim it, render it, hand it to the mail server, record it.

Never twice:
1. the idempotency key is unique, so the email exists once;
2. a worker *claims* the row before sending, with one conditional UPDATE
   (``status`` queued -> sending, ``WHERE status = 'queued'``): of two workers holding the
   same id, exactly one changes the row; the other returns;
3. it records "sent" (guarded by its claim token) the moment the server accepts the
   message, before even saying QUIT, and a task for a row already sent returns at once.

What remains is at-least-once: if the worker dies in the milliseconds between the server's
"250 accepted" and the commit of "sent", the claim lapses after OUTBOX_SEND_LEASE_SECONDS
and the email is sent again, with the same Message-ID (derived from the idempotency key),
which lets mail clients and servers that de-duplicate drop the copy.
"""

import hashlib
import logging
import random
import smtplib
import ssl
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

import sqlalchemy as sa
from flask import current_app

from eia.db import session_scope
from eia.models import OutboxEmail, utcnow
from eia.models.notifications import Delivery, OutboxStatus

from . import settings

log = logging.getLogger(__name__)

# A retry may run this much early (countdown and database clocks differ a little).
_EARLY = timedelta(seconds=1)


class TransientError(Exception):
    """Try again later: the server is busy, unreachable or said 4xx."""


class PermanentError(Exception):
    """Trying again will not help: the server said 5xx to this message."""


@dataclass(frozen=True)
class Outcome:
    status: str            # sent | retry | failed | skipped
    retry_in: float | None = None
    detail: str = ""


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def backoff(attempts: int, cfg) -> float:
    """Seconds before the next try after ``attempts`` tries: exponential, capped, jittered
    (never beyond the cap, which is below the broker's visibility timeout)."""
    base = cfg.OUTBOX_RETRY_BASE_SECONDS * (2 ** max(attempts - 1, 0))
    return min(base * random.uniform(0.8, 1.2), cfg.OUTBOX_RETRY_MAX_SECONDS)


def message_id(row: OutboxEmail, mail_from: str) -> str:
    digest = hashlib.sha256(row.idempotency_key.encode()).hexdigest()[:40]
    domain = mail_from.rpartition("@")[2] or "localhost"
    return f"<{digest}@{domain}>"


def link(path: str) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + path


def render(row: OutboxEmail) -> Rendered:
    """Plain text and HTML from templates/email/<template>.txt and .html."""
    env = current_app.jinja_env
    config = current_app.config
    context = dict(row.context or {})
    context.update(
        subject=row.subject, urgent=row.urgent,
        url=link(context["path"]) if context.get("path") else "",
        preferences_url=link("/account/email-preferences"),
        council=config["COUNCIL_NAME"], product=config["PRODUCT_NAME"], link=link,
    )
    text = env.get_template(f"email/{row.template}.txt").render(context)
    html = env.get_template(f"email/{row.template}.html").render(context)
    return Rendered(row.subject, text, html)


def build_message(row: OutboxEmail, rendered: Rendered) -> EmailMessage:
    config = current_app.config
    msg = EmailMessage()
    msg["Subject"] = rendered.subject
    msg["From"] = formataddr((f"{config['PRODUCT_NAME']} – {config['COUNCIL_NAME']}",
                              config["MAIL_FROM"]))
    msg["To"] = row.recipient_email
    msg["Date"] = format_datetime(utcnow())
    msg["Message-ID"] = message_id(row, config["MAIL_FROM"])
    msg["Auto-Submitted"] = "auto-generated"  # no out-of-office replies, please
    if row.urgent:
        msg["Importance"] = "high"
    msg.set_content(rendered.text)
    msg.add_alternative(rendered.html, subtype="html")
    return msg


def _classify(exc: Exception) -> Exception:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        if codes and all(500 <= c < 600 for c in codes):
            return PermanentError(f"The mail server refused the address: {exc.recipients}")
        return TransientError(f"The mail server deferred the address: {exc.recipients}")
    if isinstance(exc, smtplib.SMTPResponseException):
        code, text = exc.smtp_code, _text(exc.smtp_error)
        if 500 <= code < 600 and code not in (530, 534, 535):  # auth trouble: fixable, retry
            return PermanentError(f"The mail server refused it: {code} {text}")
        return TransientError(f"The mail server said: {code} {text}")
    return TransientError(f"Could not reach the mail server: {type(exc).__name__}: {exc}")


def _text(value) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


def smtp_send(msg: EmailMessage, cfg, accepted) -> None:
    """Send by SMTP; call ``accepted()`` the moment the server has taken the message
    (before QUIT), so the window for a second copy is as small as it can be."""
    host, port = cfg.SMTP_HOST, int(current_app.config["SMTP_PORT"])
    try:
        if cfg.SMTP_SSL:
            smtp = smtplib.SMTP_SSL(host, port, timeout=cfg.SMTP_TIMEOUT,
                                    context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(host, port, timeout=cfg.SMTP_TIMEOUT)
    except (OSError, smtplib.SMTPException) as exc:
        raise _classify(exc) from exc
    try:
        try:
            if current_app.config.get("SMTP_STARTTLS"):
                smtp.starttls(context=ssl.create_default_context())
            if current_app.config.get("SMTP_USERNAME"):
                smtp.login(current_app.config["SMTP_USERNAME"],
                           current_app.config["SMTP_PASSWORD"])
            smtp.send_message(msg)
        except (OSError, smtplib.SMTPException) as exc:
            raise _classify(exc) from exc
        accepted()
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()


# --- the steps, each its own short transaction ---------------------------------------------

def _claim(outbox_id: int, token: str, now) -> bool:
    c = OutboxEmail.__table__.c
    with session_scope() as session:
        return session.execute(
            sa.update(OutboxEmail).where(
                c.id == outbox_id, c.status == OutboxStatus.queued,
                c.delivery == Delivery.immediate,
                sa.or_(c.next_attempt_at.is_(None), c.next_attempt_at <= now + _EARLY))
            .values(status=OutboxStatus.sending, claim_token=token, claimed_at=now,
                    attempts=c.attempts + 1)
        ).rowcount == 1


def _finish(outbox_id: int, token: str, **values) -> bool:
    """Change the row we claimed, if it is still ours."""
    c = OutboxEmail.__table__.c
    with session_scope() as session:
        return session.execute(
            sa.update(OutboxEmail).where(c.id == outbox_id, c.claim_token == token,
                                         c.status == OutboxStatus.sending)
            .values(claim_token=None, **values)
        ).rowcount == 1


def _mark_sent(outbox_id: int, token: str, rendered: Rendered, transport: str,
               msg_id: str) -> None:
    for attempt in range(5):  # the message is out: try hard to record it
        try:
            if not _finish(outbox_id, token, status=OutboxStatus.sent, sent_at=utcnow(),
                           transport=transport, message_id=msg_id, last_error="",
                           body_text=rendered.text, body_html=rendered.html):
                log.error("Email %s was sent but its claim had lapsed: another worker may "
                          "send it again (raise OUTBOX_SEND_LEASE_SECONDS).", outbox_id)
            return
        except sa.exc.OperationalError:
            if attempt == 4:
                raise
            time.sleep(0.2 * (attempt + 1))


def _load(outbox_id: int) -> OutboxEmail | None:
    with session_scope() as session:
        row = session.get(OutboxEmail, outbox_id)
        if row is not None:
            session.expunge(row)
        return row


def deliver(outbox_id: int) -> Outcome:
    """Send one outbox email, at most once. Returns what happened; ``retry_in`` says when
    to try again (the row is already back in the queue with that time)."""
    cfg = settings.current()
    now = utcnow()
    row = _load(outbox_id)
    if row is None:
        return Outcome("skipped", detail="no such email (its transaction rolled back)")
    if row.status != OutboxStatus.queued or row.delivery != Delivery.immediate:
        return Outcome("skipped", detail=f"already {row.status}")
    if row.next_attempt_at is not None and row.next_attempt_at > now + _EARLY:
        return Outcome("retry", (row.next_attempt_at - now).total_seconds(), "not due yet")
    token = uuid.uuid4().hex
    if not _claim(outbox_id, token, now):
        return Outcome("skipped", detail="another worker has it")
    row.attempts += 1
    try:
        rendered = render(row)
        msg = build_message(row, rendered)
    except Exception as exc:  # a broken template or context: retrying will not mend it
        log.exception("Could not render email %s", outbox_id)
        _finish(outbox_id, token, status=OutboxStatus.failed,
                last_error=f"Could not build the email: {type(exc).__name__}: {exc}")
        return Outcome("failed", detail=str(exc))

    def accepted():
        _mark_sent(outbox_id, token, rendered, "smtp" if cfg.SMTP_HOST else "mailbox",
                   msg["Message-ID"])

    try:
        if cfg.SMTP_HOST:
            smtp_send(msg, cfg, accepted)
        else:
            accepted()  # embedded mode: the local mailbox is the row itself
    except PermanentError as exc:
        _finish(outbox_id, token, status=OutboxStatus.failed, last_error=str(exc))
        log.warning("Email %s failed: %s", outbox_id, exc)
        return Outcome("failed", detail=str(exc))
    except TransientError as exc:
        return _retry_or_fail(outbox_id, token, row.attempts, str(exc), cfg)
    return Outcome("sent")


def _retry_or_fail(outbox_id: int, token: str, attempts: int, error: str, cfg) -> Outcome:
    if attempts >= cfg.OUTBOX_MAX_ATTEMPTS:
        _finish(outbox_id, token, status=OutboxStatus.failed,
                last_error=f"Gave up after {attempts} attempts. Last: {error}")
        log.warning("Email %s failed after %d attempts: %s", outbox_id, attempts, error)
        return Outcome("failed", detail=error)
    delay = backoff(attempts, cfg)
    due = utcnow() + timedelta(seconds=delay)
    _finish(outbox_id, token, status=OutboxStatus.queued, next_attempt_at=due,
            dispatched_at=due, last_error=f"Attempt {attempts}: {error}")
    log.info("Email %s: attempt %d failed (%s); next try in %.1fs", outbox_id, attempts,
             error, delay)
    return Outcome("retry", delay, error)

"""Sending one outbox email: build it, claim it, hand it to the mail server, record it.

In that order, so that as little as possible stands between the mail server's "250
accepted" and the commit of "sent" (a worker dying in between sends the email twice):

1. everything that needs no mail server: the bodies rendered, the headers built (every
   value cleaned, so a line break saved in a title or a name cannot stop the email), the
   message flattened to the bytes that will be sent. An email that cannot be built is
   marked failed with the reason (administrators see it under Failed emails), with one
   conditional UPDATE; it never holds back another;
2. the claim: one conditional UPDATE (``status`` queued -> sending, ``WHERE status =
   'queued'``) that also stores the bodies and the Message-ID, and records when the attempt
   started and when its claim lapses (``claim_expires_at``). Of two workers holding the same
   id, exactly one changes the row; the other returns. It is written on the worker's own
   connection (``_Recorder``), taken from the pool here and kept for step 4;
3. the SMTP conversation, cut off by a watchdog once every one of its timed waits
   (``SMTP_WAITS``) could have used its SMTP_TIMEOUT, and in any case early enough to record
   "sent" before the claim lapses; the message itself (DATA) is never handed over once that
   time has passed;
4. "sent": one UPDATE, written out beforehand and guarded by the claim's token, straight
   after the server's 250 to DATA and before anything else (QUIT, or the next message's
   MAIL FROM on a kept connection), on that connection (on PostgreSQL in autocommit: one
   round trip).

A worker sends a batch of emails this way one after another (``deliver_many``): one query
loads them, one database connection claims and records them, and its SMTP connection
(``SmtpLink``) stays open from one message, and one batch, to the next. Each email is still
claimed on its own, just before its conversation, so a worker that dies mid-batch leaves at
most one email claimed; the rest are still queued for whoever gets the batch next.

What remains is at-least-once: a worker that dies between the 250 and the commit of step 4
(under a millisecond at the median: README, "The outbox guarantees", has the measurements,
made with benchmarks/duplicates.py) leaves the row claimed; after ``claim_expires_at`` it
is sent again, with the same Message-ID (derived from the idempotency key), which lets mail
systems that de-duplicate drop the copy. A claim is never released while its attempt may
still be talking to the mail server: the lease is at least the conversation's longest
possible time plus the time recording "sent" may wait for the database (``minimum_lease``,
checked by notifications/settings.py).
"""

import email.policy
import hashlib
import logging
import random
import re
import smtplib
import socket
import ssl
import threading
import time
import uuid
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import timedelta
from email.header import Header
from email.message import EmailMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr

import sqlalchemy as sa
from flask import current_app

from eia.db import SQLITE_BUSY_SECONDS, get_engine, session_scope
from eia.models import OutboxEmail, utcnow
from eia.models.notifications import Delivery, OutboxStatus

from . import settings

log = logging.getLogger(__name__)

# A retry may run this much early (countdown and database clocks differ a little).
_EARLY = timedelta(seconds=1)

# Every wait on the mail server in ``smtp_send`` up to its "250" for the message, each
# bounded by SMTP_TIMEOUT (the socket's timeout), with the setting that brings it in.
# smtplib's login() tries CRAM-MD5 (2 round trips), PLAIN (1) and LOGIN (2) in turn, as the
# server offers them. tests/test_smtp_waits.py counts the real round trips against a server.
SMTP_WAITS = (
    ("connect", None),
    ("TLS handshake", "SMTP_SSL"),
    ("greeting", None),
    ("EHLO", None),
    ("STARTTLS", "SMTP_STARTTLS"),
    ("TLS handshake", "SMTP_STARTTLS"),
    ("EHLO over TLS", "SMTP_STARTTLS"),
    ("AUTH CRAM-MD5", "SMTP_USERNAME"),
    ("AUTH CRAM-MD5 answer", "SMTP_USERNAME"),
    ("AUTH PLAIN", "SMTP_USERNAME"),
    ("AUTH LOGIN", "SMTP_USERNAME"),
    ("AUTH LOGIN password", "SMTP_USERNAME"),
    ("MAIL FROM", None),
    ("RCPT TO", None),
    ("DATA", None),
    ("the message, answered by 250", None),
)
# Recording "sent" after the 250 may wait this long for the database: SQLite's busy
# timeout, and the lock timeout set for that statement on PostgreSQL.
RECORD_WAIT_SECONDS = SQLITE_BUSY_SECONDS


def smtp_waits(*, smtp_ssl: bool, starttls: bool, login: bool) -> int:
    """How many timed waits one SMTP conversation has with these settings."""
    on = {None: True, "SMTP_SSL": smtp_ssl, "SMTP_STARTTLS": starttls, "SMTP_USERNAME": login}
    return sum(1 for _, setting in SMTP_WAITS if on[setting])


def minimum_lease(smtp_timeout: float, **options) -> float:
    """The shortest claim that outlives every attempt: each wait of the conversation at its
    timeout, then recording "sent" at its longest."""
    return smtp_waits(**options) * smtp_timeout + RECORD_WAIT_SECONDS


class TransientError(Exception):
    """Try again later: the server is busy, unreachable or said 4xx."""


class PermanentError(Exception):
    """Trying again will not help: the server said 5xx to this message."""


@dataclass(frozen=True)
class Outcome:
    status: str  # sent | retry | failed | skipped
    retry_in: float | None = None
    detail: str = ""


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class Prepared:
    """An email ready to go: what the server will receive, and what the row will keep."""

    rendered: Rendered
    message_id: str
    sender: str
    recipient: str
    data: bytes
    international: bool  # an address beyond ASCII: needs the server's SMTPUTF8


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
    return current_app.config["BASE_URL"].rstrip("/") + (path or "")


# Unicode's control characters (C0, DEL, C1) and the line and paragraph separators: the
# email package refuses a header holding any character str.splitlines breaks at.
_NOT_TEXT = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def header_text(value) -> str:
    """``value`` fit for an email header on one line: each run of line breaks, tabs, other
    control characters and spaces becomes one space. Forms refuse such characters in
    one-line answers, but data saved before that, or imported, may hold them."""
    return " ".join(_NOT_TEXT.sub(" ", str(value or "")).split())


def header_address(value) -> str:
    """An address for From or To, or ValueError saying why it is not one (cleaning it would
    send the email to someone else)."""
    address = str(value or "").strip()
    if (
        not address
        or _NOT_TEXT.search(address)
        or any(c.isspace() for c in address)
        or address.count("@") != 1
        or address.startswith("@")
        or address.endswith("@")
    ):
        raise ValueError(f"{address!r} is not an email address")
    return address


def render(row: OutboxEmail) -> Rendered:
    """Plain text and HTML from templates/email/<template>.txt and .html."""
    env = current_app.jinja_env
    config = current_app.config
    context = dict(row.context or {})
    subject = header_text(row.subject)
    context.update(
        subject=subject,
        urgent=row.urgent,
        url=link(context["path"]) if context.get("path") else "",
        preferences_url=link("/account/email-preferences"),
        council=config["COUNCIL_NAME"],
        product=config["PRODUCT_NAME"],
        link=link,
    )
    text = env.get_template(f"email/{row.template}.txt").render(context)
    html = env.get_template(f"email/{row.template}.html").render(context)
    return Rendered(subject, text, html)


def build_message(row: OutboxEmail, rendered: Rendered) -> EmailMessage:
    config = current_app.config
    msg = EmailMessage()
    msg["Subject"] = header_text(rendered.subject)
    msg["From"] = formataddr(
        (
            header_text(f"{config['PRODUCT_NAME']} – {config['COUNCIL_NAME']}"),
            header_address(config["MAIL_FROM"]),
        )
    )
    msg["To"] = header_address(row.recipient_email)
    msg["Date"] = format_datetime(utcnow())
    msg["Message-ID"] = message_id(row, header_address(config["MAIL_FROM"]))
    msg["Auto-Submitted"] = "auto-generated"  # no out-of-office replies, please
    if row.urgent:
        msg["Importance"] = "high"
    msg.set_content(rendered.text)
    msg.add_alternative(rendered.html, subtype="html")
    return msg


def message_bytes(row: OutboxEmail, rendered: Rendered) -> tuple[bytes, str]:
    """The same email as ``build_message``, flattened with the email package's older API
    (``compat32``: headers as RFC 2047 encoded words, folded by ``email.header``; bodies
    as UTF-8 in base64), which does in ~5 ms what the newer header registry does in ~20
    (its header folding was half of each email's sending time). For ASCII addresses only:
    an address beyond ASCII needs SMTPUTF8 and ``build_message``. Returns the bytes and
    the Message-ID."""
    config = current_app.config
    sender = header_address(config["MAIL_FROM"])
    msg = MIMEMultipart("alternative")
    subject = header_text(rendered.subject)
    msg["Subject"] = (
        subject if subject.isascii() else Header(subject, "utf-8", header_name="Subject")
    )
    msg["From"] = formataddr(
        (header_text(f"{config['PRODUCT_NAME']} – {config['COUNCIL_NAME']}"), sender), "utf-8"
    )
    msg["To"] = header_address(row.recipient_email)
    msg["Date"] = format_datetime(utcnow())
    msg["Message-ID"] = message_id(row, sender)
    msg["Auto-Submitted"] = "auto-generated"  # no out-of-office replies, please
    if row.urgent:
        msg["Importance"] = "high"
    for body, subtype in ((rendered.text, "plain"), (rendered.html, "html")):
        # Ending with a line break, as EmailMessage.set_content makes it.
        msg.attach(MIMEText(body if body.endswith("\n") else body + "\n", subtype, "utf-8"))
    return msg.as_bytes(policy=_COMPAT_CRLF), msg["Message-ID"]


_COMPAT_CRLF = email.policy.compat32.clone(linesep="\r\n")


def prepare(row: OutboxEmail) -> Prepared:
    """Everything about the email that needs no mail server, down to its bytes (as
    smtplib's send_message would flatten it). Raises if it cannot be built."""
    rendered = render(row)
    sender = header_address(current_app.config["MAIL_FROM"])
    recipient = header_address(row.recipient_email)
    international = not (sender.isascii() and recipient.isascii())
    if not international:
        data, mid = message_bytes(row, rendered)
        return Prepared(rendered, mid, sender, recipient, data, False)
    msg = build_message(row, rendered)
    data = msg.as_bytes(policy=msg.policy.clone(utf8=True, linesep="\r\n"))
    return Prepared(rendered, msg["Message-ID"], sender, msg["To"], data, True)


def _classify(exc: Exception, deadline: "_Deadline | None" = None) -> Exception:
    if deadline is not None and deadline.passed:
        return TransientError(
            f"The mail server took longer than {deadline.seconds:.0f}s in "
            f"all, so the attempt was cut off ({type(exc).__name__})"
        )
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
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return PermanentError(f"The mail server cannot take it: {exc}")
    return TransientError(f"Could not reach the mail server: {type(exc).__name__}: {exc}")


def _text(value) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


class _Deadline:
    """The time an SMTP conversation may take. A watchdog thread shuts the socket when it
    comes (a server answering a byte at a time never lets a socket timeout fire), and
    ``check`` refuses to go on once it has come (a worker paused past it)."""

    def __init__(self, seconds: float):
        self.seconds = max(seconds, 0.0)
        self.ends = time.monotonic() + self.seconds
        self.passed = False

    @contextmanager
    def watching(self):
        """Set ``self.smtp`` inside: its socket is shut when the time comes."""
        self.smtp = None
        timer = threading.Timer(self.seconds, self._cut)
        timer.daemon = True
        timer.start()
        try:
            yield self
        finally:
            timer.cancel()

    def _cut(self) -> None:
        self.passed = True
        sock = getattr(self.smtp, "sock", None)
        if sock is not None:
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def check(self) -> None:
        if self.passed or time.monotonic() >= self.ends:
            self.passed = True
            raise TimeoutError("the attempt's time is up")


def conversation_seconds(cfg) -> float:
    """The longest one conversation may last: each of its timed waits at SMTP_TIMEOUT."""
    config = current_app.config
    return (
        smtp_waits(
            smtp_ssl=bool(cfg.SMTP_SSL),
            starttls=bool(config.get("SMTP_STARTTLS")),
            login=bool(config.get("SMTP_USERNAME")),
        )
        * cfg.SMTP_TIMEOUT
    )


class SmtpLink:
    """One SMTP connection kept open across messages: a worker process's (``worker_link``),
    or one message's alone (``deliver`` called on its own).

    Opened on first use; used again for the next message while it stays healthy; shut
    (QUIT, else dropped) on any error or cut-off, when it has been idle for
    SMTP_KEEPALIVE_SECONDS, and when the worker process stops. A message's conversation on a
    reused connection is MAIL, RCPT, DATA and the message: fewer waits than a fresh one, so
    the deadline and the lease, which count a whole fresh conversation, still hold. If the
    server has dropped a reused connection (its own idle timeout), the first command fails
    before anything was handed over: the connection is opened again, within the same
    deadline, once."""

    def __init__(self):
        self.smtp = None
        self.last_used = 0.0
        self.lock = threading.RLock()  # one message at a time; the idle closer waits
        self._idle_timer = None

    def open(self, cfg, deadline: "_Deadline") -> tuple[smtplib.SMTP, bool]:
        """The connection, ready for MAIL FROM, and whether it was used before."""
        config = current_app.config
        keep = float(getattr(cfg, "SMTP_KEEPALIVE_SECONDS", 0) or 0)
        if self.smtp is not None and time.monotonic() - self.last_used > keep:
            self.close()
        if self.smtp is not None:
            deadline.smtp = self.smtp
            return self.smtp, True
        host, port = cfg.SMTP_HOST, int(config["SMTP_PORT"])
        if cfg.SMTP_SSL:
            smtp = smtplib.SMTP_SSL(timeout=cfg.SMTP_TIMEOUT, context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(timeout=cfg.SMTP_TIMEOUT)
        # Not connected by the constructor, so that the watchdog holds it from the first
        # wait; smtplib then leaves unset the name that TLS checks the certificate against.
        smtp._host = host
        deadline.smtp = smtp
        self.smtp = smtp
        smtp.connect(host, port)
        deadline.check()
        if config.get("SMTP_STARTTLS"):
            smtp.starttls(context=ssl.create_default_context())
        if config.get("SMTP_USERNAME"):
            smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
        smtp.ehlo_or_helo_if_needed()
        return smtp, False

    def used(self) -> None:
        self.last_used = time.monotonic()

    def drop(self) -> None:
        """Forget the connection without a word to the server (after an error)."""
        smtp, self.smtp = self.smtp, None
        if smtp is not None:
            smtp.close()

    def close(self) -> None:
        """QUIT, or drop the connection if the server does not answer."""
        with self.lock:
            self._cancel_idle()
            smtp, self.smtp = self.smtp, None
            if smtp is None:
                return
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()

    def close_when_idle(self, seconds: float) -> None:
        """Shut the connection if nothing else is sent on it within ``seconds``."""
        with self.lock:
            self._cancel_idle()
            if self.smtp is None:
                return
            timer = threading.Timer(max(seconds, 0.0), self._idle)
            timer.daemon = True
            self._idle_timer = timer
            timer.start()

    def _idle(self) -> None:
        with self.lock:
            if self._idle_timer is not None and self._idle_timer is threading.current_thread():
                self._idle_timer = None
                self.close()

    def _cancel_idle(self) -> None:
        timer, self._idle_timer = self._idle_timer, None
        if timer is not None and timer is not threading.current_thread():
            timer.cancel()


_worker_link = None


def worker_link() -> SmtpLink:
    """This process's SMTP connection (a worker's pool process keeps one)."""
    global _worker_link
    if _worker_link is None:
        _worker_link = SmtpLink()
    return _worker_link


def close_worker_link() -> None:
    """At the worker process's shutdown: QUIT the connection it kept."""
    if _worker_link is not None:
        _worker_link.close()


def _disconnected(exc: Exception) -> bool:
    """The server has closed (or is closing: 421) the connection."""
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code == 421
    return isinstance(exc, (smtplib.SMTPServerDisconnected, ConnectionError))


def smtp_send(
    prepared: Prepared, cfg, accepted, seconds: float | None = None, link: SmtpLink | None = None
) -> None:
    """Send by SMTP within ``seconds`` (at most ``conversation_seconds``); call
    ``accepted()`` the moment the server has taken the message (its 250 to DATA, before
    anything else), so the window for a second copy is as small as it can be. On ``link``
    (kept open for the next message) or, without one, on a connection of its own, closed
    with QUIT at the end."""
    limit = conversation_seconds(cfg)
    deadline = _Deadline(limit if seconds is None else min(seconds, limit))
    own = link is None
    link = link or SmtpLink()
    with link.lock:
        link._cancel_idle()
        try:
            with deadline.watching():
                try:
                    try:
                        smtp, reused = link.open(cfg, deadline)
                        try:
                            _envelope(smtp, prepared)
                        except (OSError, smtplib.SMTPException) as exc:
                            if not (reused and _disconnected(exc)):
                                raise
                            # The server dropped the idle connection: nothing was handed
                            # over; once more on a new one, within the same deadline.
                            link.drop()
                            deadline.check()
                            smtp, _ = link.open(cfg, deadline)
                            _envelope(smtp, prepared)
                        deadline.check()  # never hand the message over once time is up
                        code, reply = smtp.data(prepared.data)
                        if code != 250:
                            raise smtplib.SMTPDataError(code, reply)
                    except (OSError, smtplib.SMTPException) as exc:
                        link.drop()
                        raise _classify(exc, deadline) from exc
                    except Exception as exc:  # noqa: BLE001 - anything else: nothing accepted
                        link.drop()
                        raise PermanentError(
                            f"Could not send it: {type(exc).__name__}: {exc}"
                        ) from exc
                    link.used()
                    accepted()
                finally:
                    if deadline.passed:  # the watchdog may have shut the socket
                        link.drop()
        finally:
            if own:
                link.close()


def _envelope(smtp: smtplib.SMTP, prepared: Prepared) -> None:
    options = ("SMTPUTF8", "BODY=8BITMIME") if prepared.international else ()
    code, reply = smtp.mail(prepared.sender, options)
    if code != 250:
        raise smtplib.SMTPSenderRefused(code, reply, prepared.sender)
    code, reply = smtp.rcpt(prepared.recipient)
    if code not in (250, 251):
        raise smtplib.SMTPRecipientsRefused({prepared.recipient: (code, reply)})


# --- the steps, each its own short transaction ---------------------------------------------


def _claim(
    outbox_id: int,
    token: str,
    now,
    prepared: Prepared | None = None,
    transport: str = "",
    lease: float | None = None,
    recorder: "_Recorder | None" = None,
) -> bool:
    """Claim the row for this attempt (and store what is about to be sent), on the
    recorder's connection if given."""
    c = OutboxEmail.__table__.c
    lease = settings.current().OUTBOX_SEND_LEASE_SECONDS if lease is None else lease
    values = dict(
        status=OutboxStatus.sending,
        claim_token=token,
        claimed_at=now,
        claim_expires_at=now + timedelta(seconds=lease),
        attempts=c.attempts + 1,
    )
    if prepared is not None:
        values.update(
            body_text=prepared.rendered.text,
            body_html=prepared.rendered.html,
            message_id=prepared.message_id,
            transport=transport,
        )
    statement = (
        sa.update(OutboxEmail)
        .where(
            c.id == outbox_id,
            c.status == OutboxStatus.queued,
            c.delivery == Delivery.immediate,
            sa.or_(c.next_attempt_at.is_(None), c.next_attempt_at <= now + _EARLY),
        )
        .values(**values)
    )
    if recorder is not None:
        return recorder.execute(statement) == 1
    with session_scope() as session:
        return session.execute(statement).rowcount == 1


def _refuse(outbox_id: int, reason: str) -> bool:
    """Mark a queued email that cannot be built as failed, with the reason."""
    c = OutboxEmail.__table__.c
    with session_scope() as session:
        return (
            session.execute(
                sa.update(OutboxEmail)
                .where(
                    c.id == outbox_id,
                    c.status == OutboxStatus.queued,
                    c.delivery == Delivery.immediate,
                )
                .values(
                    status=OutboxStatus.failed,
                    attempts=c.attempts + 1,
                    last_error=reason,
                    claim_token=None,
                )
            ).rowcount
            == 1
        )


def _finish(outbox_id: int, token: str, **values) -> bool:
    """Change the row we claimed, if it is still ours."""
    c = OutboxEmail.__table__.c
    with session_scope() as session:
        return (
            session.execute(
                sa.update(OutboxEmail)
                .where(c.id == outbox_id, c.claim_token == token, c.status == OutboxStatus.sending)
                .values(claim_token=None, claim_expires_at=None, **values)
            ).rowcount
            == 1
        )


class _Recorder:
    """The worker's own database connection for the claim and for "sent", taken from the
    pool before the conversation, so that nothing else stands between the server's 250 and
    the one statement that records it.

    PostgreSQL: in autocommit (each statement is its own transaction: one round trip), with
    a lock timeout of RECORD_WAIT_SECONDS. SQLite: BEGIN IMMEDIATE, the statement, COMMIT;
    when another process holds the write lock, tried again every fifth of a millisecond
    (SQLite's own busy handler sleeps 1, 2, 5, 10... ms between tries) for up to
    RECORD_WAIT_SECONDS. On both, these commits do not wait for the disk
    (``synchronous_commit`` off, ``synchronous`` NORMAL): they return once the change is in
    the database server's memory or the WAL file, which a dying worker cannot undo. Only the
    database server or its machine crashing in the next moment (PostgreSQL writes it out
    within 3 x wal_writer_delay, 0.6 s by default) could lose it, and then the email would
    go twice, as it could anyway."""

    def __init__(self):
        self.factory = current_app.config.get("SESSION_FACTORY")
        self.conn = None
        self.restore = ()
        if self.factory is None:  # (tests give sessions of their own: used as they are)
            self._connect()

    def _connect(self) -> None:
        engine = get_engine()
        conn = engine.connect()
        self.conn = conn
        if engine.dialect.name == "postgresql":
            conn.execution_options(isolation_level="AUTOCOMMIT")
            conn.exec_driver_sql(
                f"SELECT set_config('lock_timeout', '{RECORD_WAIT_SECONDS}s', false), "
                "set_config('synchronous_commit', 'off', false)"
            )
            self.restore = ("RESET lock_timeout", "RESET synchronous_commit")
        elif engine.dialect.name == "sqlite":
            raw = self._raw()
            level = raw.execute("PRAGMA synchronous").fetchone()[0]
            busy = raw.execute("PRAGMA busy_timeout").fetchone()[0]
            raw.execute("PRAGMA synchronous = NORMAL")
            raw.execute("PRAGMA busy_timeout = 0")
            self.restore = (
                f"PRAGMA synchronous = {int(level)}",
                f"PRAGMA busy_timeout = {int(busy)}",
            )

    def _raw(self):
        # PRAGMAs on the driver's connection: SQLAlchemy would begin (and lock) first.
        return self.conn.connection.dbapi_connection

    def _autocommit(self) -> bool:
        return self.conn.get_execution_options().get("isolation_level") == "AUTOCOMMIT"

    def execute(self, statement, params: dict | None = None) -> int:
        params = params or {}
        if self.factory is not None:
            with session_scope() as session:
                return session.execute(statement, params).rowcount
        if self.conn is None or self.conn.invalidated:
            self.close()
            self._connect()
        if self._autocommit():
            return self.conn.execute(statement, params).rowcount
        give_up = time.monotonic() + RECORD_WAIT_SECONDS
        while True:
            try:
                with self.conn.begin():
                    return self.conn.execute(statement, params).rowcount
            except sa.exc.OperationalError as exc:
                if "locked" not in str(exc.orig) or time.monotonic() > give_up:
                    raise
                time.sleep(0.0002)

    def close(self) -> None:
        if self.conn is None:
            return
        try:
            if self.restore and not self.conn.invalidated:
                if self._autocommit():
                    for sql in self.restore:
                        self.conn.exec_driver_sql(sql)
                else:
                    if self.conn.in_transaction():
                        self.conn.rollback()
                    for sql in self.restore:
                        self._raw().execute(sql)
        except Exception:  # noqa: BLE001 - never back to the pool with our settings
            self.conn.invalidate()
        finally:
            self.conn.close()
            self.conn = None
            self.restore = ()


# "Sent", if the claim is still ours, or if it lapsed and nobody has claimed the email since
# (the message is out: whatever the sweeper did, it must not go again). Written out once,
# so that nothing is built between the server's 250 and the statement.
_SENT = sa.text(
    "UPDATE outbox_email SET status = 'sent', sent_at = :sent_at, claim_token = NULL, "
    "claim_expires_at = NULL, next_attempt_at = NULL, last_error = '' "
    "WHERE id = :id AND (claim_token = :token "
    "OR (claim_token IS NULL AND status IN ('queued', 'failed')))"
).bindparams(sa.bindparam("sent_at", type_=OutboxEmail.__table__.c.sent_at.type))


def _mark_sent(recorder: _Recorder, outbox_id: int, token: str) -> None:
    for attempt in range(5):  # the message is out: try hard to record it
        try:
            if recorder.execute(_SENT, {"sent_at": utcnow(), "id": outbox_id, "token": token}) != 1:
                log.error(
                    "Email %s was sent but another worker has claimed it since its "
                    "claim lapsed: it may go twice.",
                    outbox_id,
                )
            return
        except sa.exc.OperationalError:
            if attempt == 4:
                raise
            recorder.close()
            time.sleep(0.2 * (attempt + 1))


def _load(ids) -> dict[int, OutboxEmail]:
    with session_scope() as session:
        rows = (
            session.exec(sa.select(OutboxEmail).where(OutboxEmail.__table__.c.id.in_(list(ids))))
            .scalars()
            .all()
        )
        for row in rows:
            session.expunge(row)
        return {row.id: row for row in rows}


def deliver(outbox_id: int, link: "SmtpLink | None" = None) -> Outcome:
    """Send one outbox email, at most once. Returns what happened; ``retry_in`` says when
    to try again (the row is already back in the queue with that time). Without ``link``,
    on an SMTP connection of its own, closed when it is done."""
    return deliver_many([outbox_id], link)[outbox_id]


def deliver_many(
    ids, link: "SmtpLink | None" = None, on_error=None, seconds: float | None = None
) -> dict[int, Outcome]:
    """Send these outbox emails one after another, each as ``deliver`` would (claimed, sent
    and recorded "sent" on its own), loaded with one query, claimed and recorded on one
    database connection and sent on ``link``. ``on_error(outbox_id, exc)``: an email that
    could not be tried (the database failing) is reported there and the next one goes on
    (the sweeper hands it over again); without it, the exception is raised. ``seconds``:
    once the batch has taken this long (a slow or silent server), the emails not yet tried
    are left queued and returned as due for a retry at once, so that a task never outlasts
    the broker's visibility timeout."""
    ids = list(dict.fromkeys(ids))
    cfg = settings.current()
    rows = _load(ids)
    outcomes: dict[int, Outcome] = {}
    recorder = None
    ends = None if seconds is None else time.monotonic() + seconds
    try:
        for outbox_id in ids:
            if ends is not None and outcomes and time.monotonic() > ends:
                outcomes[outbox_id] = Outcome("retry", 0.0, "handed back: the batch ran long")
                continue
            try:
                if recorder is None:
                    recorder = _Recorder()
                outcomes[outbox_id] = _deliver_row(
                    outbox_id, rows.get(outbox_id), cfg, recorder, link
                )
            except Exception as exc:
                if on_error is None:
                    raise
                on_error(outbox_id, exc)
                if recorder is not None:  # it may be what failed: a new one for the next
                    recorder.close()
                    recorder = None
    finally:
        if recorder is not None:
            recorder.close()
    return outcomes


def _deliver_row(
    outbox_id: int, row: OutboxEmail | None, cfg, recorder: "_Recorder", link: "SmtpLink | None"
) -> Outcome:
    now = utcnow()
    if row is None:
        return Outcome("skipped", detail="no such email (its transaction rolled back)")
    if row.status != OutboxStatus.queued or row.delivery != Delivery.immediate:
        return Outcome("skipped", detail=f"already {row.status}")
    if row.next_attempt_at is not None and row.next_attempt_at > now + _EARLY:
        return Outcome("retry", (row.next_attempt_at - now).total_seconds(), "not due yet")
    try:
        prepared = prepare(row)
    except Exception as exc:  # noqa: BLE001 - a broken template, context or address
        log.exception("Could not build email %s", outbox_id)
        reason = f"Could not build the email: {type(exc).__name__}: {exc}"
        if _refuse(outbox_id, reason[:4000]):
            return Outcome("failed", detail=reason)
        return Outcome("skipped", detail="another worker has it")
    token = uuid.uuid4().hex
    transport = "smtp" if cfg.SMTP_HOST else "mailbox"
    if not _claim(
        outbox_id, token, now, prepared, transport, cfg.OUTBOX_SEND_LEASE_SECONDS, recorder
    ):
        return Outcome("skipped", detail="another worker has it")
    attempts = row.attempts + 1
    # The conversation must be over in time to record "sent" before the claim lapses
    # (the claim itself may have waited for the database).
    spare = cfg.OUTBOX_SEND_LEASE_SECONDS - RECORD_WAIT_SECONDS - (utcnow() - now).total_seconds()
    try:
        if cfg.SMTP_HOST and spare <= 0:
            raise TransientError(
                "The claim was nearly out of time before the mail "
                "server was reached (the database was slow)"
            )
        if cfg.SMTP_HOST:
            smtp_send(
                prepared,
                cfg,
                lambda: _mark_sent(recorder, outbox_id, token),
                seconds=spare,
                link=link,
            )
        else:  # embedded mode: the local mailbox is the row itself
            _mark_sent(recorder, outbox_id, token)
    except PermanentError as exc:
        _finish(outbox_id, token, status=OutboxStatus.failed, last_error=str(exc))
        log.warning("Email %s failed: %s", outbox_id, exc)
        return Outcome("failed", detail=str(exc))
    except TransientError as exc:
        return _retry_or_fail(outbox_id, token, attempts, str(exc), cfg)
    return Outcome("sent")


def _retry_or_fail(outbox_id: int, token: str, attempts: int, error: str, cfg) -> Outcome:
    if attempts >= cfg.OUTBOX_MAX_ATTEMPTS:
        _finish(
            outbox_id,
            token,
            status=OutboxStatus.failed,
            last_error=f"Gave up after {attempts} attempts. Last: {error}",
        )
        log.warning("Email %s failed after %d attempts: %s", outbox_id, attempts, error)
        return Outcome("failed", detail=error)
    delay = backoff(attempts, cfg)
    due = utcnow() + timedelta(seconds=delay)
    _finish(
        outbox_id,
        token,
        status=OutboxStatus.queued,
        next_attempt_at=due,
        dispatched_at=due,
        last_error=f"Attempt {attempts}: {error}",
    )
    log.info(
        "Email %s: attempt %d failed (%s); next try in %.1fs", outbox_id, attempts, error, delay
    )
    return Outcome("retry", delay, error)

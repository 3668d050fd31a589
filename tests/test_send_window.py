"""The time an email can be sent twice in, kept as short as the database allows, and never
a second attempt while the first may still be talking to the mail server.

- Everything that needs no mail server (rendering, the bodies, the claim) is done before
  the SMTP conversation; after the server's 250 the worker runs one statement, "sent".
- One SMTP conversation has ``SMTP_WAITS`` timed waits (counted here against a server that
  counts them too); a lease shorter than all of them plus the recording of "sent" is
  refused, a conversation is cut off once they could all have run out, and a claim lapses
  when the worker that took it said it would, not when a sweeper with other settings
  thinks so.

Runs against real databases (an SQLite file, and PostgreSQL when DATABASE_URL names one)
shared by threads playing a worker and the sweeper, and real SMTP servers.
"""

import smtplib
import ssl
import subprocess
import threading
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from eia import create_app
from eia import operations as ops
from eia.db import make_engine, session_scope
from eia.migrate import upgrade
from eia.models import OutboxEmail, utcnow
from notifications import outbox, sending
from notifications import settings as notification_settings
from notifications.sending import deliver

from .factories import Factories
from .smtp_script import ScriptedSmtp
from .support.services import BACKENDS


@pytest.fixture(params=BACKENDS)
def engine_of_its_own(request, tmp_path):
    """A database that threads (a worker, the sweeper) and this test share for real."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'window.db'}")
        upgrade(engine)
        yield engine
        engine.dispose()
    else:
        yield request.getfixturevalue("own_database")


def _app(engine, port: int, **config):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "ENGINE": engine,
            "CELERY_BROKER_URL": "memory://",
            "CELERY_RESULT_BACKEND": "cache+memory://",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": port,
            "BASE_URL": "https://eia.example.gov.uk",
            **config,
        }
    )


def _one_email(engine) -> int:
    """An EIA sent for sign-off: one email, to its approver, in the outbox."""
    with Session(engine, expire_on_commit=False) as s:
        make = Factories(s)
        owner = make.user("officer")
        approver = make.user("approver", directorate=owner.service.directorate)
        eia = make.eia("full_assessment", owner=owner, approver=approver)
        make.assess(eia, owner)
        ops.transition(s, eia, "submit_for_sign_off", owner)
        outbox.forget(s)
        s.commit()
        return s.exec(select(OutboxEmail.id).where(OutboxEmail.eia_id == eia.id)).one()


def _row(engine, outbox_id: int) -> OutboxEmail:
    with Session(engine) as s:
        row = s.get(OutboxEmail, outbox_id)
        s.expunge(row)
        return row


# --- 13: nothing but "sent" between the 250 and the commit ----------------------------------


def test_the_bodies_and_the_claim_are_stored_before_the_conversation(
    engine_of_its_own, smtp_server
):
    engine = engine_of_its_own
    app = _app(engine, smtp_server.port)
    outbox_id = _one_email(engine)
    smtp_server.hold_after = 0  # keep the message in DATA until released
    outcome = []
    worker = threading.Thread(target=lambda: outcome.append(_in(app, deliver, outbox_id)))
    worker.start()
    try:
        assert smtp_server.in_data.wait(30), "the worker never reached DATA"
        held = _row(engine, outbox_id)
        assert held.status == "sending" and held.attempts == 1
        assert "https://eia.example.gov.uk/eias/" in held.body_text
        assert "https://eia.example.gov.uk/eias/" in held.body_html
        assert held.message_id.startswith("<") and held.transport == "smtp"
        assert held.claim_expires_at is not None and held.claimed_at is not None
    finally:
        smtp_server.release()
        worker.join(30)
    assert outcome == ["sent"]
    done = _row(engine, outbox_id)
    assert done.status == "sent" and done.claim_token is None and done.sent_at


def _in(app, fn, *args):
    with app.app_context():
        result = fn(*args)
    return getattr(result, "status", result)


def test_after_the_servers_250_the_worker_runs_one_statement_then_quits(
    engine_of_its_own, smtp_server, monkeypatch
):
    engine = engine_of_its_own
    app = _app(engine, smtp_server.port)
    outbox_id = _one_email(engine)
    phase = {"now": "before"}
    after_250 = []

    real_data, real_quit = smtplib.SMTP.data, smtplib.SMTP.quit

    def data(self, msg):
        reply = real_data(self, msg)
        phase["now"] = "after 250"
        return reply

    def quit_(self):
        phase["now"] = "quit"
        return real_quit(self)

    def executed(conn, cursor, statement, parameters, context, executemany):
        if phase["now"] == "after 250":
            after_250.append((statement, parameters))

    monkeypatch.setattr(smtplib.SMTP, "data", data)
    monkeypatch.setattr(smtplib.SMTP, "quit", quit_)
    sa.event.listen(engine, "before_cursor_execute", executed)
    try:
        assert _in(app, deliver, outbox_id) == "sent"
    finally:
        sa.event.remove(engine, "before_cursor_execute", executed)
    updates = [(s, p) for s, p in after_250 if s.lstrip().upper().startswith("UPDATE")]
    others = [s for s, _ in after_250 if not s.lstrip().upper().startswith(("UPDATE", "BEGIN"))]
    assert len(updates) == 1 and others == [], after_250
    statement, parameters = updates[0]
    assert "status = 'sent'" in statement and "body_text" not in statement, statement
    if engine.dialect.name == "postgresql":
        assert len(after_250) == 1  # autocommit: the statement is the transaction
    assert _row(engine, outbox_id).status == "sent"


# --- 14: the lease and the conversation's waits ---------------------------------------------


def _certificate(tmp_path):
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert, key)
    return server, cert


@pytest.mark.parametrize(
    "starttls, login", [(False, False), (False, True), (True, False), (True, True)]
)
def test_the_waits_counted_are_the_waits_an_smtp_conversation_makes(
    app, tmp_path, monkeypatch, starttls, login
):
    """The server counts each wait it makes the client go through (its connection, every
    reply, every TLS handshake) up to the 250 for the message; with AUTH, the worst case:
    CRAM-MD5 and PLAIN refused, LOGIN accepted."""
    server_tls, cert = _certificate(tmp_path) if starttls else (None, None)
    server = ScriptedSmtp(
        starttls=server_tls, auth=login, refuse_auth=("CRAM-MD5", "PLAIN")
    ).start()
    if starttls:
        trusting = ssl.create_default_context
        monkeypatch.setattr(
            sending.ssl, "create_default_context", lambda *a, **k: trusting(cafile=str(cert))
        )
    app.config.update(
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=server.port,
        SMTP_TIMEOUT=5.0,
        SMTP_STARTTLS=starttls,
        SMTP_USERNAME="eia" if login else "",
        SMTP_PASSWORD="secret" if login else "",
    )
    accepted = []
    prepared = sending.Prepared(
        sending.Rendered("Hello", "Hello", "<p>Hello</p>"),
        "<1@example.gov.uk>",
        "eia@example.gov.uk",
        "ada@example.gov.uk",
        b"Message-ID: <1@example.gov.uk>\r\nSubject: Hello\r\n\r\nHello\r\n",
        False,
    )
    try:
        with app.app_context():
            sending.smtp_send(
                prepared, notification_settings.current(), lambda: accepted.append(server.waits)
            )
    finally:
        server.stop()
    expected = sending.smtp_waits(smtp_ssl=False, starttls=starttls, login=login)
    assert accepted == [expected], (server.commands, accepted, expected)
    assert server.message_ids() == ["<1@example.gov.uk>"]


def test_a_lease_shorter_than_a_conversation_can_last_is_refused():
    with pytest.raises(ValueError, match="OUTBOX_SEND_LEASE_SECONDS must be at least 240"):
        notification_settings.load({"SMTP_TIMEOUT": "30", "OUTBOX_SEND_LEASE_SECONDS": "100"})
    with pytest.raises(ValueError, match="at least 480"):
        notification_settings.load(
            {"SMTP_STARTTLS": "true", "SMTP_USERNAME": "eia", "OUTBOX_SEND_LEASE_SECONDS": "400"}
        )
    assert notification_settings.load(
        {"SMTP_STARTTLS": "true", "SMTP_USERNAME": "eia", "OUTBOX_SEND_LEASE_SECONDS": "480"}
    )
    assert notification_settings.load({})["OUTBOX_SEND_LEASE_SECONDS"] == 600


def _shortest_lease_accepted(timeout: str) -> int:
    for lease in range(1, 3600):
        try:
            notification_settings.load(
                {"SMTP_TIMEOUT": timeout, "OUTBOX_SEND_LEASE_SECONDS": str(lease)}
            )
            return lease
        except ValueError:
            continue
    raise AssertionError("no lease accepted")


@pytest.mark.slow  # waits out a slow SMTP server
def test_a_slow_server_gets_the_email_once_while_the_sweeper_keeps_sweeping(engine_of_its_own):
    """Each reply comes after 1.5 s (under SMTP_TIMEOUT, 2 s): the conversation takes
    about 9 s. With the shortest lease the settings accept, a sweeper and a second worker
    running meanwhile must not send it again while the first attempt is still going (a 3 x
    SMTP_TIMEOUT lease let them: the email arrived twice, three times with more workers)."""
    engine = engine_of_its_own
    lease = _shortest_lease_accepted("2")
    server = ScriptedSmtp(delay=1.5).start()
    app = _app(
        engine,
        server.port,
        SMTP_TIMEOUT=2.0,
        OUTBOX_SEND_LEASE_SECONDS=float(lease),
        OUTBOX_REQUEUE_AFTER_SECONDS=0.5,
    )
    outbox_id = _one_email(engine)
    outcomes = []
    first = threading.Thread(target=lambda: outcomes.append(_in(app, deliver, outbox_id)))
    others = []
    try:
        first.start()
        started = time.monotonic()
        while first.is_alive() and time.monotonic() - started < 30:
            time.sleep(0.3)
            with app.app_context(), session_scope() as s:
                ids = outbox.sweep(s, notification_settings.current())
                outbox.forget(s)
            for again in ids:  # what a second worker does with what the sweeper hands it
                t = threading.Thread(target=lambda i=again: outcomes.append(_in(app, deliver, i)))
                t.start()
                others.append(t)
        first.join(30)
        for t in others:
            t.join(30)
    finally:
        server.stop()
    assert len(server.messages) == 1, (lease, outcomes)
    assert _row(engine, outbox_id).status == "sent"


@pytest.mark.slow  # waits out a slow SMTP server
def test_a_server_answering_a_byte_at_a_time_is_cut_off_when_the_waits_are_up(engine_of_its_own):
    engine = engine_of_its_own
    server = ScriptedSmtp(trickle=0.2).start()
    app = _app(engine, server.port, SMTP_TIMEOUT=1.0, OUTBOX_SEND_LEASE_SECONDS=60.0)
    outbox_id = _one_email(engine)
    outcome = []
    worker = threading.Thread(
        target=lambda: outcome.append(_in(app, deliver, outbox_id)), daemon=True
    )
    started = time.monotonic()
    worker.start()
    worker.join(25)
    took = time.monotonic() - started
    server.stop()
    worker.join(10)
    assert not worker.is_alive(), "the conversation was never cut off"
    limit = sending.smtp_waits(smtp_ssl=False, starttls=False, login=False) * 1.0
    assert outcome == ["retry"] and limit - 0.5 < took < limit + 5, (outcome, took)
    row = _row(engine, outbox_id)
    assert row.status == "queued" and f"took longer than {limit:.0f}s" in row.last_error
    assert server.messages == []


def test_a_claim_lapses_when_its_worker_said_not_when_a_sweeper_thinks(
    engine_of_its_own, smtp_server
):
    """A worker with a 600 s lease is part-way through an email; a sweeper configured with
    a 60 s lease runs two minutes later: the claim is not released (the first attempt may
    still be in flight); once the worker's own lease has passed, it is."""
    engine = engine_of_its_own
    app = _app(engine, smtp_server.port, OUTBOX_SEND_LEASE_SECONDS=600.0)
    outbox_id = _one_email(engine)
    smtp_server.hold_after = 0
    outcome = []
    worker = threading.Thread(target=lambda: outcome.append(_in(app, deliver, outbox_id)))
    worker.start()
    try:
        assert smtp_server.in_data.wait(30)
        hasty = notification_settings.View(
            {
                **notification_settings.load(
                    {"OUTBOX_SEND_LEASE_SECONDS": "300", "SMTP_TIMEOUT": "10"}
                ),
                "OUTBOX_SEND_LEASE_SECONDS": 60.0,
            }
        )
        with app.app_context(), session_scope() as s:
            assert outbox.sweep(s, hasty, utcnow() + timedelta(minutes=2)) == []
            outbox.forget(s)
        assert _row(engine, outbox_id).status == "sending"
    finally:
        smtp_server.release()
        worker.join(30)
    assert outcome == ["sent"] and len(smtp_server.snapshot()) == 1
    # A worker that died instead: its claim lapses at the time it recorded.
    with Session(engine) as s:
        s.execute(
            sa.update(OutboxEmail)
            .where(OutboxEmail.id == outbox_id)
            .values(
                status="sending",
                claim_token="d" * 32,
                claimed_at=utcnow(),
                claim_expires_at=utcnow() + timedelta(seconds=600),
            )
        )
        s.commit()
    with app.app_context(), session_scope() as s:
        assert outbox.release_dead_claims(s, hasty, utcnow() + timedelta(seconds=599)) == 0
        assert outbox.release_dead_claims(s, hasty, utcnow() + timedelta(seconds=601)) == 1

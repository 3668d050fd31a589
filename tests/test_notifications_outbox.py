"""The transactional outbox: rows written with the change that caused them, handed to the
broker after the commit, sent once (claim, retries with back-off, failure shown to admins
and resent from there)."""

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, func, select

from eia import audit
from eia import operations as ops
from eia.models import AuditRecord, OutboxEmail, utcnow
from notifications import outbox, sending
from notifications import settings as notification_settings
from notifications.sending import deliver

from .factories import Factories
from .support.db import session_on
from .support.html import parse
from .support.people import sign_in

FAST = {
    "OUTBOX_RETRY_BASE_SECONDS": 0.01,
    "OUTBOX_RETRY_MAX_SECONDS": 0.05,
    "OUTBOX_MAX_ATTEMPTS": 3,
    "SMTP_TIMEOUT": 5.0,
    "OUTBOX_SEND_LEASE_SECONDS": 60.0,
    "OUTBOX_REQUEUE_AFTER_SECONDS": 30.0,
}


@pytest.fixture
def smtp_app(app, smtp_server):
    """The app sending to the test's SMTP server, with short retry delays. Tests that use
    the browser client push the app context only around their own calls (one held across
    requests would keep the previous request's signed-in person)."""
    app.config.update(
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=smtp_server.port,
        BASE_URL="https://eia.example.gov.uk",
        **FAST,
    )
    return app


@pytest.fixture
def in_app(smtp_app):
    with smtp_app.app_context():
        yield smtp_app


def _rows(connection, **where) -> list[OutboxEmail]:
    with session_on(connection) as fresh:
        query = select(OutboxEmail)
        for name, value in where.items():
            query = query.where(getattr(OutboxEmail, name) == value)
        rows = fresh.exec(query.order_by(OutboxEmail.id)).all()
        for row in rows:
            fresh.expunge(row)
        return rows


def _submitted(make, db):
    """An EIA in full assessment, ready to send for sign-off, and its approver."""
    owner = make.user("officer", name="Olu Officer")
    approver = make.user("approver", directorate=owner.service.directorate, name="Ada Approver")
    eia = make.eia("full_assessment", owner=owner, approver=approver, title="Close the road")
    make.assess(eia, owner)
    db.commit()
    return eia, owner, approver


# --- written with the change, or not at all ----------------------------------------------


def test_sending_for_sign_off_writes_the_approvers_email_in_the_same_transaction(
    make, db, connection
):
    eia, owner, approver = _submitted(make, db)
    other_directorate = make.user("approver")
    record = ops.transition(db, eia, "submit_for_sign_off", owner)
    db.commit()
    [row] = _rows(connection, eia_id=eia.id)
    assert row.recipient_id == approver.id and row.recipient_email == approver.email
    assert row.idempotency_key == (
        f"eia:{eia.id}|rule:submit_for_sign_off|period:audit-{record.seq}|user:{approver.id}"
    )
    assert row.template == "signoff_requested" and row.status == "queued"
    assert row.context["path"] == f"/eias/{eia.reference}/sign-off"
    assert other_directorate.id not in {r.recipient_id for r in _rows(connection)}


def test_rolled_back_transition_leaves_no_email(make, db, connection):
    eia, owner, _ = _submitted(make, db)
    before = len(_rows(connection))
    ops.transition(db, eia, "submit_for_sign_off", owner)
    assert len(_rows(connection)) == before + 1  # flushed in the transaction...
    db.rollback()
    assert len(_rows(connection)) == before  # ...and gone with it, as is the audit record
    with session_on(connection) as fresh:
        assert (
            fresh.exec(
                select(func.count())
                .select_from(AuditRecord)
                .where(AuditRecord.event == "submit_for_sign_off")
            ).one()
            == 0
        )


def test_failure_after_the_email_row_rolls_back_both(make, db, connection, monkeypatch):
    eia, owner, _ = _submitted(make, db)
    real_add = outbox.add

    def add_then_fail(*args, **kwargs):
        real_add(*args, **kwargs)
        raise RuntimeError("the database went away")

    monkeypatch.setattr(outbox, "add", add_then_fail)
    with pytest.raises(RuntimeError):
        ops.transition(db, eia, "submit_for_sign_off", owner)
    db.rollback()
    assert _rows(connection, eia_id=eia.id) == []
    db.refresh(eia)
    assert eia.status == "full_assessment"
    assert audit.verify(db).ok


def test_returned_and_approved_tell_the_owner(make, db, connection):
    eia, owner, approver = _submitted(make, db)
    ops.transition(db, eia, "submit_for_sign_off", owner)
    ops.transition(
        db, eia, "return", approver, comment="Add the <b>bus</b> data.", return_to="full_assessment"
    )
    ops.transition(db, eia, "submit_for_sign_off", owner)
    ops.transition(db, eia, "approve", approver, attested=True)
    db.commit()
    rows = _rows(connection, eia_id=eia.id)
    assert [(r.template, r.recipient_id) for r in rows] == [
        ("signoff_requested", approver.id),
        ("returned", owner.id),
        ("signoff_requested", approver.id),
        ("approved", owner.id),
    ]
    assert rows[1].context["comment"] == "Add the <b>bus</b> data."
    assert len({r.idempotency_key for r in rows}) == 4


def test_nobody_is_emailed_about_their_own_step_or_backdated_history(make, db, connection):
    owner = make.user("approver")  # an approver who writes an EIA: not asked to sign it
    eia = make.eia("full_assessment", owner=owner)
    make.assess(eia, owner)
    ops.transition(db, eia, "submit_for_sign_off", owner)
    db.commit()
    approvers = {r.recipient_id for r in _rows(connection, eia_id=eia.id)}
    assert owner.id not in approvers

    eia2, owner2, _ = _submitted(make, db)
    ops.transition(db, eia2, "submit_for_sign_off", owner2, at=utcnow() - timedelta(days=3))
    db.commit()
    assert _rows(connection, eia_id=eia2.id) == []


def test_ids_go_to_the_broker_after_the_commit_and_not_after_a_rollback(app, make, db, monkeypatch):
    handed = []
    monkeypatch.setattr(outbox, "dispatch", lambda ids, *a, **k: handed.extend(ids))
    eia, owner, approver = _submitted(make, db)
    with app.app_context():
        ops.transition(db, eia, "submit_for_sign_off", owner)
        assert handed == []  # not before the commit
        db.rollback()
        assert handed == []
        ops.transition(db, eia, "submit_for_sign_off", owner)
        db.commit()
    [row] = db.exec(select(OutboxEmail).where(OutboxEmail.eia_id == eia.id)).all()
    assert handed == [row.id]


def test_the_broker_being_down_loses_nothing(connection, tmp_path, make, db):
    import time

    from eia import create_app

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "DATABASE_URL": "sqlite:///" + str(tmp_path / "unused.db"),
            "SESSION_FACTORY": lambda: session_on(connection),
            "CELERY_BROKER_URL": "redis://127.0.0.1:1/0",  # nothing listens
            "CELERY_RESULT_BACKEND": "redis://127.0.0.1:1/0",
        }
    )
    eia, owner, _ = _submitted(make, db)
    with app.app_context():
        ops.transition(db, eia, "submit_for_sign_off", owner)
        started = time.monotonic()
        db.commit()  # the hook fails to hand it over: quietly, and without hanging
        # Not a speed measurement: a hand-over that waited on broker retries or a connect
        # timeout would take tens of seconds; 10 s leaves room for a loaded machine.
        assert time.monotonic() - started < 10
        [row] = _rows(connection, eia_id=eia.id)
        assert row.status == "queued"
        cfg = notification_settings.current()
        # The sweeper takes it once OUTBOX_REQUEUE_AFTER_SECONDS have passed.
        assert row.id not in outbox.due_ids(db, cfg, utcnow())
        later = utcnow() + timedelta(seconds=cfg.OUTBOX_REQUEUE_AFTER_SECONDS + 1)
        assert row.id in outbox.due_ids(db, cfg, later)


# --- sending ------------------------------------------------------------------------------


def test_an_email_is_sent_once_with_text_html_and_a_link_to_act_on(
    in_app, smtp_server, make, db, connection
):
    eia, owner, approver = _submitted(make, db)
    ops.transition(db, eia, "submit_for_sign_off", owner)
    db.commit()
    [row] = _rows(connection, eia_id=eia.id)
    assert deliver(row.id).status == "sent"
    assert deliver(row.id).status == "skipped"  # already sent: returns at once
    [message] = smtp_server.snapshot()
    assert message["To"] == approver.email
    assert message["Subject"] == f"Sign-off needed: {eia.reference} Close the road"
    assert message["Message-ID"] == sending.message_id(row, in_app.config["MAIL_FROM"])
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    url = f"https://eia.example.gov.uk/eias/{eia.reference}/sign-off"
    assert url in text and f'href="{url}"' in html
    assert "Olu Officer has sent" in text
    [row] = _rows(connection, eia_id=eia.id)
    assert row.status == "sent" and row.attempts == 1 and row.transport == "smtp"
    assert url in row.body_text and url in row.body_html


def test_comment_is_escaped_in_html_and_plain_in_text(in_app, smtp_server, make, db, connection):
    eia, owner, approver = _submitted(make, db)
    ops.transition(db, eia, "submit_for_sign_off", owner)
    ops.transition(db, eia, "return", approver, comment="Add <script>x</script> data")
    db.commit()
    row = _rows(connection, template="returned")[-1]
    assert deliver(row.id).status == "sent"
    message = smtp_server.snapshot()[-1]
    assert "Add <script>x</script> data" in message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_a_claimed_email_cannot_be_claimed_again(in_app, make, db, connection):
    eia, owner, _ = _submitted(make, db)
    ops.transition(db, eia, "submit_for_sign_off", owner)
    db.commit()
    [row] = _rows(connection, eia_id=eia.id)
    now = utcnow()
    assert sending._claim(row.id, "a" * 32, now) is True
    assert sending._claim(row.id, "b" * 32, now) is False
    assert deliver(row.id).status == "skipped"
    # Only the claim's holder may finish it.
    assert sending._finish(row.id, "b" * 32, status="sent") is False
    assert sending._finish(row.id, "a" * 32, status="queued") is True


def test_refusals_are_retried_with_growing_delays_then_sent(
    in_app, smtp_server, make, db, connection
):
    eia, owner, _ = _submitted(make, db)
    ops.transition(db, eia, "submit_for_sign_off", owner)
    db.commit()
    [row] = _rows(connection, eia_id=eia.id)
    smtp_server.refuse_for(60)
    first = deliver(row.id)
    assert first.status == "retry" and "451" in first.detail
    [queued] = _rows(connection, id=row.id)
    assert queued.status == "queued" and queued.attempts == 1 and queued.next_attempt_at
    assert "Attempt 1" in queued.last_error
    smtp_server.refuse_until = 0
    _make_due(connection, row.id)
    assert deliver(row.id).status == "sent"
    assert len(smtp_server.snapshot()) == 1 and smtp_server.refusals == 1


def test_backoff_doubles_and_is_capped_below_the_visibility_timeout():
    cfg = notification_settings.View(notification_settings.load({}))
    delays = [sending.backoff(n, cfg) for n in range(1, 12)]
    assert 24 <= delays[0] <= 36 and 48 <= delays[1] <= 72 and 96 <= delays[2] <= 144
    assert max(delays) == cfg.OUTBOX_RETRY_MAX_SECONDS < cfg.BROKER_VISIBILITY_TIMEOUT
    with pytest.raises(ValueError, match="BROKER_VISIBILITY_TIMEOUT"):
        notification_settings.load({"OUTBOX_RETRY_MAX_SECONDS": "4000"})


def test_not_yet_due_retry_waits(in_app, make, db, connection):
    eia, owner, _ = _submitted(make, db)
    ops.transition(db, eia, "submit_for_sign_off", owner)
    db.commit()
    [row] = _rows(connection, eia_id=eia.id)
    with session_on(connection) as s:
        s.execute(
            sa.update(OutboxEmail)
            .where(OutboxEmail.id == row.id)
            .values(next_attempt_at=utcnow() + timedelta(seconds=30))
        )
        s.commit()
    outcome = deliver(row.id)
    assert outcome.status == "retry" and 25 < outcome.retry_in <= 30


def _deliver(app, outbox_id) -> str:
    with app.app_context():
        return deliver(outbox_id).status


def _make_due(connection, outbox_id):
    with session_on(connection) as s:
        s.execute(
            sa.update(OutboxEmail)
            .where(OutboxEmail.id == outbox_id)
            .values(next_attempt_at=utcnow() - timedelta(seconds=1))
        )
        s.commit()


def test_after_the_last_retry_it_fails_is_shown_to_admins_and_can_be_resent(
    smtp_app, smtp_server, make, db, connection, client
):
    eia, owner, approver = _submitted(make, db)
    ops.transition(db, eia, "submit_for_sign_off", owner)
    db.commit()
    [row] = _rows(connection, eia_id=eia.id)
    smtp_server.refuse_for(600)
    outcomes = []
    for _ in range(FAST["OUTBOX_MAX_ATTEMPTS"]):
        _make_due(connection, row.id)
        outcomes.append(_deliver(smtp_app, row.id))
    assert outcomes == ["retry", "retry", "failed"]
    [failed] = _rows(connection, id=row.id)
    assert failed.status == "failed" and failed.attempts == 3
    assert failed.last_error.startswith("Gave up after 3 attempts") and "451" in failed.last_error
    assert _deliver(smtp_app, row.id) == "skipped"  # a failed email is not retried by itself

    admin = make.user("admin")
    db.commit()
    sign_in(client, owner)
    assert client.get("/emails/failed").status_code == 403
    sign_in(client, admin)
    page = parse(client.get("/emails/failed"))
    cells = page.find(id=f"email-{row.id}")
    assert cells is not None and "Gave up after 3 attempts" in cells.get_text()
    assert approver.email in cells.get_text()

    smtp_server.refuse_until = 0
    response = client.post(f"/emails/{row.id}/resend")
    assert response.status_code == 302
    [queued] = _rows(connection, id=row.id)
    assert queued.status == "queued" and queued.attempts == 0
    assert queued.last_error.startswith("Resent by an administrator")
    assert _deliver(smtp_app, row.id) == "sent"
    assert [m["To"] for m in smtp_server.snapshot()] == [approver.email]
    page = parse(client.get("/emails/failed"))
    assert page.find(id=f"email-{row.id}") is None
    # Resending something not failed is refused with the reason.
    response = client.post(f"/emails/{row.id}/resend", follow_redirects=True)
    assert "Only an email that failed can be sent again." in response.get_data(as_text=True)


def test_a_refused_address_fails_at_once(in_app, smtp_server, make, db, connection):
    eia, owner, _ = _submitted(make, db)
    ops.transition(db, eia, "submit_for_sign_off", owner)
    db.commit()
    [row] = _rows(connection, eia_id=eia.id)
    smtp_server.refuse_for(60, "550 5.1.1 No such mailbox")
    assert deliver(row.id).status == "failed"
    [failed] = _rows(connection, id=row.id)
    assert failed.attempts == 1 and "550" in failed.last_error


def test_no_mail_server_answering_is_retried(in_app, make, db, connection):
    in_app.config["SMTP_PORT"] = 1  # nothing listens there
    eia, owner, _ = _submitted(make, db)
    ops.transition(db, eia, "submit_for_sign_off", owner)
    db.commit()
    [row] = _rows(connection, eia_id=eia.id)
    outcome = deliver(row.id)
    assert outcome.status == "retry" and "Could not reach the mail server" in outcome.detail


# --- the sweeper ---------------------------------------------------------------------------


def test_sweeper_hands_over_lost_rows_and_releases_dead_claims(
    in_app, make, db, connection, monkeypatch
):
    handed = []
    monkeypatch.setattr(outbox, "dispatch", lambda ids, *a, **k: handed.extend(ids))
    eia, owner, approver = _submitted(make, db)
    ops.transition(db, eia, "submit_for_sign_off", owner)
    db.commit()
    handed.clear()
    [row] = _rows(connection, eia_id=eia.id)
    cfg = notification_settings.current()

    with session_scope_on(connection) as s:
        assert outbox.sweep(s, cfg) == []  # just handed over: not again yet
    later = utcnow() + timedelta(seconds=cfg.OUTBOX_REQUEUE_AFTER_SECONDS + 1)
    with session_scope_on(connection) as s:
        assert outbox.sweep(s, cfg, later) == [row.id]
    assert handed == [row.id]

    # A worker claimed it and died: after the lease it goes back in the queue.
    assert sending._claim(row.id, "c" * 32, utcnow())
    with session_scope_on(connection) as s:
        assert outbox.sweep(s, cfg, later) == []
    past_lease = utcnow() + timedelta(seconds=cfg.OUTBOX_SEND_LEASE_SECONDS + 1)
    with session_scope_on(connection) as s:
        assert outbox.sweep(s, cfg, past_lease) == [row.id]
    [released] = _rows(connection, id=row.id)
    assert released.status == "queued" and released.attempts == 1
    assert "stopped before it finished" in released.last_error

    # ...unless that was its last attempt.
    for _ in range(cfg.OUTBOX_MAX_ATTEMPTS):
        sending._claim(row.id, "d" * 32, utcnow())
        with session_scope_on(connection) as s:
            outbox.sweep(s, cfg, past_lease)
    [dead] = _rows(connection, id=row.id)
    assert dead.status == "failed"


class session_scope_on:
    def __init__(self, connection):
        self.session = session_on(connection)

    def __enter__(self):
        return self.session

    def __exit__(self, exc_type, *_):
        if exc_type is None:
            self.session.commit()
        else:
            self.session.rollback()
        self.session.close()


# --- embedded mode: the local mailbox ----------------------------------------------------------


def test_embedded_mode_delivers_to_the_mailbox_page(app, client, make, db, connection):
    eia, owner, approver = _submitted(make, db)
    ops.transition(db, eia, "submit_for_sign_off", owner)
    db.commit()
    [row] = _rows(connection, eia_id=eia.id)
    assert _deliver(app, row.id) == "sent"
    [row] = _rows(connection, eia_id=eia.id)
    assert row.transport == "mailbox" and "sign-off" in row.body_text

    sign_in(client, approver)
    page = client.get("/mailbox")
    assert page.status_code == 200 and row.subject in page.get_data(as_text=True)
    assert b"Mailbox" in client.get("/").data  # in the navigation
    shown = client.get(f"/mailbox/{row.id}").get_data(as_text=True)
    assert "Olu Officer has sent" in shown
    html = client.get(f"/mailbox/{row.id}/html")
    assert html.status_code == 200 and b"<html" in html.data
    assert "default-src 'none'" in html.headers["Content-Security-Policy"]

    sign_in(client, owner)  # not theirs
    assert row.subject not in client.get("/mailbox").get_data(as_text=True)
    assert client.get(f"/mailbox/{row.id}").status_code == 404
    admin = make.user("admin")
    db.commit()
    sign_in(client, admin)  # administrators read everyone's
    assert row.subject in client.get("/mailbox").get_data(as_text=True)


def test_no_mailbox_when_a_mail_server_is_configured(connection, tmp_path, make, db):
    from eia import create_app

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "WTF_CSRF_ENABLED": False,
            "DATABASE_URL": "sqlite:///" + str(tmp_path / "unused.db"),
            "SESSION_FACTORY": lambda: session_on(connection),
            "CELERY_BROKER_URL": "memory://",
            "CELERY_RESULT_BACKEND": "cache+memory://",
            "SMTP_HOST": "mail.example.gov.uk",
        }
    )
    client = app.test_client()
    admin = make.user("admin")
    db.commit()
    sign_in(client, admin)
    assert client.get("/mailbox").status_code == 404
    assert b"Mailbox" not in client.get("/").data


# --- on PostgreSQL, two workers at once ------------------------------------------------------


@pytest.mark.postgres
def test_two_workers_racing_for_one_email_send_it_once(own_database, smtp_server, tmp_path):
    from eia import create_app

    with Session(own_database, expire_on_commit=False) as s:
        make = Factories(s)
        eia, owner, _ = _submitted(make, s)
        ops.transition(s, eia, "submit_for_sign_off", owner)
        s.commit()
        ids = s.exec(select(OutboxEmail.id).where(OutboxEmail.eia_id == eia.id)).all()
    app = create_app(
        {
            "TESTING": True,
            "ENGINE": own_database,
            "CELERY_BROKER_URL": "memory://",
            "CELERY_RESULT_BACKEND": "cache+memory://",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": smtp_server.port,
            **FAST,
        }
    )
    barrier = threading.Barrier(8)
    outcomes = []

    def worker():
        with app.app_context():
            barrier.wait()
            outcomes.append(deliver(ids[0]).status)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["sent"] + ["skipped"] * 7
    assert len(smtp_server.snapshot()) == 1


def test_a_closed_redis_channel_reports_a_lost_connection_not_a_crash():
    """kombu's Redis channel, once closed, raised AttributeError when asked to put back or
    acknowledge a task, which stopped the worker; it now says the connection is lost."""
    import redis
    from kombu.transport import redis as kombu_redis

    from notifications.celery_app import survive_redis_restarts

    survive_redis_restarts()
    survive_redis_restarts()  # once is enough: not wrapped twice

    class Closed:
        connection = None

    class Orphaned:
        class connection:
            client = None

    for channel in (Closed(), Orphaned()):
        with pytest.raises(redis.exceptions.ConnectionError):
            kombu_redis.Channel._connparams(channel)


# --- handed over after the outermost commit only (savepoints are not commits) -------------


def _due_for_review(make, db, count: int):
    eias = []
    for _ in range(count):
        eia = make.eia("approved")
        eia.review_date = utcnow().date() - timedelta(days=1)
        db.add(eia)
        eias.append(eia)
    db.commit()
    return eias


def test_review_emails_go_to_the_broker_after_the_outermost_commit_not_each_savepoint(
    app, make, db, connection, monkeypatch
):
    """start_due_reviews moves each EIA inside a SAVEPOINT; SQLAlchemy fires after_commit
    when a SAVEPOINT is released, so the emails' ids used to reach the worker before their
    rows were committed (the worker found nothing and the email waited for the sweeper)."""
    handed = []
    monkeypatch.setattr(outbox, "dispatch", lambda ids, *a, **k: handed.extend(ids))
    eias = _due_for_review(make, db, 2)
    handed.clear()  # the factories' own emails
    with app.app_context():
        assert len(ops.start_due_reviews(db)) == 2
        assert handed == []  # both savepoints released, the transaction not committed
        db.rollback()
        assert handed == []  # rolled back: nothing handed over, ever
        assert len(ops.start_due_reviews(db)) == 2
        assert handed == []
        db.commit()
    rows = _rows(connection, rule="start_review")
    assert {r.eia_id for r in rows} == {e.id for e in eias}
    assert sorted(handed) == sorted(r.id for r in rows)


def test_a_savepoint_rolled_back_forgets_only_the_emails_written_inside_it(
    app, make, db, connection, monkeypatch
):
    handed = []
    monkeypatch.setattr(outbox, "dispatch", lambda ids, *a, **k: handed.extend(ids))
    first, owner, _ = _submitted(make, db)
    second, other_owner, _ = _submitted(make, db)
    handed.clear()
    with app.app_context():
        ops.transition(db, first, "submit_for_sign_off", owner)
        with pytest.raises(RuntimeError), db.begin_nested():
            ops.transition(db, second, "submit_for_sign_off", other_owner)
            raise RuntimeError("this step is abandoned")
        with db.begin_nested(), db.begin_nested():  # an inner savepoint that is kept
            ops.transition(db, first, "withdraw", owner, reason="Dropped.")
        assert handed == []
        db.commit()
    kept = [r.id for r in _rows(connection) if r.eia_id == first.id]
    assert kept and sorted(handed) == sorted(kept)
    assert _rows(connection, eia_id=second.id) == []


def test_emails_of_a_savepoint_inside_one_rolled_back_are_forgotten(
    app, make, db, connection, monkeypatch
):
    handed = []
    monkeypatch.setattr(outbox, "dispatch", lambda ids, *a, **k: handed.extend(ids))
    eia, owner, _ = _submitted(make, db)
    handed.clear()
    with app.app_context():
        outer = db.begin_nested()
        db.begin_nested()  # still open when the one around it rolls back
        ops.transition(db, eia, "submit_for_sign_off", owner)
        outer.rollback()
        db.commit()
    assert handed == [] and _rows(connection, eia_id=eia.id) == []


# --- a line break saved in a title or a name, and emails that cannot be built ---------------


def test_a_line_break_saved_in_a_title_or_a_name_cannot_stop_the_email(
    in_app, smtp_server, make, db, connection
):
    """Forms refuse them now, but a title saved before (or imported) with a line break
    stopped every email about its EIA being built ("Header values may not contain
    linefeed"): the approver never heard of the sign-off."""
    eia, owner, approver = _submitted(make, db)
    eia.title = "Close the road\nand the\u2028square\r"
    owner.name = "Olu\r\nOfficer"
    db.add_all([eia, owner])
    db.commit()
    in_app.config.update(COUNCIL_NAME="Islington\nCouncil", PRODUCT_NAME="Equality\x85Impact")
    ops.transition(db, eia, "submit_for_sign_off", owner)
    db.commit()
    [row] = _rows(connection, eia_id=eia.id)
    assert deliver(row.id).status == "sent"
    [message] = smtp_server.snapshot()
    assert message["Subject"] == f"Sign-off needed: {eia.reference} Close the road and the square"
    assert message["From"].addresses[0].display_name == "Equality Impact – Islington Council"
    assert message["To"] == approver.email
    assert "Olu\r\nOfficer" not in row.subject and "\n" not in row.subject
    body = message.get_body(("plain",)).get_content()
    assert "Close the road" in body and "square" in body  # the body keeps what was saved


def _emails(make, db, connection, count: int) -> list[OutboxEmail]:
    rows = []
    for _ in range(count):
        eia, owner, _ = _submitted(make, db)
        ops.transition(db, eia, "submit_for_sign_off", owner)
        db.commit()
        rows += _rows(connection, eia_id=eia.id)
    return rows


def test_send_now_carries_on_past_emails_that_cannot_be_built_or_sent(
    smtp_app, smtp_server, make, db, connection, client, monkeypatch
):
    first, unbuildable, boom, last = _emails(make, db, connection, 4)
    with session_on(connection) as s:  # imported with a stray line break in the address
        s.execute(
            sa.update(OutboxEmail)
            .where(OutboxEmail.id == unbuildable.id)
            .values(recipient_email="ada@example.gov.uk\nbcc: all@example.gov.uk")
        )
        s.execute(sa.update(OutboxEmail).values(dispatched_at=None))  # all due to the sweeper
        s.commit()
    real = sending.deliver

    def deliver_or_break(outbox_id):
        if outbox_id == boom.id:
            raise RuntimeError("the database went away for a moment")
        return real(outbox_id)

    monkeypatch.setattr(sending, "deliver", deliver_or_break)
    result = smtp_app.test_cli_runner().invoke(args=["emails", "send-now"])
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert "2 sent, 0 to retry, 1 failed." in result.output
    assert f"email {boom.id}: RuntimeError: the database went away" in result.output
    with smtp_app.app_context():
        mail_from = smtp_app.config["MAIL_FROM"]
        assert sorted(m["Message-ID"] for m in smtp_server.snapshot()) == sorted(
            sending.message_id(r, mail_from) for r in (first, last)
        )
    [failed] = _rows(connection, id=unbuildable.id)
    assert failed.status == "failed" and failed.last_error.startswith(
        "Could not build the email: ValueError: 'ada@example.gov.uk\\nbcc:"
    )
    assert _rows(connection, id=boom.id)[0].status == "queued"  # left for the sweeper
    admin = make.user("admin")
    db.commit()
    sign_in(client, admin)
    page = parse(client.get("/emails/failed"))
    assert "Could not build the email" in page.find(id=f"email-{unbuildable.id}").get_text()


def test_the_reminder_sweep_carries_on_past_a_reminder_that_cannot_be_written(
    make, db, connection, monkeypatch
):
    from notifications.calendar import working_day_on_or_after
    from notifications.reminders import sweep_reminders

    owner = make.user("officer")
    approver = make.user("approver", directorate=owner.service.directorate)
    day = working_day_on_or_after(utcnow().date() + timedelta(days=1))
    eias = [
        make.eia("full_assessment", owner=owner, approver=approver, decision_date=day)
        for _ in range(3)
    ]
    db.commit()
    real_add_many = outbox.add_many

    def add_many(session, rows):
        for row in rows:
            if f"eia:{eias[1].id}|" in row["idempotency_key"] and row["status"] != "failed":
                raise ValueError("a context the database refuses")
        return real_add_many(session, rows)

    monkeypatch.setattr(outbox, "add_many", add_many)
    cfg = notification_settings.View(notification_settings.load({}))
    ids = sweep_reminders(db, day, cfg)
    db.commit()
    rows = [r for r in _rows(connection, rule="decision_near")]
    assert sorted(r.id for r in rows) == sorted(ids) and len(rows) == 6  # owner + approver
    bad = [r for r in rows if r.eia_id == eias[1].id]
    assert {r.status for r in bad} == {"failed"} and len(bad) == 2
    assert all("Could not write this reminder: ValueError" in r.last_error for r in bad)
    assert {r.status for r in rows if r.eia_id != eias[1].id} == {"queued"}
    assert sweep_reminders(db, day, cfg) == []  # written once, failed or not


def test_a_digest_is_built_whatever_an_item_holds_and_one_person_never_holds_back_another(
    in_app, smtp_server, make, db, connection, monkeypatch
):
    from notifications import digest

    people = [make.user("officer", name=f"Person {i}") for i in range(3)]
    for person in people:
        for n in range(2):
            outbox.add(
                db,
                key=f"test|{person.id}|{n}",
                recipient=person,
                kind="reminder",
                rule="idle",
                template="idle",
                subject=f"Reminder {n}",
                context={"path": None, "title": None, "summary": ["not", "text"]}
                if n
                else {"path": "/eias/EIA-1", "title": "Fine"},
                delivery="digest",
            )
    db.commit()
    real_add = outbox.add

    def add(session, **kwargs):
        if kwargs.get("kind") == "digest" and kwargs["recipient"].id == people[1].id:
            raise RuntimeError("this person's digest cannot be written")
        return real_add(session, **kwargs)

    monkeypatch.setattr(outbox, "add", add)
    written = digest.send_digests(db, any_day=True)
    db.commit()
    assert len(written) == 2
    for digest_id in written:
        assert deliver(digest_id).status == "sent"
    assert sorted(m["To"] for m in smtp_server.snapshot()) == sorted(
        [people[0].email, people[2].email]
    )
    held = [r for r in _rows(connection) if r.recipient_id == people[1].id]
    assert {r.status for r in held} == {"failed"}
    assert all("Could not put it in the daily digest: RuntimeError" in r.last_error for r in held)


def test_the_review_sweep_carries_on_past_an_eia_it_cannot_move(
    app, make, db, connection, monkeypatch
):
    from notifications import events

    eias = _due_for_review(make, db, 3)
    real = events.notify_transition

    def notify(session, eia, *args, **kwargs):
        if eia.id == eias[1].id:
            raise RuntimeError("this EIA's email cannot be written")
        return real(session, eia, *args, **kwargs)

    monkeypatch.setattr(ops, "notify_transition", notify)
    with app.app_context():
        moved = ops.start_due_reviews(db)
    db.commit()
    assert moved == [eias[0].reference, eias[2].reference]
    for eia in eias:
        db.refresh(eia)
    assert [e.status for e in eias] == ["under_review", "approved", "under_review"]
    assert audit.verify(db).ok


# --- a worker's batches over one kept SMTP connection ----------------------------------------


def _counting_connects(monkeypatch) -> list:
    import smtplib

    opened = []
    real = smtplib.SMTP.connect

    def connect(self, *args, **kwargs):
        opened.append(self)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(smtplib.SMTP, "connect", connect)
    return opened


def test_a_batch_goes_over_one_connection_kept_for_the_next(
    in_app, smtp_server, make, db, connection, monkeypatch
):
    rows = _emails(make, db, connection, 4)
    opened = _counting_connects(monkeypatch)
    link = sending.SmtpLink()
    first = sending.deliver_many([r.id for r in rows[:3]], link)
    assert [o.status for o in first.values()] == ["sent"] * 3
    assert sending.deliver_many([rows[3].id], link)[rows[3].id].status == "sent"
    assert len(opened) == 1 and link.smtp is not None  # still open for the next batch
    link.close()
    assert link.smtp is None
    assert {r.status for r in _rows(connection)} == {"sent"}
    assert sorted(m["Message-ID"] for m in smtp_server.snapshot()) == sorted(
        sending.message_id(r, in_app.config["MAIL_FROM"]) for r in rows
    )


def test_a_refusal_drops_the_kept_connection_and_the_next_email_opens_another(
    in_app, smtp_server, make, db, connection, monkeypatch
):
    rows = _emails(make, db, connection, 2)
    opened = _counting_connects(monkeypatch)
    link = sending.SmtpLink()
    smtp_server.refuse_for(60)
    assert sending.deliver_many([rows[0].id], link)[rows[0].id].status == "retry"
    assert link.smtp is None  # dropped on the error
    smtp_server.refuse_for(0)
    assert sending.deliver_many([rows[1].id], link)[rows[1].id].status == "sent"
    assert len(opened) == 2
    link.close()


def test_a_connection_the_server_dropped_while_idle_is_opened_again_for_the_same_email(
    in_app, smtp_server, make, db, connection, monkeypatch
):
    rows = _emails(make, db, connection, 2)
    opened = _counting_connects(monkeypatch)
    link = sending.SmtpLink()
    assert sending.deliver(rows[0].id, link).status == "sent"
    import socket

    link.smtp.sock.shutdown(socket.SHUT_RDWR)  # as if the server had hung up while idle
    assert sending.deliver(rows[1].id, link).status == "sent"  # not a retry: sent at once
    assert len(opened) == 2
    [again] = _rows(connection, id=rows[1].id)
    assert again.attempts == 1 and len(smtp_server.snapshot()) == 2
    link.close()


def test_a_connection_idle_too_long_is_closed(
    in_app, smtp_server, make, db, connection, monkeypatch
):
    import time

    rows = _emails(make, db, connection, 1)
    link = sending.SmtpLink()
    assert sending.deliver(rows[0].id, link).status == "sent"
    link.close_when_idle(0.05)
    deadline = time.monotonic() + 10
    while link.smtp is not None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert link.smtp is None


def test_a_task_carries_a_batch_of_ids(monkeypatch, app):
    sent = []

    class Broker:
        def send_task(self, name, args, **kwargs):
            sent.append((name, args))

    app.config["OUTBOX_BATCH_SIZE"] = 3
    with app.app_context():
        assert outbox.dispatch([5, 1, 4, 2, 3, 7, 6], Broker()) == 7
    assert sent == [
        (outbox.SEND_TASK, [[1, 2, 3]]),
        (outbox.SEND_TASK, [[4, 5, 6]]),
        (outbox.SEND_TASK, [[7]]),
    ]


def test_a_batch_that_runs_long_hands_back_what_it_has_not_tried(
    in_app, smtp_server, make, db, connection
):
    rows = _emails(make, db, connection, 3)
    link = sending.SmtpLink()
    outcomes = sending.deliver_many([r.id for r in rows], link, seconds=0)
    link.close()
    # The first is always tried; the time is then up for the others, left queued.
    assert [o.status for o in outcomes.values()] == ["sent", "retry", "retry"]
    assert all(o.retry_in == 0 for o in list(outcomes.values())[1:])
    assert [r.status for r in _rows(connection)] == ["sent", "queued", "queued"]


def test_add_many_writes_only_new_keys_in_order_and_hands_over_only_immediate_ones(make, db):
    """One statement for many rows (PostgreSQL: INSERT ... SELECT of them all): a key
    already written, or twice in the batch, is written once; the ids come back in the
    order written; only queued immediate rows are handed over after the commit."""
    person, eia = make.user("officer"), None
    now = utcnow()

    def row(key, delivery="immediate", failed=None, at=now, **context):
        return outbox.row_values(
            key=key,
            recipient=person,
            kind="reminder",
            rule="idle",
            template="idle",
            subject=f"Subject {key}\nwith a line break",
            context={"path": "/eias/X", "note": "caf\u00e9 \u2019quoted\u2019", **context},
            eia_id=eia,
            urgent=False,
            delivery=delivery,
            now=at,
            failed=failed,
        )

    [first] = outbox.add_many(db, [row("k-0", at=now - timedelta(minutes=1))])
    outbox.forget(db)
    rows = [row("k-0"), row("k-1", n=1), row("k-2", "digest"), row("k-1"), row("k-3", failed="x")]
    ids = outbox.add_many(db, rows)
    assert len(ids) == 3 and first not in ids and ids == sorted(ids)
    assert outbox.pending(db) == {ids[0]}  # k-1 only: k-2 waits for the digest, k-3 failed
    written = {r.idempotency_key: r for r in db.exec(select(OutboxEmail)).all()}
    assert sorted(written) == ["k-0", "k-1", "k-2", "k-3"]
    assert written["k-1"].id == ids[0] and written["k-1"].context["n"] == 1
    assert written["k-1"].context["note"] == "caf\u00e9 \u2019quoted\u2019"
    assert written["k-1"].subject == "Subject k-1 with a line break"
    assert written["k-1"].created_at == now and written["k-1"].dispatched_at == now
    assert (written["k-2"].delivery, written["k-2"].dispatched_at) == ("digest", None)
    assert (written["k-3"].status, written["k-3"].last_error) == ("failed", "x")
    outbox.forget(db)

"""The outbox end to end, for real: a Redis server and a Celery worker process (with beat)
started here, delivering to an SMTP server in this test (aiosmtpd). Each test checks every
email arrives, and none twice (counted by Message-ID and by recipient at the SMTP server):

- a transition's email arrives once;
- Redis stopped while 200 transitions happen, then started again (empty: it keeps
  nothing on disk) -> the sweeper hands the rows over again -> all arrive;
- the SMTP server refusing (451) for a while -> retried with back-off, then delivered;
- the worker killed (SIGKILL) mid-run and restarted -> nothing lost, nothing twice;
- reviews started in savepoints with the transaction held open -> nothing reaches the
  waiting worker before the commit, nothing after a rollback, all of it at the commit.

Runs on SQLite (a file shared by this process and the worker) and, when DATABASE_URL names
one, on a PostgreSQL database of its own. Every wait is bounded; every process started here
is stopped here.
"""

import json
import os
import time
from collections import Counter
from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from benchmarks import services
from benchmarks.services import wait_for
from eia import create_app
from eia import operations as ops
from eia.db import make_engine, session_scope
from eia.migrate import upgrade
from eia.models import Eia, OutboxEmail, User
from notifications import settings as notification_settings
from notifications.sending import message_id

from .factories import Factories
from .support.services import BACKENDS, IN_CI

pytestmark = [pytest.mark.redis, pytest.mark.slow]  # a real worker, Redis and SMTP


# Short intervals so faults heal in seconds (retry cap < visibility timeout, as in production).
FAST = {
    "OUTBOX_SWEEP_SECONDS": "1",
    "OUTBOX_REQUEUE_AFTER_SECONDS": "3",
    # The shortest lease the settings accept for SMTP_TIMEOUT below (7 waits x 4 s, plus
    # 30 s to record "sent"), and a little more: a live worker's claim never lapses
    # mid-send.
    "OUTBOX_SEND_LEASE_SECONDS": "60",
    "OUTBOX_RETRY_BASE_SECONDS": "0.5",
    "OUTBOX_RETRY_MAX_SECONDS": "2",
    "OUTBOX_MAX_ATTEMPTS": "30",
    "BROKER_VISIBILITY_TIMEOUT": "30",
    # Longer than any delay the tests' SMTP server makes (2 s): a client that timed out
    # just as the server accepted would send again, which is not the fault under test.
    "SMTP_TIMEOUT": "4",
}


class RedisServer(services.RedisServer):
    def start(self) -> "RedisServer":
        try:
            return super().start()
        except services.ServiceMissing as missing:
            if IN_CI:
                pytest.fail(str(missing))
            # Honest outside CI only: a developer without redis-server sees this reason in the
            # summary (-ra); in CI the line above fails the run instead.
            pytest.skip(str(missing))


@pytest.fixture(params=BACKENDS)
def database(request, tmp_path):
    """The database the worker and this test share: an SQLite file, or PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'shared.db'}"
        engine = make_engine(url)
        upgrade(engine)
        yield url, engine
        engine.dispose()
    else:
        engine = request.getfixturevalue("own_database")
        yield engine.url.render_as_string(hide_password=False), engine


class Stack:
    def __init__(self, url, engine, redis, smtp, worker, app):
        self.url, self.engine, self.redis, self.smtp = url, engine, redis, smtp
        self.worker, self.app = worker, app

    def rows(self) -> list[OutboxEmail]:
        with Session(self.engine) as s:
            rows = s.exec(select(OutboxEmail).order_by(OutboxEmail.id)).all()
            for row in rows:
                s.expunge(row)
            return rows

    def all_sent(self) -> bool:
        rows = self.rows()
        return bool(rows) and all(r.status == "sent" for r in rows)

    def wait_until_delivered(self, expected: int, timeout: float) -> None:
        """Every row sent and the SMTP server holding as many messages; then a pause longer
        than the sweeper's re-dispatch interval, in which no second copy may arrive."""
        wait_for(
            lambda: (
                len(self.rows()) == expected
                and self.all_sent()
                and len(self.smtp.snapshot()) >= expected
            ),
            timeout,
            f"{expected} emails to be delivered "
            f"(have {len(self.smtp.snapshot())}; worker log:\n{self.worker.log()[-3000:]})",
        )
        time.sleep(float(FAST["OUTBOX_REQUEUE_AFTER_SECONDS"]) + 2)

    def assert_each_once(self) -> None:
        rows = self.rows()
        assert all(r.status == "sent" for r in rows)
        with self.app.app_context():
            expected = Counter(message_id(r, self.app.config["MAIL_FROM"]) for r in rows)
        received = Counter(m["Message-ID"] for m in self.smtp.snapshot())
        assert received == expected, {k: v for k, v in received.items() if v != 1}
        by_recipient = Counter(m["To"] for m in self.smtp.snapshot())
        assert by_recipient == Counter(r.recipient_email for r in rows)


@pytest.fixture
def stack(database, smtp_server, tmp_path):
    url, engine = database
    redis = RedisServer(tmp_path)
    redis.start()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "CI")}
    env.update(
        FAST,
        DATABASE_URL=url,
        REDIS_URL=redis.url,
        EIA_INSTANCE_PATH=str(tmp_path),
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(smtp_server.port),
        BASE_URL="https://eia.test.example",
    )
    worker = services.CeleryWorker(env, tmp_path / "worker.log", beat=True, name="outbox-test")
    fast = {k: v for k, v in notification_settings.load(FAST).items() if k in FAST}
    app = create_app(
        {
            "ENGINE": engine,
            "CELERY_BROKER_URL": redis.url,
            "CELERY_RESULT_BACKEND": redis.url,
            "BASE_URL": "https://eia.test.example",
            **fast,
        }
    )
    try:
        worker.start()
        yield Stack(url, engine, redis, smtp_server, worker, app)
    finally:
        worker.stop()
        redis.stop()
        app.extensions["celery"].close()


def _team(engine, eias: int):
    """One approver; ``eias`` officers each with an EIA ready to send for sign-off."""
    with Session(engine, expire_on_commit=False) as s:
        make = Factories(s)
        directorate = make.directorate()
        approver = make.user("approver", directorate=directorate, name="The Approver")
        ids = []
        for _ in range(eias):
            owner = make.user("officer", service=make.service(directorate))
            eia = make.eia("full_assessment", owner=owner, approver=approver)
            make.assess(eia, owner)
            ids.append(eia.id)
        s.commit()
        return approver.id, ids


def _transition(app, eia_id: int, event: str, **inputs) -> None:
    """What a web request does: one transaction, committed once; the email goes after."""
    with app.app_context(), session_scope() as s:
        eia = s.get(Eia, eia_id)
        actor = s.get(User, inputs.pop("actor_id", None) or eia.owner_id)
        ops.transition(s, eia, event, actor, **inputs)


def _ping_pong(app, approver_id: int, eia_ids: list[int], rounds: int) -> int:
    """Send each EIA for sign-off and return it, ``rounds`` times: 2 emails a round each."""
    count = 0
    for _ in range(rounds):
        for eia_id in eia_ids:
            _transition(app, eia_id, "submit_for_sign_off")
            _transition(app, eia_id, "return", actor_id=approver_id, comment="Try again.")
            count += 2
    return count


def test_a_transitions_email_arrives_once(stack):
    approver_id, [eia_id] = _team(stack.engine, 1)
    _transition(stack.app, eia_id, "submit_for_sign_off")
    stack.wait_until_delivered(1, timeout=30)
    stack.assert_each_once()
    [message] = stack.smtp.snapshot()
    [row] = stack.rows()
    assert row.recipient_id == approver_id and row.attempts == 1
    assert message["Subject"].startswith("Sign-off needed:")
    assert "https://eia.test.example/eias/" in message.get_body(("plain",)).get_content()


def test_redis_down_during_200_transitions_then_back(stack):
    approver_id, eia_ids = _team(stack.engine, 10)
    # Redis goes while the worker is busy: part-way through sending one email, holding its
    # task unacknowledged (the worker must survive that, and the email must still go once).
    stack.smtp.delay = 2
    [busy, *eia_ids] = eia_ids
    _transition(stack.app, busy, "submit_for_sign_off")
    wait_for(stack.smtp.in_data.is_set, 30, "the worker to be sending")
    stack.redis.stop()
    started = time.monotonic()
    transitions = _ping_pong(stack.app, approver_id, eia_ids, rounds=10)  # 9 x 20
    _transition(stack.app, busy, "return", actor_id=approver_id, comment="Try again.")
    transitions += 1 + _ping_pong(stack.app, approver_id, [busy], rounds=9) + 1
    _transition(stack.app, busy, "submit_for_sign_off")
    assert transitions == 200
    assert time.monotonic() - started < 60  # no web request waited on the dead broker
    rows = stack.rows()
    assert len(rows) == 201 and sum(r.status == "queued" for r in rows) >= 200
    assert stack.smtp.snapshot() == [] or len(stack.smtp.snapshot()) == 1
    stack.smtp.delay = 0
    stack.redis.start()  # empty: every task handed over before is gone
    stack.wait_until_delivered(201, timeout=90)
    assert stack.worker.proc.poll() is None, "the worker died: " + stack.worker.log()[-3000:]
    stack.assert_each_once()
    by_recipient = Counter(m["To"] for m in stack.smtp.snapshot())
    with Session(stack.engine) as s:
        approver = s.get(User, approver_id)
        assert by_recipient[approver.email] == 101
        for eia_id in eia_ids:
            assert by_recipient[s.get(Eia, eia_id).owner.email] == 10


def test_smtp_refusing_for_a_while_is_retried_then_delivered(stack):
    approver_id, eia_ids = _team(stack.engine, 3)
    stack.smtp.refuse_for(4)
    count = _ping_pong(stack.app, approver_id, eia_ids, rounds=2)
    stack.wait_until_delivered(count, timeout=60)
    stack.assert_each_once()
    assert stack.smtp.refusals >= count  # every email was refused at least once
    assert all(r.attempts >= 2 for r in stack.rows())


def test_worker_killed_mid_run_loses_nothing_and_sends_nothing_twice(stack):
    # One pool process, and a server that holds the ninth message: when the kill comes, the
    # worker is part-way through a message the server has not accepted (it drops it when
    # the connection dies), with more claimed, reserved and queued behind it.
    stack.worker.stop()
    stack.worker.concurrency = 1
    stack.worker.start()
    stack.smtp.hold_after = 8
    approver_id, eia_ids = _team(stack.engine, 5)
    count = _ping_pong(stack.app, approver_id, eia_ids, rounds=4)
    wait_for(stack.smtp.in_data.is_set, 60, "the worker to be part-way through the emails")
    stack.worker.kill()
    delivered_before = len(stack.smtp.snapshot())
    assert delivered_before < count
    interrupted = [r for r in stack.rows() if r.status == "sending"]
    assert len(interrupted) == 1  # claimed by the dead worker: released after the lease
    stack.smtp.release()
    stack.worker.start()
    stack.wait_until_delivered(count, timeout=90)
    stack.assert_each_once()
    [again] = [r for r in stack.rows() if r.id == interrupted[0].id]
    assert again.attempts == 2  # the interrupted attempt, then the one that worked


def _due_for_review(engine, count: int) -> list[int]:
    """``count`` approved EIAs whose review date has come (their history's emails sent)."""
    with Session(engine, expire_on_commit=False) as s:
        make = Factories(s)
        ids = []
        for _ in range(count):
            eia = make.eia("approved")
            eia.review_date = date.today() - timedelta(days=1)
            s.add(eia)
            ids.append(eia.id)
        s.commit()
        return ids


def _send_tasks_received(worker, since: int) -> int:
    messages = [  # the worker logs JSON lines (eia/logs.py)
        json.loads(line)["message"] if line.startswith("{") else line
        for line in worker.log()[since:].splitlines()
    ]
    return sum(
        1 for m in messages if "Task notifications.send_email[" in m and m.endswith("received")
    )


def test_review_emails_reach_the_worker_only_after_the_outermost_commit(stack):
    """start_due_reviews moves each EIA in a SAVEPOINT. A real worker is waiting while the
    transaction stays open after the moves: nothing may reach it before the commit (it would
    find no row, skip it, and the email would wait for the sweeper), nothing at all if the
    transaction rolls back, and everything at once after the commit."""
    _due_for_review(stack.engine, 3)
    stack.wait_until_delivered(len(stack.rows()), timeout=60)  # the history's own emails
    history = len(stack.rows())
    since = len(stack.worker.log())

    with stack.app.app_context():
        with pytest.raises(RuntimeError), session_scope() as s:
            assert len(ops.start_due_reviews(s)) == 3
            time.sleep(3)  # ample time for a worker handed anything to take it
            raise RuntimeError("rolled back")
        assert _send_tasks_received(stack.worker, since) == 0
        assert len(stack.rows()) == history

        with session_scope() as s:
            assert len(ops.start_due_reviews(s)) == 3
            time.sleep(3)
            assert _send_tasks_received(stack.worker, since) == 0  # not before the commit
            committed = time.monotonic()
    wait_for(lambda: len(stack.smtp.snapshot()) == history + 3, 30, "the review emails")
    # Handed over by the commit itself, not picked up later by the sweeper.
    assert time.monotonic() - committed < float(FAST["OUTBOX_REQUEUE_AFTER_SECONDS"])
    stack.wait_until_delivered(history + 3, timeout=30)
    stack.assert_each_once()
    assert all(r.attempts == 1 for r in stack.rows())

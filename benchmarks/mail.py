"""Figure 4: email throughput, outbox -> Celery (a redis-server of our own) -> SMTP (aiosmtpd
in this process), counted at the SMTP server by Message-ID: none lost, none twice.

The emails are real reminders: the sweep's finding step is run for the data's working day
and its reminders are written to the outbox as immediate emails (each with its own
idempotency key), in one transaction, before the clock starts. Then their ids are handed to
the broker (as the after-commit hook does) and the clock stops when the last row is marked
sent. A worker with 2 pool processes (prefork, as `make run`) does the sending.
"""

import tempfile
import time
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, select

from eia import create_app
from eia.models import OutboxEmail
from notifications import outbox, settings
from notifications.reminders import due_reminders
from notifications.sending import message_id

from .services import CeleryWorker, RedisServer, SmtpServer, wait_for

MAIL_FROM = "eia-noreply@bench.example.gov.uk"


def _write_rows(app, engine, today: date, count: int) -> list[int]:
    """``count`` immediate reminder emails in the outbox (found by the sweep, cycled with a
    distinct key when fewer are due), written without handing them to the broker yet."""
    with app.app_context(), Session(engine, expire_on_commit=False) as session:
        session.execute(sa.delete(OutboxEmail))
        found = due_reminders(session, today, settings.current())
        if not found:
            raise RuntimeError(f"no reminder is due on {today}: nothing to send")
        ids = []
        for i in range(count):
            r = found[i % len(found)]
            key = r.key if i < len(found) else f"{r.key}|bench:{i}"
            new_id = outbox.add(
                session,
                key=key,
                recipient=r.recipient,
                kind="reminder",
                rule=r.rule,
                template=r.template,
                subject=r.subject,
                context=r.context,
                eia_id=r.eia_id,
                urgent=r.urgent,
                delivery="immediate",
            )
            ids.append(new_id)
        outbox.forget(session)  # handed over below, when the clock starts
        session.commit()
        return ids


def run(engine: sa.Engine, url: str, count: int, today: date, base_env: dict, log=print) -> dict:
    with tempfile.TemporaryDirectory(prefix="eia-bench-mail-") as tmp:
        tmp = Path(tmp)
        redis = RedisServer(tmp).start()
        smtp = SmtpServer().start()
        env = {k: v for k, v in base_env.items() if k not in ("CI",)}
        env.update(
            DATABASE_URL=url,
            REDIS_URL=redis.url,
            EIA_INSTANCE_PATH=str(tmp),
            SMTP_HOST="127.0.0.1",
            SMTP_PORT=str(smtp.port),
            MAIL_FROM=MAIL_FROM,
            SECRET_KEY="benchmark-secret-key-not-for-production",
            BASE_URL="https://eia.bench.example",
        )
        worker = CeleryWorker(env, tmp / "worker.log")
        app = create_app(
            {
                "ENGINE": engine,
                "DATABASE_URL": url,
                "CELERY_BROKER_URL": redis.url,
                "CELERY_RESULT_BACKEND": redis.url,
                "MAIL_FROM": MAIL_FROM,
                "SECRET_KEY": "bench",
                "EIA_INSTANCE_PATH": str(tmp),
            }
        )
        celery = app.extensions["celery"]
        result = {"emails": count, "worker_concurrency": worker.concurrency}
        try:
            result["redis_version"] = redis.version()
            log(f"  writing {count} reminder emails to the outbox")
            ids = _write_rows(app, engine, today, count)
            worker.start()
            log("  handing them to the broker; the worker sends them")
            started_wall = time.time()
            t0 = time.perf_counter()
            handed = outbox.dispatch(ids, celery)
            dispatch_seconds = time.perf_counter() - t0

            def sent() -> int:
                with engine.connect() as conn:
                    return conn.execute(
                        sa.text("SELECT count(*) FROM outbox_email WHERE status = 'sent'")
                    ).scalar()

            wait_for(
                lambda: sent() >= count and smtp.handler.total() >= count,
                timeout=120 + count / 5,
                what=f"{count} emails to be sent",
                interval=0.2,
            )
            with engine.connect() as conn:
                last_sent = conn.execute(
                    sa.text("SELECT extract(epoch FROM max(sent_at)) FROM outbox_email")
                ).scalar()
            elapsed = float(last_sent) - started_wall
            # Any second copy would come now: wait, then count.
            time.sleep(3 if count > 100 else 1.5)
            with Session(engine) as session, app.app_context():
                rows = session.exec(select(OutboxEmail).where(OutboxEmail.id.in_(ids))).all()
                expected = {message_id(r, MAIL_FROM) for r in rows}
                statuses = {}
                for r in rows:
                    statuses[r.status] = statuses.get(r.status, 0) + 1
                attempts = sum(r.attempts for r in rows)
            received = smtp.handler.by_message_id
            lost = sorted(expected - set(received))
            duplicated = {k: v for k, v in received.items() if v > 1}
            unexpected = sorted(set(received) - expected)
            result.update(
                handed_to_broker=handed,
                dispatch_seconds=round(dispatch_seconds, 2),
                seconds=round(elapsed, 2),
                emails_per_second=round(count / elapsed, 1) if elapsed > 0 else None,
                received=smtp.handler.total(),
                distinct_message_ids=len(received),
                lost=len(lost),
                duplicated=len(duplicated),
                unexpected=len(unexpected),
                statuses=statuses,
                attempts=attempts,
                each_sent_once=(
                    not lost and not duplicated and not unexpected and statuses == {"sent": count}
                ),
            )
            log(
                f"  {count} emails in {elapsed:.1f}s; lost {len(lost)}, "
                f"duplicated {len(duplicated)}"
            )
        finally:
            worker.stop()
            smtp.stop()
            redis.stop()
            celery.close()
        result["worker_memory"] = worker.memory
        if not result.get("each_sent_once"):
            result["worker_log_tail"] = worker.log()[-2000:] if worker.logfile.exists() else ""
    return result

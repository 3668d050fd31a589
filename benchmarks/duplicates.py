"""How often a killed worker sends an email twice, and how long the window is.

    python -m benchmarks.duplicates --database sqlite --kills 60
    python -m benchmarks.duplicates --database postgresql --kills 60 --timed 500

An email goes twice when its worker dies after the mail server's "250 accepted" and before
"sent" is committed: the claim lapses and the email is sent again. Two measurements:

1. ``--kills``: steady sending (a real Redis, a Celery worker with 2 pool processes and
   beat, an SMTP server in this process counting Message-IDs), the worker killed (SIGKILL,
   its whole process group) at a random moment, again and again. At each kill, every row
   still "sending" whose Message-ID the SMTP server already holds is an email that will go
   twice. At the end the claims lapse, the sweeper sends what was interrupted, and the
   copies are counted at the SMTP server: they must match.
2. ``--timed``: in this process, ``deliver`` for N emails, timing the window from the
   return of SMTP DATA (the server's 250) to the moment the worker says QUIT (which it does
   straight after committing "sent"), and each email's whole time.

The database is an SQLite file of its own or, with ``--database postgresql``, the database
``DUPLICATES_DATABASE_URL`` (default .../eia_duplicates, created, wiped each run).
Nothing is asserted; the figures are printed (and written as JSON with ``--out``).
"""

import argparse
import json
import os
import random
import signal
import smtplib
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

import sqlalchemy as sa
from sqlmodel import Session, select

from eia import create_app
from eia.config import normalise_database_url
from eia.db import make_engine
from eia.migrate import upgrade
from eia.models import OutboxEmail, User
from eia.words import plural
from notifications import outbox
from notifications import settings as notification_settings
from notifications.sending import deliver, message_id

from .config import ensure_database
from .services import CeleryWorker, RedisServer, SmtpServer, wait_for

MAIL_FROM = "eia-noreply@duplicates.example.gov.uk"
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/eia_duplicates"
# Short, so the interrupted emails come round again within the run (the lease must still be
# longer than an SMTP conversation may last: notifications/settings.py checks it).
SETTINGS = {
    "SMTP_TIMEOUT": "1",
    "OUTBOX_SEND_LEASE_SECONDS": "40",
    "OUTBOX_SWEEP_SECONDS": "1",
    "OUTBOX_REQUEUE_AFTER_SECONDS": "30",
    "OUTBOX_RETRY_BASE_SECONDS": "1",
    "OUTBOX_RETRY_MAX_SECONDS": "5",
    "OUTBOX_MAX_ATTEMPTS": "50",
    "BROKER_VISIBILITY_TIMEOUT": "20",
}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _database(kind: str, tmp: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp / 'duplicates.db'}"
    url = normalise_database_url(os.environ.get("DUPLICATES_DATABASE_URL") or PG_DEFAULT)
    name = urlparse(url).path.lstrip("/")
    if name in ("", "postgres", "template0", "template1") or "duplicates" not in name:
        raise SystemExit(
            "DUPLICATES_DATABASE_URL must name a database of its own, with "
            "'duplicates' in its name: it is wiped"
        )
    ensure_database(url)
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    return url


def _write(engine, count: int, tag: str) -> list[int]:
    """``count`` immediate emails to one person, not yet handed to the broker."""
    with Session(engine, expire_on_commit=False) as s:
        person = s.exec(select(User).where(User.email == "ada@duplicates.example.gov.uk")).first()
        if person is None:
            person = User(
                email="ada@duplicates.example.gov.uk", name="Ada Approver", role="approver"
            )
            s.add(person)
            s.flush()
        ids = []
        for i in range(count):
            ids.append(
                outbox.add(
                    s,
                    key=f"duplicates|{tag}|{i}",
                    recipient=person,
                    kind="transition",
                    rule="submit_for_sign_off",
                    template="signoff_requested",
                    subject=f"Sign-off needed: EIA-2026-{i:05d} Close the road",
                    context={
                        "reference": f"EIA-2026-{i:05d}",
                        "title": "Close the road",
                        "recipient_name": person.name,
                        "actor_name": "Olu Officer",
                        "decision_date": "",
                        "path": f"/eias/EIA-2026-{i:05d}/sign-off",
                    },
                )
            )
        outbox.forget(s)
        s.commit()
        return ids


def _statuses(engine) -> dict:
    with engine.connect() as conn:
        return dict(
            conn.execute(sa.text("SELECT status, count(*) FROM outbox_email GROUP BY status")).all()
        )


def _expected_ids(app, engine) -> dict[int, str]:
    with Session(engine) as s, app.app_context():
        return {r.id: message_id(r, MAIL_FROM) for r in s.exec(select(OutboxEmail))}


def _received(smtp) -> dict[str, int]:
    """Copies received by Message-ID (unfolded: a long one arrives on two lines)."""
    counts: dict[str, int] = {}
    for key, n in dict(smtp.handler.by_message_id).items():
        key = " ".join(str(key).split())
        counts[key] = counts.get(key, 0) + n
    return counts


# --- 1. kill the worker at random during steady sending ------------------------------------


def kills(kind: str, count: int, emails: int, seed: int) -> dict:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="eia-duplicates-") as tmp:
        tmp = Path(tmp)
        url = _database(kind, tmp)
        engine = make_engine(url)
        upgrade(engine)
        redis = RedisServer(tmp).start()
        smtp = SmtpServer().start()
        env = {k: v for k, v in os.environ.items() if k not in ("CI", "DATABASE_URL")}
        env.update(
            SETTINGS,
            DATABASE_URL=url,
            REDIS_URL=redis.url,
            EIA_INSTANCE_PATH=str(tmp),
            SMTP_HOST="127.0.0.1",
            SMTP_PORT=str(smtp.port),
            MAIL_FROM=MAIL_FROM,
            SECRET_KEY="duplicates-not-for-production",
        )
        worker = CeleryWorker(env, tmp / "worker.log", beat=True, name="duplicates")
        app = create_app(
            {
                "ENGINE": engine,
                "DATABASE_URL": url,
                "CELERY_BROKER_URL": redis.url,
                "CELERY_RESULT_BACKEND": redis.url,
                "MAIL_FROM": MAIL_FROM,
                "SECRET_KEY": "duplicates",
                "EIA_INSTANCE_PATH": str(tmp),
            }
        )
        celery = app.extensions["celery"]
        at_kill, seen = [], set()
        try:
            ids = _write(engine, emails, "steady")
            expected = _expected_ids(app, engine)
            worker.start()
            outbox.dispatch(ids, celery)
            started = time.monotonic()
            for n in range(count):
                before = smtp.handler.total()
                wait_for(
                    lambda before=before: smtp.handler.total() > before + 5,
                    120,
                    "the worker to be sending steadily",
                )
                time.sleep(rng.uniform(0.05, 1.5))
                os.killpg(worker.proc.pid, signal.SIGKILL)
                worker.proc.wait(timeout=10)
                with engine.connect() as conn:
                    sending = {
                        r[0]
                        for r in conn.execute(
                            sa.text("SELECT id FROM outbox_email WHERE status = 'sending'")
                        )
                    }
                # Claims left by earlier kills wait for their lease: count this kill's own.
                sending, seen = sending - seen, seen | sending
                received = _received(smtp)
                accepted = [i for i in sending if received.get(expected[i])]
                at_kill.append({"in_flight": len(sending), "accepted_not_recorded": len(accepted)})
                log(
                    f"  kill {n + 1}/{count}: {plural(len(sending), 'email')} being sent, "
                    f"{len(accepted)} of them already accepted by the server"
                )
                if smtp.handler.total() > len(expected) - 400:
                    more = _write(engine, 2000, f"more{n}")
                    expected = _expected_ids(app, engine)
                    outbox.dispatch(more, celery)
                worker.start()
            killing = time.monotonic() - started
            log("  letting every claim lapse and the sweeper finish the rest")
            total = len(expected)
            wait_for(
                lambda: _statuses(engine).get("sent", 0) == total,
                600,
                f"all {total} emails to be sent",
            )
            time.sleep(3)
            received = _received(smtp)
        finally:
            worker.stop()
            smtp.stop()
            redis.stop()
            celery.close()
            engine.dispose()
    copies = sum(v - 1 for v in received.values() if v > 1)
    predicted = sum(k["accepted_not_recorded"] for k in at_kill)
    in_flight = sum(k["in_flight"] for k in at_kill)
    return {
        "database": kind,
        "kills": count,
        "emails": total,
        "seconds_killing": round(killing, 1),
        "in_flight_at_kills": in_flight,
        "accepted_not_recorded_at_kills": predicted,
        "copies_received": copies,
        "lost": len(set(expected.values()) - set(received)),
        "kills_causing_a_copy": sum(1 for k in at_kill if k["accepted_not_recorded"]),
        "copy_per_kill": round(copies / count, 3) if count else None,
        "copy_per_email_in_flight": round(predicted / in_flight, 3) if in_flight else None,
    }


# --- 2. time the window in this process ----------------------------------------------------


def timed(kind: str, count: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="eia-duplicates-") as tmp:
        tmp = Path(tmp)
        url = _database(kind, tmp)
        engine = make_engine(url)
        upgrade(engine)
        smtp = SmtpServer().start()
        settings = {k: v for k, v in notification_settings.load(SETTINGS).items() if k in SETTINGS}
        app = create_app(
            {
                "ENGINE": engine,
                "DATABASE_URL": url,
                "CELERY_BROKER_URL": "memory://",
                "CELERY_RESULT_BACKEND": "cache+memory://",
                "SMTP_HOST": "127.0.0.1",
                "SMTP_PORT": smtp.port,
                "MAIL_FROM": MAIL_FROM,
                "SECRET_KEY": "duplicates",
                "EIA_INSTANCE_PATH": str(tmp),
                **settings,
            }
        )
        marks = {}
        real_data, real_quit = smtplib.SMTP.data, smtplib.SMTP.quit

        def data(self, msg):
            reply = real_data(self, msg)
            marks["accepted"] = time.perf_counter()
            return reply

        def quit_(self):
            marks["quit"] = time.perf_counter()
            return real_quit(self)

        windows, totals = [], []
        try:
            ids = _write(engine, count, "timed")
            smtplib.SMTP.data, smtplib.SMTP.quit = data, quit_
            with app.app_context():
                for outbox_id in ids[:20]:  # warm up (templates, connections)
                    deliver(outbox_id)
                for outbox_id in ids[20:]:
                    marks.clear()
                    t0 = time.perf_counter()
                    outcome = deliver(outbox_id)
                    totals.append(time.perf_counter() - t0)
                    if outcome.status == "sent" and {"accepted", "quit"} <= set(marks):
                        windows.append(marks["quit"] - marks["accepted"])
        finally:
            smtplib.SMTP.data, smtplib.SMTP.quit = real_data, real_quit
            smtp.stop()
            engine.dispose()
        app.extensions["celery"].close()

    def ms(values, q):
        return round(statistics.quantiles(values, n=100)[q - 1] * 1000, 2)

    return {
        "database": kind,
        "emails": len(windows),
        "window_ms": {
            "median": round(statistics.median(windows) * 1000, 2),
            "p90": ms(windows, 90),
            "p99": ms(windows, 99),
            "max": round(max(windows) * 1000, 2),
        },
        "per_email_ms": {"median": round(statistics.median(totals) * 1000, 2)},
        "window_share_of_email": round(sum(windows) / sum(totals), 3),
    }


def _stop_cleanly(signum, _frame):
    raise SystemExit(f"stopped by signal {signum}")  # so the services are stopped


def main(argv=None) -> int:
    signal.signal(signal.SIGTERM, _stop_cleanly)
    signal.signal(signal.SIGINT, _stop_cleanly)
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.duplicates",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--kills", type=int, default=0, help="kills of the worker")
    parser.add_argument(
        "--emails",
        type=int,
        default=3000,
        help="emails written before the kills start (more as needed)",
    )
    parser.add_argument("--timed", type=int, default=0, help="emails timed in this process")
    parser.add_argument("--seed", type=int, default=20261129)
    parser.add_argument("--out", type=Path, help="write the results here as JSON")
    args = parser.parse_args(argv)
    results = {}
    if args.timed:
        log(f"Timing {args.timed} emails in this process ({args.database})")
        results["timed"] = timed(args.database, args.timed)
        log(json.dumps(results["timed"], indent=2))
    if args.kills:
        log(f"Killing the worker {args.kills} times during steady sending ({args.database})")
        results["kills"] = kills(args.database, args.kills, args.emails, args.seed)
        log(json.dumps(results["kills"], indent=2))
    if args.out:
        args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

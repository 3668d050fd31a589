"""Is the service ready: the checks /readyz and the admin's Service health page show.

- database: it answers a question that needs no table;
- migrations: its schema is at the newest revision this code knows (the migrate job ran);
- broker: Redis answers, when REDIS_URL names one (embedded mode's broker is an SQLite
  file beside the database: nothing to reach);
- scheduler: the heartbeat beat asks a worker to write every minute
  (``eia.heartbeat``, notifications/tasks.py) is recent. A stopped scheduler (or no worker
  to run what it schedules) means no reminders and no review moves, which nobody would
  otherwise notice.

Each check says ok or not and a short reason; never an exception's text (it may name hosts
or settings). The version and the commit are read once per process, never per request.
"""

import os
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, select

from eia.models import ServiceBeat, as_utc, utcnow
from eia.paths import SOURCE_ROOT

# The names of the rows of service_beat.
HEARTBEAT = "scheduler"
REMINDER_SWEEP = "reminder_sweep"


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: str


def record_beat(session: Session, name: str, seconds: float | None = None) -> None:
    """Write that ``name`` has just run (and how long it took). Not an audited change: it
    says nothing about an EIA or a person, only that the machinery turns."""
    row = session.get(ServiceBeat, name)
    if row is None:
        session.add(ServiceBeat(name=name, at=utcnow(), seconds=seconds))
    else:
        row.at, row.seconds = utcnow(), seconds
    session.flush()


def beats(session: Session) -> dict[str, ServiceBeat]:
    return {row.name: row for row in session.exec(select(ServiceBeat)).all()}


@lru_cache(maxsize=1)
def version() -> str:
    try:
        return metadata.version("eia-engine")
    except metadata.PackageNotFoundError:
        return "unknown"


@lru_cache(maxsize=1)
def commit() -> str:
    """EIA_COMMIT (the container image sets it at build time), else the checkout's HEAD,
    read from .git's files (no git command), else "unknown"."""
    return os.environ.get("EIA_COMMIT", "").strip() or _checkout_head() or "unknown"


def _checkout_head() -> str:
    if SOURCE_ROOT is None:
        return ""
    try:
        git = SOURCE_ROOT / ".git"
        if git.is_file():  # a worktree: "gitdir: <path>"
            git = Path(git.read_text().split(":", 1)[1].strip())
        head = (git / "HEAD").read_text().strip()
        if not head.startswith("ref: "):
            return head[:40]
        ref = head[5:]
        common = git / "commondir"
        roots = [git] + ([(git / common.read_text().strip()).resolve()] if common.is_file() else [])
        for root in roots:
            if (root / ref).is_file():
                return (root / ref).read_text().strip()[:40]
            packed = root / "packed-refs"
            if packed.is_file():
                for line in packed.read_text().splitlines():
                    if line.endswith(" " + ref):
                        return line.split(" ", 1)[0]
    except (OSError, IndexError):
        return ""
    return ""


@lru_cache(maxsize=1)
def migrations_head() -> str | None:
    from alembic.script import ScriptDirectory

    from eia.migrate import alembic_config

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def _database(session: Session) -> Check:
    try:
        session.exec(select(1)).one()
    except sa.exc.SQLAlchemyError as exc:
        session.rollback()
        return Check(False, f"the database does not answer ({type(exc).__name__})")
    return Check(True, f"answers ({session.get_bind().dialect.name})")


def _migrations(session: Session) -> Check:
    from alembic.runtime.migration import MigrationContext

    current = MigrationContext.configure(session.connection()).get_current_revision()
    head = migrations_head()
    if current == head:
        return Check(True, f"at {head}")
    return Check(False, f"at {current or 'nothing'}, not {head}: run `eia db upgrade`")


def _broker(redis_url: str | None) -> Check:
    if not redis_url:
        return Check(True, "embedded (no REDIS_URL): the broker is a file beside the database")
    import redis

    try:
        client = redis.Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=2)
        try:
            client.ping()
        finally:
            client.close()
    except (redis.RedisError, OSError) as exc:
        return Check(False, f"Redis does not answer ({type(exc).__name__})")
    return Check(True, "Redis answers")


def _age(at: datetime, now: datetime) -> str:
    seconds = int((now - as_utc(at)).total_seconds())
    return f"{seconds} seconds ago" if seconds < 120 else f"{seconds // 60} minutes ago"


def _scheduler(session: Session, now: datetime, max_age: timedelta) -> Check:
    row = session.get(ServiceBeat, HEARTBEAT)
    if row is None:
        return Check(False, "no heartbeat yet: is the scheduler (and a worker) running?")
    if now - as_utc(row.at) > max_age:
        return Check(
            False,
            f"last heartbeat {_age(row.at, now)}: the scheduler or the worker has stopped",
        )
    return Check(True, f"last heartbeat {_age(row.at, now)}")


def readiness(session: Session, config) -> dict:
    """Every check, the overall status ("ok" only if all are), the version and commit."""
    started = time.monotonic()
    now = utcnow()
    checks = {"database": _database(session)}
    if checks["database"].ok:
        try:
            checks["migrations"] = _migrations(session)
            checks["scheduler"] = _scheduler(
                session, now, timedelta(seconds=config["HEARTBEAT_MAX_AGE_SECONDS"])
            )
        except sa.exc.SQLAlchemyError as exc:
            session.rollback()
            failed = Check(False, f"could not be read ({type(exc).__name__})")
            checks.setdefault("migrations", failed)
            checks.setdefault("scheduler", failed)
    else:
        checks["migrations"] = checks["scheduler"] = Check(False, "the database does not answer")
    checks["broker"] = _broker(config.get("REDIS_URL"))
    ordered = {name: checks[name] for name in ("database", "migrations", "broker", "scheduler")}
    return {
        "status": "ok" if all(c.ok for c in ordered.values()) else "fail",
        "version": version(),
        "commit": commit(),
        "checks": {name: asdict(check) for name, check in ordered.items()},
        "seconds": round(time.monotonic() - started, 3),
    }

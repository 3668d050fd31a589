"""Test fixtures.

Every database test runs on SQLite, and on PostgreSQL too when DATABASE_URL names one (CI
always does). Schemas are made by the Alembic migrations, as in production. Each test works
inside a transaction rolled back afterwards (savepoints for the code's own commits).

In CI (CI=true) a service the suite was told about must be there: a missing PostgreSQL or
Redis fails the run instead of quietly skipping its tests.
"""

from urllib.parse import urlparse, urlunparse

import pytest
import sqlalchemy as sa

from eia.db import make_engine
from eia.migrate import upgrade

from .factories import Factories
from .oidc.fixture import oidc_provider  # noqa: F401  (the OpenID Provider: tests/oidc/)
from .support.db import session_on
from .support.people import officer, person, signed_in  # noqa: F401  (shared fixtures)
from .support.services import BACKENDS, IN_CI, PG_URL, REDIS_URL, XDIST_WORKER, free_port


def pytest_configure(config):
    if IN_CI and not PG_URL:
        pytest.exit("CI must run the suite against PostgreSQL: set DATABASE_URL", returncode=3)
    if IN_CI and not REDIS_URL:
        pytest.exit("CI must run the suite against Redis: set REDIS_URL", returncode=3)


def pytest_collection_modifyitems(config, items):
    """Browser tests share one live server and one Chromium: under pytest-xdist they all go
    to the same worker. Browser and wheel tests, and tests with a PostgreSQL database of
    their own (migrated from nothing for them), are slow: `make test-fast` leaves them out,
    with the modules and tests marked slow where they are. Outside CI, tests that need an
    unconfigured service are skipped with the reason; in CI they run and fail if the service
    is missing."""
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(pytest.mark.xdist_group("browser"))
        if {"browser", "wheel"} & set(item.keywords) or "own_database" in item.fixturenames:
            item.add_marker(pytest.mark.slow)
    if IN_CI:
        return
    for item in items:
        if "postgres" in item.keywords and not PG_URL:
            item.add_marker(pytest.mark.skip(reason="set DATABASE_URL to a PostgreSQL test db"))
        if "redis" in item.keywords and not REDIS_URL:
            item.add_marker(pytest.mark.skip(reason="set REDIS_URL to a Redis server"))


# Under pytest-xdist (`make test` runs two workers) each worker has a PostgreSQL database
# of its own, named after DATABASE_URL's with the worker's id ("test_gw0"), made here.


def _worker_database_url(url: str, suffix: str = "") -> str:
    """DATABASE_URL with this worker's own database name (created if need be)."""
    parts = urlparse(url)
    base = parts.path.lstrip("/")
    name = "_".join(p for p in (base, XDIST_WORKER, suffix) if p)
    if name != base:
        admin = make_engine(url).execution_options(isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                exists = conn.execute(
                    sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
                ).first()
                if not exists:
                    conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        finally:
            admin.dispose()
    return urlunparse(parts._replace(path="/" + name))


def _fresh_postgres() -> sa.Engine:
    name = (urlparse(PG_URL).path or "/").lstrip("/")
    if "test" not in name:
        pytest.exit(
            f"refusing to wipe database {name!r}: the test database's name must contain 'test'",
            returncode=3,
        )
    try:
        url = _worker_database_url(PG_URL)
    except sa.exc.OperationalError as exc:
        pytest.exit(f"PostgreSQL at DATABASE_URL is not reachable: {exc}", returncode=3)
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    except sa.exc.OperationalError as exc:
        pytest.exit(f"PostgreSQL at DATABASE_URL is not reachable: {exc}", returncode=3)
    return engine


@pytest.fixture(scope="session", params=BACKENDS)
def engine(request, tmp_path_factory):
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("db") / "test.db"
        eng = make_engine(f"sqlite:///{path}")
    else:
        eng = _fresh_postgres()
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def connection(engine):
    with engine.connect() as conn:
        outer = conn.begin()
        yield conn
        if outer.is_active:
            outer.rollback()


@pytest.fixture
def db(connection):
    session = session_on(connection)
    yield session
    session.close()


@pytest.fixture
def make(db) -> Factories:
    return Factories(db)


@pytest.fixture
def app(connection, tmp_path):
    from eia import create_app

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "DATABASE_URL": "sqlite:///" + str(tmp_path / "unused.db"),
            "SESSION_FACTORY": lambda: session_on(connection),
            "WTF_CSRF_ENABLED": False,  # tests/test_auth.py checks CSRF with it switched on
            "CELERY_BROKER_URL": "memory://",
            "CELERY_RESULT_BACKEND": "cache+memory://",
        }
    )
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def unaudited_commits(app, connection):
    """Watches the application's database sessions: a commit that changed a person, a
    directorate, a service or a characteristic without an admin audit record in the same
    transaction is written down here (the test then asserts there were none). Used by
    tests/test_admin_audit.py and the admin fuzzing in tests/test_admin.py."""
    from eia.models import (
        AppSetting,
        AuditRecord,
        Characteristic,
        ClaimMapping,
        Directorate,
        Service,
        User,
    )

    admin_tables = (User, Directorate, Service, Characteristic, ClaimMapping, AppSetting)
    problems = []

    def instrumented():
        session = session_on(connection)
        changed, audited = set(), []

        @sa.event.listens_for(session, "after_flush")
        def _seen(s, _context):
            for obj in [*s.new, *s.dirty, *s.deleted]:
                if isinstance(obj, admin_tables) and (
                    obj in s.new or obj in s.deleted or s.is_modified(obj)
                ):
                    changed.add(type(obj).__name__)
                if isinstance(obj, AuditRecord) and obj.action == "admin":
                    audited.append(obj.event)

        @sa.event.listens_for(session, "after_commit")
        def _committed(_s):
            if changed and not audited:
                problems.append(f"{sorted(changed)} committed without an audit record")
            changed.clear()
            audited.clear()

        @sa.event.listens_for(session, "after_soft_rollback")
        def _rolled_back(_s, _previous):
            changed.clear()
            audited.clear()

        return session

    app.config["SESSION_FACTORY"] = instrumented
    return problems


@pytest.fixture
def own_database():
    """A PostgreSQL database of its own, for tests that commit for real from several
    connections at once (locking, concurrency)."""
    parts = urlparse(PG_URL)
    name = "_".join(p for p in (parts.path.lstrip("/"), XDIST_WORKER, "concurrency") if p)
    admin = make_engine(PG_URL).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(urlunparse(parts._replace(path="/" + name)))
    upgrade(engine)
    yield engine
    engine.dispose()
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


# --- email: a real SMTP server in the test ---------------------------------------------------


class SmtpRecorder:
    """aiosmtpd handler that keeps every message it accepts. It can refuse for a while
    (``refuse_for``: 451, so the sender must retry) or take its time over each message
    (``delay``: a client that dies meanwhile never hears "250", and the message is dropped,
    as a real server drops a message whose sender hung up before the end), or, once it holds
    ``hold_after`` messages, keep the next one waiting until ``release()`` (so a test can
    kill its sender mid-message with no race against the "250")."""

    def __init__(self):
        import threading

        self.messages = []
        self.refusals = 0
        self.refuse_until = 0.0
        self.refuse_code = "451 4.3.0 Try again later"
        self.delay = 0.0
        self.hold_after = None
        self.in_data = threading.Event()
        self._lock = threading.Lock()
        self.port = None

    def refuse_for(self, seconds: float, code: str = "451 4.3.0 Try again later") -> None:
        import time

        self.refuse_code = code
        self.refuse_until = time.monotonic() + seconds

    def release(self) -> None:
        self.hold_after = None

    async def handle_DATA(self, server, session, envelope):
        import asyncio
        import email
        import email.policy
        import time

        if time.monotonic() < self.refuse_until:
            with self._lock:
                self.refusals += 1
            return self.refuse_code
        if self.hold_after is not None and len(self.snapshot()) >= self.hold_after:
            self.in_data.set()
            try:
                while self.hold_after is not None:
                    await asyncio.sleep(0.05)  # cancelled if the client goes away
            finally:
                self.in_data.clear()
            if server.transport is None or server.transport.is_closing():
                return "421 4.4.2 The client went away"  # never kept: nobody heard a 250
        elif self.delay:
            self.in_data.set()
            try:
                await asyncio.sleep(self.delay)  # cancelled if the client goes away
            finally:
                self.in_data.clear()
            if server.transport is None or server.transport.is_closing():
                return "421 4.4.2 The client went away"  # never kept: nobody heard a 250
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.messages.append(message)
        return "250 2.0.0 Accepted"

    def snapshot(self) -> list:
        with self._lock:
            return list(self.messages)

    def count_by(self, header: str) -> dict:
        from collections import Counter

        return dict(Counter(m[header] for m in self.snapshot()))


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1 and a free port (bound first: port 0 does not work)."""
    from aiosmtpd.controller import Controller

    recorder = SmtpRecorder()
    recorder.port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=recorder.port)
    controller.start()
    try:
        yield recorder
    finally:
        controller.stop()

"""Test fixtures.

Every database test runs on SQLite, and on PostgreSQL too when DATABASE_URL names one (CI
always does). Schemas are made by the Alembic migrations, as in production. Each test works
inside a transaction rolled back afterwards (savepoints for the code's own commits).

In CI (CI=true) a service the suite was told about must be there: a missing PostgreSQL or
Redis fails the run instead of quietly skipping its tests.
"""

import os
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from eia.config import normalise_database_url
from eia.db import make_engine
from eia.migrate import upgrade

from .factories import Factories

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
PG_URL = os.environ.get("DATABASE_URL", "")
PG_URL = normalise_database_url(PG_URL) if PG_URL.startswith("postgres") else ""
REDIS_URL = os.environ.get("REDIS_URL", "")

BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


def pytest_configure(config):
    if IN_CI and not PG_URL:
        pytest.exit("CI must run the suite against PostgreSQL: set DATABASE_URL", returncode=3)
    if IN_CI and not REDIS_URL:
        pytest.exit("CI must run the suite against Redis: set REDIS_URL", returncode=3)


def pytest_collection_modifyitems(config, items):
    """Outside CI, tests that need an unconfigured service are skipped with the reason;
    in CI they run and fail if the service is missing."""
    if IN_CI:
        return
    for item in items:
        if "postgres" in item.keywords and not PG_URL:
            item.add_marker(pytest.mark.skip(reason="set DATABASE_URL to a PostgreSQL test db"))
        if "redis" in item.keywords and not REDIS_URL:
            item.add_marker(pytest.mark.skip(reason="set REDIS_URL to a Redis server"))


def _fresh_postgres() -> sa.Engine:
    name = (urlparse(PG_URL).path or "/").lstrip("/")
    if "test" not in name:
        pytest.exit(f"refusing to wipe database {name!r}: the test database's name must "
                    "contain 'test'", returncode=3)
    engine = make_engine(PG_URL)
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


def session_on(connection) -> Session:
    return Session(bind=connection, join_transaction_mode="create_savepoint",
                   expire_on_commit=False)


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

    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test",
        "DATABASE_URL": "sqlite:///" + str(tmp_path / "unused.db"),
        "SESSION_FACTORY": lambda: session_on(connection),
        "WTF_CSRF_ENABLED": False,  # tests/test_auth.py checks CSRF with it switched on
        "CELERY_BROKER_URL": "memory://",
        "CELERY_RESULT_BACKEND": "cache+memory://",
    })
    return app


@pytest.fixture
def client(app):
    return app.test_client()


def sign_in(client, user) -> None:
    """Sign ``user`` in on ``client`` the way Flask-Login remembers a signed-in person."""
    with client.session_transaction() as flask_session:
        flask_session["_user_id"] = str(user.id)
        flask_session["_fresh"] = True


ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def own_database():
    """A PostgreSQL database of its own, for tests that commit for real from several
    connections at once (locking, concurrency)."""
    parts = urlparse(PG_URL)
    name = parts.path.lstrip("/") + "_concurrency"
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

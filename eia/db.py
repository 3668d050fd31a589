"""Engine and sessions: one session per request, committed once by the caller."""

from contextlib import contextmanager

import sqlalchemy as sa
from flask import current_app, g
from sqlmodel import Session, select

# How long an SQLite write waits for another writer to finish before giving up.
SQLITE_BUSY_SECONDS = 30


def make_engine(url: str) -> sa.Engine:
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": SQLITE_BUSY_SECONDS})

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            # Let SQLAlchemy, not the driver, begin transactions (savepoints then work).
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000}")
            cursor.close()

        @sa.event.listens_for(engine, "begin")
        def _begin_immediate(connection):
            # Take the write lock up front: a read-then-write (the audit chain's head) must
            # not find the database changed under it. SQLite has one writer at a time anyway.
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    # PostgreSQL's JIT compiler spends more time compiling the dashboard's aggregate
    # queries (their per-EIA subqueries look costly to the planner) than running them:
    # 0.6 s of a 0.9 s query at 10,000 EIAs (benchmarks/). Short queries gain nothing from it.
    return sa.create_engine(url, pool_pre_ping=True, connect_args={"options": "-c jit=off"})


def get_engine() -> sa.Engine:
    return current_app.extensions["eia_engine"]


def get_session() -> Session:
    """The request's session (created on first use, closed at teardown)."""
    if "db_session" not in g:
        factory = current_app.config.get("SESSION_FACTORY")
        g.db_session = factory() if factory else Session(get_engine(), expire_on_commit=False)
    return g.db_session


def close_session(_exc=None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


@contextmanager
def session_scope(engine: sa.Engine | None = None):
    """A unit of work outside a request (CLI, Celery): commit once, or roll back."""
    factory = current_app.config.get("SESSION_FACTORY") if engine is None else None
    session = factory() if factory else Session(engine or get_engine(), expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def ping(session: Session) -> None:
    """Ask the database a question that needs no table: raises if it does not answer."""
    session.exec(select(1)).one()


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"

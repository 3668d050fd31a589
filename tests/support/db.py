"""The database as the tests see it: sessions on the test's connection (the app's own
commits become savepoints), counting the SQL a piece of code sends, and what is stored read
afresh."""

import sqlalchemy as sa
from sqlmodel import Session, func, select

from eia.models import AuditRecord, Comment, Eia, ScreeningAnswer


def session_on(connection) -> Session:
    """A session inside the test's transaction, as the ``app`` fixture gives the app."""
    return Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


def count_queries(connection, run) -> int:
    """How many SQL statements ``run()`` sends on ``connection``."""
    statements = []

    def listener(*args):
        statements.append(args[2])

    sa.event.listen(connection, "before_cursor_execute", listener)
    try:
        run()
    finally:
        sa.event.remove(connection, "before_cursor_execute", listener)
    return len(statements)


def audit_count(db) -> int:
    """How many audit records there are."""
    return db.exec(select(func.count()).select_from(AuditRecord)).one()


def fresh(db, eia) -> Eia:
    """The EIA as stored now."""
    db.expire_all()
    return db.get(Eia, eia.id)


def fingerprint(connection, eia_id: int) -> tuple:
    """What is stored, read afresh: the EIA's columns, its children, the audit trail."""
    with session_on(connection) as session:
        eia = session.get(Eia, eia_id)
        columns = tuple(getattr(eia, c.name) for c in Eia.__table__.columns)
        answers = sorted(
            (a.characteristic_id, a.relevance, a.reason)
            for a in session.exec(
                select(ScreeningAnswer).where(ScreeningAnswer.eia_id == eia_id)
            ).all()
        )
        comments = session.exec(
            select(func.count()).select_from(Comment).where(Comment.eia_id == eia_id)
        ).one()
        audit = session.exec(select(func.count()).select_from(AuditRecord)).one()
        return columns, tuple(answers), comments, audit


def fresh_database_url(backend: str, folder, suffix: str) -> str:
    """An empty database of its own: an SQLite file in ``folder``, or a PostgreSQL database
    named after DATABASE_URL's (and the xdist worker's) with ``suffix``, made afresh."""
    from urllib.parse import urlparse, urlunparse

    from eia.db import make_engine

    from .services import PG_URL, XDIST_WORKER

    if backend == "sqlite":
        return f"sqlite:///{folder / (suffix + '.db')}"
    parts = urlparse(PG_URL)
    name = "_".join(p for p in (parts.path.lstrip("/"), XDIST_WORKER, suffix) if p)
    admin = make_engine(PG_URL).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return urlunparse(parts._replace(path="/" + name))

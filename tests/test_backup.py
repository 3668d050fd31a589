"""`eia backup` of a database being written meanwhile restores into a fresh database whose
whole audit trail verifies; `eia restore` refuses a database with tables unless --force; the
PostgreSQL client tools missing is said plainly. On SQLite and PostgreSQL."""

import threading

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from eia import audit, backup, create_app
from eia.db import make_engine
from eia.migrate import upgrade

from .factories import Factories
from .support.db import fresh_database_url

SECRET = "backup-test-key"


@pytest.fixture(
    scope="module",
    params=["sqlite", pytest.param("postgresql", marks=[pytest.mark.postgres, pytest.mark.slow])],
)
def databases(request, tmp_path_factory):
    """A migrated database with an EIA in it, and an empty one to restore into (shared by
    this module's tests: the first only adds to it)."""
    tmp_path = tmp_path_factory.mktemp("backup")
    source = fresh_database_url(request.param, tmp_path, "backup_live")
    fresh = fresh_database_url(request.param, tmp_path, "backup_new")
    engine = make_engine(source)
    upgrade(engine)
    with Session(engine, expire_on_commit=False) as session:
        Factories(session).eia("approved")
        session.commit()
    yield engine, source, fresh
    engine.dispose()


def _app(url: str):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": SECRET,
            "DATABASE_URL": url,
            "CELERY_BROKER_URL": "memory://",
            "CELERY_RESULT_BACKEND": "cache+memory://",
        }
    )


def _cli(url: str, *args):
    app = _app(url)
    try:
        return app.test_cli_runner().invoke(args=list(args))
    finally:
        app.extensions["eia_engine"].dispose()


class Writer(threading.Thread):
    """Appends audit records, each in a transaction of its own, until stopped."""

    def __init__(self, engine):
        super().__init__(daemon=True)
        self.engine, self.written, self.errors = engine, 0, []
        self.stop = threading.Event()

    def wait_for(self, count: int) -> None:
        target = self.written + count
        while self.written < target and not self.errors:
            self.stop.wait(0.005)

    def run(self):
        try:
            while not self.stop.is_set():
                with Session(self.engine) as s:
                    audit.append(
                        s, eia=None, actor=None, action="edit", event="busy", comment="write"
                    )
                    s.commit()
                self.written += 1
        except Exception as exc:  # surfaced by the test: a failed writer must fail it
            self.errors.append(exc)


def test_busy_database_backs_up_restores_and_verifies(databases, tmp_path):
    engine, source, fresh = databases
    writer = Writer(engine)
    writer.start()
    try:
        writer.wait_for(10)
        with Session(engine) as s:
            before = audit.count(s)
        result = _cli(source, "backup", str(tmp_path / "eia.backup"))
        writer.wait_for(10)  # still writing after the backup: it never held them up
    finally:
        writer.stop.set()
        writer.join()
    assert not writer.errors, writer.errors
    assert result.exit_code == 0, result.output
    assert "Backed up the" in result.output
    with Session(engine) as s:
        after = audit.count(s)

    restored = _cli(fresh, "restore", str(tmp_path / "eia.backup"))
    assert restored.exit_code == 0, restored.output
    verified = _cli(fresh, "audit", "verify")
    assert verified.exit_code == 0, verified.output
    fresh_engine = make_engine(fresh)
    with Session(fresh_engine) as s:
        in_backup = audit.count(s)
        head = s.exec(sa.text("SELECT last_seq FROM audit_chain")).scalar()
    fresh_engine.dispose()
    # A consistent snapshot from the middle of the writing, every record of it checked.
    assert before <= in_backup < after
    assert head == in_backup
    assert f"intact: {in_backup} records checked" in verified.output

    # Restoring again over it is refused, unless told to.
    again = _cli(fresh, "restore", str(tmp_path / "eia.backup"))
    assert again.exit_code == 1 and "already has tables" in again.output
    assert "--force" in again.output and "Traceback" not in again.output
    forced = _cli(fresh, "restore", "--force", str(tmp_path / "eia.backup"))
    assert forced.exit_code == 0, forced.output
    assert _cli(fresh, "audit", "verify").exit_code == 0


def test_restore_rehearsal_verifies_a_backup_and_finds_a_broken_one(databases, tmp_path):
    engine, source, fresh = databases
    path = tmp_path / "eia.backup"
    backup.backup(source, path)
    # (fresh already holds the first test's restore: --force)
    into = () if source.startswith("sqlite") else ("--into", fresh, "--force")
    done = _cli(source, "restore-rehearsal", str(path), *into)
    assert done.exit_code == 0, done.output
    assert "audit trail is intact" in done.output and "schema at revision" in done.output

    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE audit_record SET comment = 'changed' WHERE seq = 3"))
    backup.backup(source, path)
    broken = _cli(source, "restore-rehearsal", str(path), *into)
    assert broken.exit_code == 1 and "record 3 was altered" in broken.output


def test_missing_tools_and_files_are_said_plainly(tmp_path, monkeypatch):
    monkeypatch.setattr(backup.shutil, "which", lambda _tool: None)
    with pytest.raises(backup.BackupError, match="pg_dump is not installed.*postgresql-client"):
        backup.backup("postgresql+psycopg://u:p@127.0.0.1:1/x_test", tmp_path / "x.dump")
    result = _cli(f"sqlite:///{tmp_path / 'x.db'}", "restore", str(tmp_path / "nothing"))
    assert result.exit_code == 1 and "There is no backup file at" in result.output
    (tmp_path / "junk").write_text("not a database")
    result = _cli(f"sqlite:///{tmp_path / 'x.db'}", "restore", str(tmp_path / "junk"))
    assert result.exit_code == 1 and "is not an SQLite backup" in result.output
    assert "Traceback" not in result.output

"""Backing up and restoring the database, on SQLite and PostgreSQL, while the product runs.

SQLite: sqlite3's online backup API copies the database as one consistent snapshot (a read
transaction, which in WAL mode never blocks the web and worker processes writing meanwhile)
into a single self-contained file. Restoring copies that file back through the same API, so
the live database's WAL and shared-memory files stay coherent.

PostgreSQL: ``pg_dump --format=custom`` (one consistent snapshot: its transaction is
repeatable read) and ``pg_restore --single-transaction`` (all or nothing). The client tools
must be on the PATH; the password goes to them in the environment, never on the command line
where ``ps`` would show it.

A restore refuses to overwrite a database that already has tables unless told to (``force``).
"""

import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa


class BackupError(Exception):
    """Something the person running the command can put right: the message says what."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    kind: str  # sqlite | postgresql


def default_name(url: sa.URL, folder: Path, now: datetime | None = None) -> Path:
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    suffix = "sqlite3" if url.get_backend_name() == "sqlite" else "dump"
    return folder / f"eia-{stamp}.{suffix}"


def backup(url: str | sa.URL, path: Path) -> BackupResult:
    """Copy the database at ``url`` to ``path`` (written beside it first, then renamed, so a
    half-written file never looks like a backup)."""
    url = sa.make_url(url)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if url.get_backend_name() == "sqlite":
            _sqlite_backup(_sqlite_file(url), partial)
            kind = "sqlite"
        else:
            _pg_run("pg_dump", url, ["--format=custom", "--no-owner", "--file", str(partial)])
            kind = "postgresql"
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(path, path.stat().st_size, kind)


def restore(url: str | sa.URL, path: Path, *, force: bool = False) -> None:
    """Put the backup at ``path`` into the database at ``url``."""
    url = sa.make_url(url)
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"There is no backup file at {path}.")
    if url.get_backend_name() == "sqlite":
        _sqlite_check_backup(path)
        target = _sqlite_file(url)
        if not force and _sqlite_has_tables(target):
            raise BackupError(_NOT_EMPTY.format(where=target))
        _sqlite_restore(path, target)
        return
    if not force and _pg_has_tables(url):
        raise BackupError(_NOT_EMPTY.format(where=url.render_as_string(hide_password=True)))
    # Owners and grants are the target server's business (its roles may differ).
    options = ["--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error"]
    if force:
        options += ["--clean", "--if-exists"]
    _pg_run("pg_restore", url, [*options, str(path)], database_option=True)


_NOT_EMPTY = (
    "The database at {where} already has tables: restoring would overwrite it. Restore into "
    "an empty database, or add --force to replace what is there."
)


# --- SQLite ----------------------------------------------------------------------------------


def _sqlite_file(url: sa.URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up or restored.")
    return Path(url.database)


def _sqlite_backup(source: Path, destination: Path) -> None:
    if not source.is_file():
        raise BackupError(f"There is no SQLite database at {source}.")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(destination)
    try:
        src.backup(dst)  # all pages in one step: one read transaction, one snapshot
        dst.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
        if dst.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError("The copy failed SQLite's integrity check: try again.")
    finally:
        dst.close()
        src.close()


def _sqlite_check_backup(path: Path) -> None:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            ok = conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        ok = False
    if not ok:
        raise BackupError(f"{path} is not an SQLite backup this product made (or it is damaged).")


def _sqlite_has_tables(path: Path) -> bool:
    if not path.is_file() or path.stat().st_size == 0:
        return False
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
    finally:
        conn.close()


def _sqlite_restore(backup_file: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
    dst = sqlite3.connect(target, timeout=30)
    try:
        dst.execute("PRAGMA journal_mode=WAL")
        src.backup(dst)
    finally:
        dst.close()
        src.close()


# --- PostgreSQL ------------------------------------------------------------------------------


def _pg_run(tool: str, url: sa.URL, args: list[str], *, database_option: bool = False) -> None:
    program = shutil.which(tool)
    if program is None:
        raise BackupError(
            f"{tool} is not installed (or not on the PATH): install PostgreSQL's client tools, "
            "the same major version as the server or newer (Debian: "
            "apt install postgresql-client), and try again."
        )
    libpq = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    target = ["--dbname", libpq] if database_option else [libpq]
    with tempfile.TemporaryFile() as errors:
        done = subprocess.run([program, *args, *target], env=env, stderr=errors, check=False)
        if done.returncode != 0:
            errors.seek(0)
            said = errors.read().decode("utf-8", "replace").strip()[-2000:]
            raise BackupError(f"{tool} failed (exit status {done.returncode}): {said}")


def _pg_has_tables(url: sa.URL) -> bool:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return bool(
                conn.execute(
                    sa.text(
                        "SELECT count(*) FROM information_schema.tables "
                        "WHERE table_schema = current_schema()"
                    )
                ).scalar()
            )
    except sa.exc.OperationalError as exc:
        raise BackupError(f"Cannot reach the database to restore into: {exc.orig}") from exc
    finally:
        engine.dispose()


# --- rehearsing a restore --------------------------------------------------------------------


@dataclass(frozen=True)
class Rehearsal:
    into: str
    revision: str | None
    report: object  # eia.audit.VerifyReport


def rehearse(path: Path, into: str | None, *, force: bool = False, secret_key=None) -> Rehearsal:
    """Restore ``path`` into a scratch database (a temporary SQLite file, or the PostgreSQL
    database ``into``, which must be empty unless ``force``), then check it as a restored
    product would be checked: its schema revision, and the whole audit trail."""
    from sqlmodel import Session

    from eia import audit
    from eia.db import make_engine
    from eia.migrate import current_revision

    scratch = None
    if into is None:
        if not _is_sqlite_backup(Path(path)):
            raise BackupError(
                "A PostgreSQL backup is rehearsed in a scratch PostgreSQL database: give "
                "--into postgresql://…/eia_rehearsal (an empty database made for it)."
            )
        scratch = tempfile.TemporaryDirectory(prefix="eia-rehearsal-")
        into = f"sqlite:///{Path(scratch.name) / 'rehearsal.db'}"
    try:
        restore(into, path, force=force)
        engine = make_engine(into)
        try:
            revision = current_revision(engine)
            with Session(engine) as session:
                report = audit.verify(session, secret_key=secret_key)
        finally:
            engine.dispose()
        shown = "a temporary SQLite file" if scratch else sa.make_url(into).render_as_string()
        return Rehearsal(shown, revision, report)
    finally:
        if scratch is not None:
            scratch.cleanup()


def _is_sqlite_backup(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False

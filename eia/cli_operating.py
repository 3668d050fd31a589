"""`eia backup`, `eia restore`, `eia restore-rehearsal` (README "Backup and restore") and
`eia people ...`, `eia retention run` (README "Retention and personal data")."""

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from eia.db import get_engine


def _url():
    return get_engine().url


def _fail(exc) -> None:
    raise click.ClickException(str(exc)) from exc


@click.command("backup")
@with_appcontext
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path):
    """Back up the database to PATH (default: instance/backups/eia-<time>.sqlite3 or .dump),
    online: the product keeps running and writing meanwhile."""
    from eia import backup

    url = _url()
    if path is None:
        path = backup.default_name(url, Path(current_app.instance_path) / "backups")
    try:
        result = backup.backup(url, path)
    except backup.BackupError as exc:
        _fail(exc)
    click.echo(f"Backed up the {result.kind} database to {result.path} ({result.size:,} bytes).")


@click.command("restore")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already has tables.")
def restore_command(path, force):
    """Restore the backup at PATH into the configured database (stop the web, worker and
    scheduler first). Refuses a database that has tables unless --force."""
    from eia import backup

    url = _url()
    get_engine().dispose()
    try:
        backup.restore(url, path, force=force)
    except backup.BackupError as exc:
        _fail(exc)
    click.echo(
        f"Restored {path} into {url.render_as_string(hide_password=True)}. "
        "Now run `eia db upgrade`, then `eia audit verify`."
    )


@click.command("restore-rehearsal")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--into",
    metavar="URL",
    help="A scratch PostgreSQL database to restore into (an SQLite backup needs none).",
)
@click.option("--force", is_flag=True, help="Replace what the scratch database holds.")
def restore_rehearsal_command(path, into, force):
    """Prove a backup restores: put it into a scratch database, then check its schema
    revision and verify its whole audit trail. The live database is not touched."""
    from eia import backup

    try:
        done = backup.rehearse(path, into, force=force, secret_key=current_app.config["SECRET_KEY"])
    except backup.BackupError as exc:
        _fail(exc)
    click.echo(f"Restored {path} into {done.into}: schema at revision {done.revision}.")
    click.echo(done.report.message)
    if not done.report.ok:
        sys.exit(1)


COMMANDS = (backup_command, restore_command, restore_rehearsal_command)
people_cli = AppGroup("people", help="Personal data: correcting and pseudonymising people.")


@people_cli.command("pseudonymise")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def people_pseudonymise(email, yes):
    """Replace a leaver's name and email everywhere by a pseudonym ("Former member of staff
    12"): their account is deactivated, their sign-in records and the text of emails sent to
    them deleted; the audit trail keeps what they did, under the pseudonym, and still
    verifies. Cannot be undone (recorded in the audit trail)."""
    from sqlmodel import select

    from eia import admin_operations as admin_ops
    from eia.db import session_scope
    from eia.models import User

    with session_scope() as session:
        person = session.exec(select(User).where(User.email == email.strip().lower())).first()
        if person is None:
            raise click.UsageError(f"There is no user with the email {email}.")
        if not yes:
            click.confirm(
                f"Pseudonymise {person.name} <{person.email}>? This cannot be undone", abort=True
            )
        try:
            admin_ops.pseudonymise(session, admin_ops.command_line(), person)
        except ValueError as exc:
            raise click.UsageError(str(exc)) from exc
        now_called = person.name
    click.echo(f"Pseudonymised {email.strip().lower()}: now “{now_called}”.")


retention_cli = AppGroup("retention", help="The retention schedule for personal data.")


@retention_cli.command("run")
def retention_run():
    """Apply the retention schedule now (the scheduler does it nightly)."""
    from eia import retention
    from eia.db import session_scope

    with session_scope() as session:
        outcome = retention.apply(session, current_app.config)
    for name, count in outcome.as_dict().items():
        click.echo(f"{name.replace('_', ' ').capitalize()}: {count}")


COMMANDS = (*COMMANDS, people_cli, retention_cli)

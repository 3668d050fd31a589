"""The `eia` command: migrate, users, demo data, audit verification, scheduled moves.

Built on Flask's CLI, so `eia run`, `eia shell` and `eia routes` work too.
"""

import sys

import click
from flask import current_app
from flask.cli import AppGroup, FlaskGroup
from sqlmodel import select

from eia import admin_operations as admin_ops
from eia import audit, create_app
from eia.capabilities import ASSIGNABLE_ROLES, missing_team, password_problem
from eia.db import get_engine, session_scope
from eia.models import Directorate, Service, User
from eia.models.enums import Role
from eia.words import plural


@click.group(
    cls=FlaskGroup,
    create_app=create_app,
    add_version_option=False,
    help="Equality Impact Assessment workflow engine.",
)
def cli():
    pass


def register_cli(app) -> None:
    """Attach the command groups to the app, so `eia ...` and `flask --app eia ...` agree."""
    from eia.cli_operating import COMMANDS

    for group in (
        db_cli,
        users_cli,
        demo_cli,
        audit_cli,
        reviews_cli,
        import_cli,
        diagram,
        *COMMANDS,
    ):
        app.cli.add_command(group)


db_cli = AppGroup("db", help="The database schema (Alembic migrations).")
users_cli = AppGroup("users", help="People and their roles.")
demo_cli = AppGroup("demo", help="Demonstration data.")
audit_cli = AppGroup("audit", help="The tamper-evident audit trail.")
reviews_cli = AppGroup("reviews", help="Reviews (the continuing duty).")
import_cli = AppGroup("import", help="Bringing in EIAs decided before this service.")


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision):
    """Bring the schema up to REVISION (default: the newest)."""
    from eia.migrate import current_revision, upgrade

    engine = get_engine()
    try:
        upgrade(engine, revision, secret_key=current_app.config["SECRET_KEY"])
    except audit.ChainBroken as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Database at revision {current_revision(engine)} ({_safe_url(engine)}).")


@db_cli.command("current")
def db_current():
    """Show the schema's revision."""
    from eia.migrate import current_revision

    click.echo(current_revision(get_engine()) or "empty: run `eia db upgrade`")


@db_cli.command("rebuild-summaries")
def db_rebuild_summaries():
    """Work out the dashboard's summaries (stage spells, what each EIA has been through)
    again from the audit trail and the sign-offs, and what the task list, sign-off page and
    inbox read about each EIA from its rows."""
    from eia.reporting import page_summaries
    from eia.reporting.summaries import rebuild

    with get_engine().begin() as connection:
        rebuild(connection)
        page_summaries.rebuild(connection)
    click.echo(
        "Rebuilt the dashboard's summaries from the audit trail, and the pages' summaries "
        "from each EIA."
    )


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in ASSIGNABLE_ROLES]))
@click.option("--service", "service_name", help="The officer's service (its exact name).")
@click.option("--directorate", "directorate_name", help="The approver's directorate.")
@click.password_option(help="Prompted for (twice) when not given.")
def users_create(email, name, role, service_name, directorate_name, password):
    """Create a person who can log in (recorded in the audit trail)."""
    from eia.passwords import hash_password

    _check_password(password)
    with session_scope() as session:
        if session.exec(select(User).where(User.email == email.lower())).first():
            raise click.UsageError(f"There is already a user with the email {email}.")
        service = directorate = None
        if service_name:
            service = session.exec(select(Service).where(Service.name == service_name)).first()
            if service is None:
                raise click.UsageError(f"There is no service called “{service_name}”.")
        if directorate_name:
            directorate = session.exec(
                select(Directorate).where(Directorate.name == directorate_name)
            ).first()
            if directorate is None:
                raise click.UsageError(f"There is no directorate called “{directorate_name}”.")
        missing = missing_team(
            role, service.id if service else None, directorate.id if directorate else None
        )
        if missing == "service":
            raise click.UsageError("An officer belongs to a service: give --service.")
        if missing == "directorate":
            raise click.UsageError(
                "An approver signs off a directorate's EIAs: give "
                "--directorate (or --service for a head of service)."
            )
        admin_ops.create_user(
            session,
            admin_ops.command_line(),
            name=name,
            email=email,
            role=role,
            password_hash=hash_password(password),
            service_id=service.id if service else None,
            directorate_id=directorate.id if directorate else None,
        )
    click.echo(f"Created {Role(role).label.lower()} {name} <{email.lower()}>.")


@users_cli.command("set-password")
@click.option("--email", required=True)
@click.password_option(help="Prompted for (twice) when not given.")
def users_set_password(email, password):
    """Give a person a new password (every session of theirs ends; recorded in the audit
    trail). For an administrator who cannot sign in to reset it in the browser."""
    from eia.passwords import hash_password

    _check_password(password)
    with session_scope() as session:
        person = session.exec(select(User).where(User.email == email.strip().lower())).first()
        if person is None:
            raise click.UsageError(f"There is no user with the email {email}.")
        admin_ops.set_password(session, admin_ops.command_line(), person, hash_password(password))
        name, address = person.name, person.email
    click.echo(f"Password set for {name} <{address}>: they are signed out everywhere.")


@users_cli.command("break-glass")
@click.option("--email", required=True, help="An active administrator's email address.")
def users_break_glass(email):
    """A one-time code that signs an administrator in once, within 15 minutes, in the
    password field of the sign-in page, even when password sign-in is switched off (for when
    the council's identity provider cannot be used). In the audit trail."""
    from eia.sso import codes

    with session_scope() as session:
        person = session.exec(select(User).where(User.email == email.strip().lower())).first()
        if person is None:
            raise click.UsageError(f"There is no user with the email {email}.")
        try:
            code = codes.issue(session, admin_ops.command_line(), person)
        except ValueError as exc:
            raise click.UsageError(str(exc)) from exc
        address = person.email
    click.echo(
        f"One-time sign-in for {address}, valid for {codes.CODE_MINUTES} minutes and "
        f"once only. Type it in the password field.\ncode: {code}"
    )


@demo_cli.command("load")
def demo_load():
    """Load the demonstration council, people and EIAs (loading twice changes nothing)."""
    from eia.demo_data import load_demo

    with session_scope() as session:
        result = load_demo(session)
    if result.created_eias or result.created_users:
        click.echo(f"Loaded {result.created_users} people and {result.created_eias} EIAs.")
    else:
        click.echo("The demo data is already loaded: nothing changed.")
    click.echo("Demo log-ins:")
    for login in result.logins:
        click.echo(f"  {login.role:<17} {login.email:<40} password: {login.password}")


@audit_cli.command("verify")
def audit_verify():
    """Check the whole audit trail for records altered, removed or reordered."""
    with session_scope() as session:
        report = audit.verify(session, secret_key=current_app.config["SECRET_KEY"])
    click.echo(report.message)
    if not report.ok:
        sys.exit(1)


@import_cli.command("register")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check the file and list its problems only.")
@click.option(
    "--as",
    "as_email",
    help="The administrator the import is recorded under (needed unless --dry-run).",
)
def import_register(path, dry_run, as_email):
    """Import a register of EIAs (CSV or .xlsx) as historical records, the columns guessed
    from its headers, as the Manage pages do. Any problem: nothing imported, exit 1."""
    from pathlib import Path

    from eia.capabilities import Capability, may
    from eia.imports import register

    file = Path(path)
    content = file.read_bytes()
    try:
        table = register.read(file.name, content)
    except register.FileRefused as problem:
        raise click.UsageError(str(problem)) from problem
    mapping = register.guess_mapping(table.columns)
    for field in register.FIELDS:
        where = mapping[field.key]
        column = next((c for c in table.columns if c.index == where), None)
        click.echo(f"{field.label:<18} {column.label if column else '(not in the file)'}")
    with session_scope() as session:
        actor = None
        if not dry_run:
            actor = session.exec(select(User).where(User.email == (as_email or "").lower())).first()
            if actor is None or not actor.active or not may(actor, Capability.administer):
                raise click.UsageError("Give --as with an active administrator's email address.")
        plan = register.check(session, table, mapping)
        for p in plan.problems:
            click.echo(f"Row {p.row or '-'}, {p.column or 'the row'}: {p.what}. {p.todo}.")
        click.echo(
            f"{plural(len(plan.rows), 'EIA')} to import, {len(plan.unchanged)} already "
            f"imported, {plural(len(plan.people), 'person', 'people')} to add (inactive), "
            f"{plural(len(plan.problems), 'problem')}."
        )
        if not plan.ok:
            click.echo("Nothing imported: put the problems right and run it again.")
            sys.exit(1)
        if dry_run:
            click.echo("Dry run: nothing imported.")
            return
        result = register.import_register(session, actor, plan, filename=file.name, content=content)
    click.echo(f"Imported {plural(result.eias, 'EIA')}.")


@import_cli.command("document")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check the document and list its problems only.")
@click.option("--as", "as_email", help="The administrator the import is recorded under.")
def import_document(path, dry_run, as_email):
    """Import an EIA exported from another installation (its eia-document/1 JSON) as a
    historical record, keeping its history. Any problem: nothing imported, exit 1."""
    from pathlib import Path

    from eia.capabilities import Capability, may
    from eia.imports import document

    file = Path(path)
    try:
        doc = document.parse(file.read_bytes())
    except ValueError as problem:
        raise click.UsageError(str(problem)) from problem
    with session_scope() as session:
        actor = None
        if not dry_run:
            actor = session.exec(select(User).where(User.email == (as_email or "").lower())).first()
            if actor is None or not actor.active or not may(actor, Capability.administer):
                raise click.UsageError("Give --as with an active administrator's email address.")
        plan = document.check(session, doc)
        for p in plan.problems:
            click.echo(f"{p.column.capitalize()}: {p.what}. {p.todo}.")
        if not plan.ok:
            click.echo("Nothing imported: put the problems right and run it again.")
            sys.exit(1)
        if plan.unchanged:
            click.echo(f"{doc['reference']} is already imported: nothing changed.")
            return
        if dry_run:
            click.echo(f"Dry run: {doc['reference']} can be imported; nothing imported.")
            return
        document.import_document(session, actor, plan, filename=file.name)
    click.echo(f"Imported {doc['reference']} as a historical record.")


@import_cli.command("word")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--mapping",
    "mapping_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="The JSON mapping of the template's headings (docs/word-mapping-example.json).",
)
@click.option("--dry-run", is_flag=True, help="Check the files and list their problems only.")
@click.option(
    "--as",
    "as_email",
    help="The administrator the import is recorded under (needed unless --dry-run).",
)
def import_word(paths, mapping_path, dry_run, as_email):
    """Import past EIAs from Word (.docx) files made from one template, as historical
    records, through a mapping of its headings. Text under headings the mapping does not
    place is kept as the EIA's original text. Any problem in any file: nothing imported,
    exit 1."""
    from pathlib import Path

    from eia.capabilities import Capability, may
    from eia.imports import word

    try:
        mapping = word.read_mapping(Path(mapping_path).read_bytes())
    except word.FileRefused as problem:
        raise click.UsageError(str(problem)) from problem
    files = [(Path(p).name, Path(p).read_bytes()) for p in paths]
    with session_scope() as session:
        actor = None
        if not dry_run:
            actor = session.exec(select(User).where(User.email == (as_email or "").lower())).first()
            if actor is None or not actor.active or not may(actor, Capability.administer):
                raise click.UsageError("Give --as with an active administrator's email address.")
        plans = word.check(session, files, mapping)
        for plan in plans:
            for line in word.describe(plan, mapping):
                click.echo(line)
            if plan.unchanged:
                click.echo(f"  {plan.reference} is already imported: nothing will change.")
        problems = [p for plan in plans for p in plan.problems]
        for p in problems:
            click.echo(str(p))
        to_import = sum(1 for p in plans if p.ok and not p.unchanged)
        click.echo(
            f"{plural(to_import, 'EIA')} to import, "
            f"{sum(1 for p in plans if p.unchanged)} already imported, "
            f"{plural(len(problems), 'problem')}."
        )
        if problems:
            click.echo("Nothing imported: put the problems right and run it again.")
            sys.exit(1)
        if dry_run:
            click.echo("Dry run: nothing imported.")
            return
        references = [e.reference for e in word.import_files(session, actor, plans)]
    click.echo(
        f"Imported {plural(len(references), 'EIA')}"
        + (": " + ", ".join(references) if references else ".")
    )


@reviews_cli.command("start-due")
def reviews_start_due():
    """Move approved EIAs whose review date has come into review."""
    from eia.operations import start_due_reviews

    with session_scope() as session:
        moved = start_due_reviews(session)
    click.echo(
        f"Started {plural(len(moved), 'review')}" + (": " + ", ".join(moved) if moved else ".")
    )


@click.command("diagram")
def diagram():
    """Print the lifecycle as a Mermaid diagram, generated from the lifecycle table."""
    from workflows.lifecycle import mermaid_diagram

    click.echo(mermaid_diagram())


def _check_password(password: str) -> None:
    problem = password_problem(password)
    if problem:
        raise click.UsageError(problem)


def _safe_url(engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def main() -> None:
    cli(prog_name="eia")


__all__ = ["cli", "main", "register_cli"]

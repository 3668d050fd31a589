"""The `eia` command: migrate, users, demo data, audit verification, scheduled moves.

Built on Flask's CLI, so `eia run`, `eia shell` and `eia routes` work too.
"""

import sys

import click
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
    for group in (db_cli, users_cli, demo_cli, audit_cli, reviews_cli, diagram):
        app.cli.add_command(group)


db_cli = AppGroup("db", help="The database schema (Alembic migrations).")
users_cli = AppGroup("users", help="People and their roles.")
demo_cli = AppGroup("demo", help="Demonstration data.")
audit_cli = AppGroup("audit", help="The tamper-evident audit trail.")
reviews_cli = AppGroup("reviews", help="Reviews (the continuing duty).")


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision):
    """Bring the schema up to REVISION (default: the newest)."""
    from eia.migrate import current_revision, upgrade

    engine = get_engine()
    upgrade(engine, revision)
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
        report = audit.verify(session)
    click.echo(report.message)
    if not report.ok:
        sys.exit(1)


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

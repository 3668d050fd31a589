"""`eia reminders ...` and `eia emails ...`: run by hand what beat runs on its schedule."""

from datetime import date

import click
from flask.cli import AppGroup

from eia.db import session_scope
from eia.words import plural

from . import outbox, settings

reminders_cli = AppGroup("reminders", help="Reminders and the daily digest.")
emails_cli = AppGroup("emails", help="The email outbox.")


@reminders_cli.command("sweep")
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Sweep as if today were this date (YYYY-MM-DD).")
def reminders_sweep(day):
    """Start due reviews and write the reminders due today (running it twice writes nothing
    more)."""
    from eia.operations import start_due_reviews

    from .reminders import sweep_reminders

    today: date | None = day.date() if day else None
    with session_scope() as session:
        moved = start_due_reviews(session, today)
    with session_scope() as session:
        ids = sweep_reminders(session, today, settings.current())
    click.echo(f"Started {plural(len(moved), 'review')}; wrote "
               f"{plural(len(ids), 'reminder')}.")


@reminders_cli.command("digest")
@click.option("--any-day", is_flag=True, help="Send even on a weekend or bank holiday.")
def reminders_digest(any_day):
    """Send today's digests now (once per person per day)."""
    from .digest import send_digests

    with session_scope() as session:
        ids = send_digests(session, any_day=any_day)
    click.echo(f"Wrote {plural(len(ids), 'digest email')}.")


@emails_cli.command("sweep")
def emails_sweep():
    """Hand unsent emails to the worker (what the sweeper does every minute)."""
    with session_scope() as session:
        ids = outbox.sweep(session, settings.current())
    click.echo(f"Queued {plural(len(ids), 'email')} for the worker.")


@emails_cli.command("send-now")
def emails_send_now():
    """Send the due emails from this process, without a worker."""
    from .sending import deliver

    with session_scope() as session:
        ids = outbox.sweep(session, settings.current())
        outbox.forget(session)  # sent here, not handed to a worker
    results = [deliver(i).status for i in ids]
    click.echo(f"{results.count('sent')} sent, {results.count('retry')} to retry, "
               f"{results.count('failed')} failed.")


def register_cli(app) -> None:
    for group in (reminders_cli, emails_cli):
        app.cli.add_command(group)

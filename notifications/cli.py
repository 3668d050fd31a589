"""`eia reminders ...` and `eia emails ...`: run by hand what beat runs on its schedule."""

from datetime import date

import click
from flask.cli import AppGroup

from eia.db import session_scope

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
    click.echo(f"Started {len(moved)} review(s); wrote {len(ids)} reminder(s).")


@reminders_cli.command("digest")
@click.option("--any-day", is_flag=True, help="Send even on a weekend or bank holiday.")
def reminders_digest(any_day):
    """Send today's digests now (once per person per day)."""
    from .digest import send_digests

    with session_scope() as session:
        ids = send_digests(session, any_day=any_day)
    click.echo(f"Wrote {len(ids)} digest email(s).")


@emails_cli.command("sweep")
def emails_sweep():
    """Hand unsent emails to the worker (what the sweeper does every minute)."""
    with session_scope() as session:
        ids = outbox.sweep(session, settings.current())
    click.echo(f"Queued {len(ids)} email(s) for the worker.")


@emails_cli.command("send-now")
def emails_send_now():
    """Send the due emails from this process, without a worker."""
    from .sending import deliver

    with session_scope() as session:
        ids = outbox.sweep(session, settings.current())
        outbox.forget(session)  # sent here, not handed to a worker
    results, errors = [], []
    for outbox_id in ids:  # one email's trouble never holds back the others
        try:
            results.append(deliver(outbox_id).status)
        except Exception as exc:  # noqa: BLE001 - reported, left for the sweeper
            errors.append(f"email {outbox_id}: {type(exc).__name__}: {exc}")
    click.echo(f"{results.count('sent')} sent, {results.count('retry')} to retry, "
               f"{results.count('failed')} failed.")
    if errors:
        click.echo(f"{len(errors)} could not be tried (the outbox sweeper tries them "
                   "again):", err=True)
        for line in errors:
            click.echo(f"  {line}", err=True)
        raise SystemExit(1)


def register_cli(app) -> None:
    for group in (reminders_cli, emails_cli):
        app.cli.add_command(group)

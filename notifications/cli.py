"""`eia reminders ...` and `eia emails ...`: run by hand what beat runs on its schedule."""

from datetime import date

import click
from flask.cli import AppGroup
from sqlmodel import select

from eia.db import session_scope
from eia.models import london_date, utcnow
from eia.words import plural

from . import outbox, settings

reminders_cli = AppGroup("reminders", help="Reminders and the daily digest.")
emails_cli = AppGroup("emails", help="The email outbox.")


@reminders_cli.command("sweep")
@click.option(
    "--date",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Sweep as if today were this date (YYYY-MM-DD): today or a day before; "
    "a later day only with --dry-run.",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="List the reviews the sweep would start and the emails it would write "
    "(on --date, if given), and write nothing.",
)
def reminders_sweep(day, dry_run):
    """Start due reviews and write the reminders due today (running it twice writes nothing
    more)."""
    from eia.operations import start_due_reviews

    from .reminders import sweep_reminders

    today: date | None = day.date() if day else None
    now = london_date(utcnow())
    if today is not None and today > now and not dry_run:
        raise click.BadParameter(
            f"{today.isoformat()} is in the future (today is {now.isoformat()} in London). "
            "A sweep records each review it starts in the audit trail and writes its "
            "emails, so it cannot run as if it were a later day. To see what it would do "
            "then, add --dry-run: it lists the reviews and emails and writes nothing.",
            param_hint="'--date'",
        )
    if dry_run:
        return _rehearse(today or now)
    with session_scope() as session:
        moved = start_due_reviews(session, today)
    with session_scope() as session:
        ids = sweep_reminders(session, today, settings.current())
    click.echo(f"Started {plural(len(moved), 'review')}; wrote {plural(len(ids), 'reminder')}.")


def _rehearse(day: date) -> None:
    """The sweep for ``day`` run for real inside one transaction, reported, then rolled back:
    no audit record, review or email is kept, and nothing is handed to the worker."""
    from eia.operations import start_due_reviews

    from .events import day_text
    from .reminders import sweep_reminders

    with session_scope() as session:
        try:
            moved = start_due_reviews(session, day)
            review_ids = sorted(outbox.pending(session))
            reminder_ids = sweep_reminders(session, day, settings.current())
            emails = _described(session, review_ids + reminder_ids)
        finally:
            session.rollback()  # the dry run: nothing is kept (the hook forgets the ids)
    click.echo(f"Dry run for {day:%A} {day_text(day)}: nothing was written.")
    click.echo(f"The sweep would start {plural(len(moved), 'review')}" + (":" if moved else "."))
    for reference in moved:
        click.echo(f"  {reference}")
    click.echo(f"It would write {plural(len(emails), 'email')}" + (":" if emails else "."))
    for line in emails:
        click.echo(f"  {line}")


def _described(session, ids: list[int]) -> list[str]:
    from eia.models import OutboxEmail

    rows = (
        {r.id: r for r in session.exec(select(OutboxEmail).where(OutboxEmail.id.in_(ids)))}
        if ids
        else {}
    )
    lines = []
    for outbox_id in ids:
        row = rows[outbox_id]
        how = (
            "urgent, at once"
            if row.urgent
            else "at once"
            if row.delivery == "immediate"
            else "in the daily digest"
        )
        lines.append(f"{row.rule} to {row.recipient_email} ({how}): {row.subject}")
    return lines


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
    results, errors = [], []
    for outbox_id in ids:  # one email's trouble never holds back the others
        try:
            results.append(deliver(outbox_id).status)
        except Exception as exc:  # noqa: BLE001 - reported, left for the sweeper
            errors.append(f"email {outbox_id}: {type(exc).__name__}: {exc}")
    click.echo(
        f"{results.count('sent')} sent, {results.count('retry')} to retry, "
        f"{results.count('failed')} failed."
    )
    if errors:
        click.echo(
            f"{len(errors)} could not be tried (the outbox sweeper tries them again):", err=True
        )
        for line in errors:
            click.echo(f"  {line}", err=True)
        raise SystemExit(1)


def register_cli(app) -> None:
    for group in (reminders_cli, emails_cli):
        app.cli.add_command(group)

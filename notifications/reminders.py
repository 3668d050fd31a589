"""The reminder rules of the continuing duty (domain.md, "Reminders").

Each rule is a function ``rule(session, today, cfg) -> list[Reminder]`` that finds what is
due with SQL (only the EIAs concerned are loaded) and says, for each person, which
reminder for which *period*. The period makes the idempotency key: the same reminder in
the same period is the same outbox row, written once however often the sweep runs.

Periods:
- repeating reminders count working days from when the wait began, in steps of the repeat
  interval ("2026-11-02.r3": the fourth reminder about the spell that began on 2 November);
  a new spell (the officer did something, the EIA was sent for sign-off again) starts over;
- one-off notices use the date they are about ("review-2027-03-01");
- the urgent decision-date reminder uses the working day it is sent on (once a day).

Reminders are only made on working days: nobody is reminded at the weekend or on a bank
holiday, and the working-day counts never advance on those days either.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import NamedTuple

import sqlalchemy as sa
from sqlmodel import Session

from eia.models import ActionItem, AuditRecord, Eia, User, london_date, utcnow
from eia.models.enums import OPEN_ACTION_STATUSES
from eia.models.notifications import Delivery
from eia.words import plural
from workflows.lifecycle import STATES, Status, states_where
from workflows.segregation import eligible_deciders

from . import outbox
from .calendar import (
    add_working_days,
    idle_cutoff,
    is_working_day,
    london_midnight,
    working_days_between,
)
from .events import day_text, eia_context
from .people import directorate_approvers, equality_officers, reminder_delivery, users_by_id

IDLE_STATES = states_where(drafting=True)
NOT_SIGNED_OFF = states_where(active=True, signed_off=False)
ACTIVE_STATES = states_where(active=True)
log = logging.getLogger(__name__)

STATE_WORDS = {s.name: s.drafting_words for s in STATES if s.drafting}

# What the rules and the email's context read of an EIA: narrow rows, not ORM objects (the
# JSON columns of thousands of EIAs were most of a national sweep's time). A row has these
# as attributes, so ``eia_context`` and ``eligible_deciders`` take it as they take an Eia.
EIA_COLUMNS = (
    Eia.id,
    Eia.reference,
    Eia.title,
    Eia.status,
    Eia.decision_date,
    Eia.review_date,
    Eia.owner_id,
    Eia.directorate_id,
    Eia.status_changed_at,
)


def _eia_rows(session: Session, query: sa.Select) -> list[sa.Row]:
    return list(session.execute(query).all())


def _owner_names(session: Session, rows) -> dict[int, str]:
    """Every owner's name, active or not (an escalation names the author either way)."""
    ids = {r.owner_id for r in rows}
    if not ids:
        return {}
    return dict(session.execute(sa.select(User.id, User.name).where(User.id.in_(ids))).all())


@dataclass(frozen=True)
class Reminder:
    eia_id: int
    rule: str
    period: str
    recipient: User
    template: str
    subject: str
    context: dict = field(hash=False, compare=False)
    urgent: bool = False

    @cached_property
    def key(self) -> str:
        return outbox.reminder_key(self.eia_id, self.rule, self.period, self.recipient.id)


def _repeat_period(start: date, elapsed: int, first: int, every: int) -> str:
    return f"{start.isoformat()}.r{(elapsed - first) // every}"


def _eia_reminder(
    eia,
    user: User,
    rule: str,
    period: str,
    template: str,
    subject: str,
    urgent: bool = False,
    **extra,
) -> Reminder:
    ctx = eia_context(eia, user)
    ctx.update(extra)
    return Reminder(eia.id, rule, period, user, template, subject, ctx, urgent)


# --- the rules ---------------------------------------------------------------------------


def idle_assessments(session: Session, today: date, cfg) -> list[Reminder]:
    """Draft, screening or full assessment with no audit record for N working days: remind
    the author, again every M working days, and tell the directorate's approvers after K."""
    after, every = cfg.REMINDER_IDLE_AFTER_DAYS, cfg.REMINDER_IDLE_REPEAT_DAYS
    escalate = cfg.REMINDER_IDLE_ESCALATE_DAYS
    last = (
        sa.select(AuditRecord.eia_id, sa.func.max(AuditRecord.occurred_at).label("last_at"))
        .join(Eia, Eia.id == AuditRecord.eia_id)
        .where(Eia.status.in_(IDLE_STATES))
        .group_by(AuditRecord.eia_id)
        .subquery()
    )
    cutoff = london_midnight(idle_cutoff(today, min(after, escalate)))
    rows = _eia_rows(
        session,
        sa.select(*EIA_COLUMNS, last.c.last_at)
        .join(last, last.c.eia_id == Eia.id)
        .where(last.c.last_at < cutoff)
        .order_by(Eia.id),
    )
    owners = users_by_id(session, [e.owner_id for e in rows])
    names = _owner_names(session, rows)
    approvers = directorate_approvers(session, {e.directorate_id for e in rows})
    found = []
    for eia in rows:
        since = london_date(eia.last_at)
        idle = working_days_between(since, today)
        words = dict(idle_days=idle, since=day_text(since), state_words=STATE_WORDS[eia.status])
        owner = owners.get(eia.owner_id)
        if owner is not None and idle >= after:
            found.append(
                _eia_reminder(
                    eia,
                    owner,
                    "idle",
                    _repeat_period(since, idle, after, every),
                    "idle",
                    f"Reminder: {eia.reference} has not changed for {plural(idle, 'working day')}",
                    summary=f"{eia.reference} has been {words['state_words']} with no change "
                    f"since {words['since']} ({plural(idle, 'working day')}).",
                    **words,
                )
            )
        if idle >= escalate:
            owner_name = names.get(eia.owner_id)
            for approver in approvers.get(eia.directorate_id, []):
                if approver.id == eia.owner_id:
                    continue
                found.append(
                    _eia_reminder(
                        eia,
                        approver,
                        "idle_escalation",
                        since.isoformat(),
                        "idle_escalation",
                        f"Stalled: {eia.reference} has not changed for "
                        f"{plural(idle, 'working day')}",
                        summary=f"{eia.reference} ({owner_name}) has not moved for "
                        f"{plural(idle, 'working day')}.",
                        owner_name=owner_name,
                        **words,
                    )
                )
    return found


def pending_sign_off(session: Session, today: date, cfg) -> list[Reminder]:
    """Awaiting sign-off for N working days: remind the directorate's approvers, again every
    M; after K tell the Policy and Equality Unit."""
    after, every = cfg.REMINDER_SIGNOFF_AFTER_DAYS, cfg.REMINDER_SIGNOFF_REPEAT_DAYS
    escalate = cfg.REMINDER_SIGNOFF_ESCALATE_DAYS
    cutoff = london_midnight(idle_cutoff(today, min(after, escalate)))
    eias = _eia_rows(
        session,
        sa.select(*EIA_COLUMNS)
        .where(Eia.status == Status.awaiting_sign_off, Eia.status_changed_at < cutoff)
        .order_by(Eia.id),
    )
    names = _owner_names(session, eias)
    deciders = eligible_deciders(session, eias)
    unit = equality_officers(session) if eias else []
    found = []
    for eia in eias:
        since = london_date(eia.status_changed_at)
        waiting = working_days_between(since, today)
        words = dict(
            waiting_days=waiting,
            since=day_text(since),
            owner_name=names.get(eia.owner_id),
            path=f"/eias/{eia.reference}/sign-off",
        )
        if waiting >= after:
            for approver in deciders[eia.id]:
                found.append(
                    _eia_reminder(
                        eia,
                        approver,
                        "signoff_pending",
                        _repeat_period(since, waiting, after, every),
                        "signoff_pending",
                        f"Reminder: {eia.reference} is waiting for your sign-off",
                        summary=f"{eia.reference} has waited {plural(waiting, 'working day')} "
                        "for sign-off.",
                        **words,
                    )
                )
        if waiting >= escalate:
            for officer in unit:
                found.append(
                    _eia_reminder(
                        eia,
                        officer,
                        "signoff_escalation",
                        since.isoformat(),
                        "signoff_escalation",
                        f"Sign-off overdue: {eia.reference} has waited "
                        f"{plural(waiting, 'working day')}",
                        summary=f"{eia.reference} has waited {plural(waiting, 'working day')} "
                        "for its approver.",
                        **{**words, "path": f"/eias/{eia.reference}"},
                    )
                )
    return found


def decision_date_near(session: Session, today: date, cfg) -> list[Reminder]:
    """Not signed off and the decision is N working days away or fewer: urgent, to the owner
    and the approvers, once each working day."""
    horizon = add_working_days(today, cfg.REMINDER_DECISION_WITHIN_DAYS)
    eias = _eia_rows(
        session,
        sa.select(*EIA_COLUMNS)
        .where(
            Eia.status.in_(NOT_SIGNED_OFF),
            Eia.decision_date.is_not(None),
            Eia.decision_date >= today,
            Eia.decision_date <= horizon,
        )
        .order_by(Eia.decision_date, Eia.id),
    )
    owners = users_by_id(session, [e.owner_id for e in eias])
    deciders = eligible_deciders(session, eias)
    found = []
    for eia in eias:
        left = working_days_between(today, eia.decision_date)
        when = "today" if left == 0 else f"in {plural(left, 'working day')}"
        people = [owners.get(eia.owner_id)] + deciders[eia.id]
        for user in people:
            if user is None:
                continue
            is_approver = user.id != eia.owner_id
            path = (
                f"/eias/{eia.reference}/sign-off"
                if is_approver and eia.status == Status.awaiting_sign_off
                else f"/eias/{eia.reference}"
            )
            found.append(
                _eia_reminder(
                    eia,
                    user,
                    "decision_near",
                    today.isoformat(),
                    "decision_near",
                    f"Urgent: {eia.reference} is not signed off and the decision is {when}",
                    urgent=True,
                    days_left=left,
                    when=when,
                    is_approver=is_approver,
                    path=path,
                    summary=f"{eia.reference} is not signed off and the decision is {when} "
                    f"({day_text(eia.decision_date)}).",
                )
            )
    return found


def review_coming(session: Session, today: date, cfg) -> list[Reminder]:
    """An approved EIA's review date is N calendar days away or fewer: tell the owner once
    (the move into review at the date is ``start_due_reviews``, in the same sweep)."""
    horizon = today + timedelta(days=cfg.REMINDER_REVIEW_NOTICE_DAYS)
    eias = _eia_rows(
        session,
        sa.select(*EIA_COLUMNS)
        .where(
            Eia.status == Status.approved,
            Eia.review_date.is_not(None),
            Eia.review_date > today,
            Eia.review_date <= horizon,
        )
        .order_by(Eia.review_date, Eia.id),
    )
    owners = users_by_id(session, [e.owner_id for e in eias])
    found = []
    for eia in eias:
        owner = owners.get(eia.owner_id)
        if owner is None:
            continue
        days = (eia.review_date - today).days
        found.append(
            _eia_reminder(
                eia,
                owner,
                "review_coming",
                f"review-{eia.review_date.isoformat()}",
                "review_coming",
                f"Review coming: {eia.reference} is due for review on {day_text(eia.review_date)}",
                days_left=days,
                summary=f"{eia.reference} is due for review on "
                f"{day_text(eia.review_date)} (in {plural(days, 'day')}).",
            )
        )
    return found


def actions_due(session: Session, today: date, cfg) -> list[Reminder]:
    """Open action-plan items due within N working days (once per due date) or overdue
    (every M working days), to the action's owner."""
    horizon = add_working_days(today, cfg.REMINDER_ACTION_DUE_WITHIN_DAYS)
    every = cfg.REMINDER_ACTION_OVERDUE_REPEAT_DAYS
    action = ActionItem.__table__.c
    rows = _eia_rows(
        session,
        sa.select(
            *EIA_COLUMNS,
            action.id.label("action_id"),
            action.description.label("action_description"),
            action.due_date.label("action_due_date"),
            action.owner_id.label("action_owner_id"),
        )
        .join(ActionItem, Eia.id == ActionItem.eia_id)
        .where(
            Eia.status.in_(ACTIVE_STATES),
            ActionItem.status.in_(OPEN_ACTION_STATUSES),
            ActionItem.owner_id.is_not(None),
            ActionItem.due_date.is_not(None),
            ActionItem.due_date <= horizon,
        )
        .order_by(ActionItem.due_date, ActionItem.id),
    )
    owners = users_by_id(session, [r.action_owner_id for r in rows])
    found = []
    for eia in rows:
        owner = owners.get(eia.action_owner_id)
        if owner is None:
            continue
        action = _Action(eia.action_id, eia.action_description, eia.action_due_date)
        words = dict(
            action=action.description, due=day_text(action.due_date), path=f"/eias/{eia.reference}"
        )
        if action.due_date >= today:
            left = working_days_between(today, action.due_date)
            when = "today" if action.due_date == today else f"on {words['due']}"
            found.append(
                _eia_reminder(
                    eia,
                    owner,
                    "action_due",
                    f"action-{action.id}-due-{action.due_date.isoformat()}",
                    "action_due",
                    f"Action due {when}: {eia.reference}",
                    days_left=left,
                    when=when,
                    summary=f"Your action on {eia.reference} is due {when}: "
                    f"{_short(action.description)}",
                    **words,
                )
            )
        else:
            late = working_days_between(action.due_date, today)
            period = (
                f"action-{action.id}-overdue-{action.due_date.isoformat()}"
                f".r{max(late - 1, 0) // every}"
            )
            found.append(
                _eia_reminder(
                    eia,
                    owner,
                    "action_overdue",
                    period,
                    "action_overdue",
                    f"Action overdue: {eia.reference} (due {words['due']})",
                    days_late=late,
                    summary=f"Your action on {eia.reference} was due on {words['due']}: "
                    f"{_short(action.description)}",
                    **words,
                )
            )
    return found


@dataclass(frozen=True)
class _Action:
    id: int
    description: str
    due_date: date


def _short(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


RULES: dict[str, Callable[[Session, date, object], list[Reminder]]] = {
    "idle": idle_assessments,
    "signoff_pending": pending_sign_off,
    "decision_near": decision_date_near,
    "review_coming": review_coming,
    "actions_due": actions_due,
}


# --- the sweep ---------------------------------------------------------------------------


def due_reminders(session: Session, today: date, cfg) -> list[Reminder]:
    if not is_working_day(today):
        return []
    found = []
    for rule in RULES.values():
        found += rule(session, today, cfg)
    return found


class Pending(NamedTuple):
    """A reminder not written yet and the outbox row it makes."""

    reminder: Reminder
    row: dict

    @property
    def key(self) -> str:  # what outbox.each_apart logs of an item it could not write
        return self.reminder.key


def outbox_rows(session: Session, reminders: list[Reminder]) -> list[Pending]:
    """The reminders whose keys are not in the outbox yet (one query), each with the
    outbox row it makes. Urgent ones go at once; the rest as each person chose (the daily
    digest unless they said otherwise)."""
    written = outbox.existing_keys(session, (r.key for r in reminders))
    reminders = [r for r in reminders if r.key not in written]
    delivery = reminder_delivery(session, {r.recipient.id for r in reminders})
    now = utcnow()
    return [Pending(r, _row(r, delivery[r.recipient.id], now)) for r in reminders]


def _row(r: Reminder, chosen: str, now, failed: str | None = None) -> dict:
    return outbox.row_values(
        key=r.key,
        recipient=r.recipient,
        kind="reminder",
        rule=r.rule,
        template=r.template,
        subject=r.subject,
        context={} if failed else r.context,
        eia_id=r.eia_id,
        urgent=r.urgent,
        now=now,
        failed=failed,
        delivery=Delivery.immediate if r.urgent else chosen,
    )


def write_reminders(session: Session, reminders: list[Reminder]) -> list[int]:
    """Outbox rows for the reminders not already written (their keys say so). Returns the
    ids of the rows written.

    The keys already in the outbox are left out first (one query), then the rest go in
    one INSERT ... ON CONFLICT DO NOTHING (``outbox.add_many``: on PostgreSQL one INSERT ...
    SELECT of every row; a row written meanwhile by another sweep is still not written
    twice). If that fails, each is written on its own, and one that cannot be is kept as a
    failed email with the reason."""
    pairs = outbox_rows(session, reminders)

    def write(pair, failed: str | None = None) -> int | None:
        r, row = pair
        if failed:
            row = _row(r, row["delivery"], row["created_at"], failed)
        return next(iter(outbox.add_many(session, [row])), None)

    def unwritable(pair, exc: Exception) -> int | None:
        # Kept as a failed email with the reason (administrators see it), not dropped.
        return write(pair, failed=f"Could not write this reminder: {type(exc).__name__}: {exc}")

    try:
        with session.begin_nested():
            return outbox.add_many(session, [row for _, row in pairs])
    except Exception:  # noqa: BLE001 - found below, reminder by reminder
        log.warning("Writing %d reminders together failed", len(pairs), exc_info=True)
    return outbox.each_apart(session, pairs, write, unwritable)


def sweep_reminders(session: Session, today: date | None, cfg) -> list[int]:
    """Write every reminder due today (the caller commits). Running it again the same day
    writes nothing new."""
    today = today or london_date(utcnow())
    return write_reminders(session, due_reminders(session, today, cfg))

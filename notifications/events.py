"""Emails about a step in an EIA's lifecycle, written by ``eia.operations.transition`` into
the same session as the step and its audit record: both commit, or neither does.

They always go at once (not in the digest): each asks a person to act now, or tells the
officer their EIA has moved. Nobody is emailed about a step they took themselves.
"""

import json
from datetime import date, datetime, timedelta

from sqlmodel import Session

from eia.models import AuditRecord, Eia, User, utcnow
from workflows.segregation import eligible_deciders

from . import outbox
from .people import users_by_id

# A transition dated further back than this is history being loaded (the demo data, an
# import), not news: it emails nobody.
BACKDATED = timedelta(hours=24)


def day_text(value: date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else ""


def eia_context(eia: Eia, recipient: User) -> dict:
    return {
        "reference": eia.reference,
        "title": eia.title or eia.reference,
        "status": eia.status,
        "recipient_name": recipient.name,
        "decision_date": day_text(eia.decision_date),
        "review_date": day_text(eia.review_date),
        "eia_path": f"/eias/{eia.reference}",
        "path": f"/eias/{eia.reference}",
    }


def _owner(session: Session, eia: Eia) -> list[User]:
    return list(users_by_id(session, [eia.owner_id]).values())


def _approvers(session: Session, eia: Eia) -> list[User]:
    """The approvers who may decide on this version: never its author, nor anyone who
    worked on it (workflows.segregation)."""
    return eligible_deciders(session, [eia])[eia.id]


def _signoff_requested(eia, record, ctx):
    ctx.update(
        path=f"/eias/{eia.reference}/sign-off",
        summary=f"{eia.reference} is waiting for your sign-off.",
    )
    return f"Sign-off needed: {eia.reference} {ctx['title']}"


def _returned(eia, record, ctx):
    ctx.update(
        comment=record.comment,
        returned_to=record.to_state,
        summary=f"{eia.reference} was returned to you with what to change.",
    )
    return f"Returned to you: {eia.reference} {ctx['title']}"


def _approved(eia, record, ctx):
    late = bool(json.loads(record.details or "{}").get("late"))
    ctx.update(late=late, comment=record.comment, summary=f"{eia.reference} was approved.")
    return f"Approved: {eia.reference} {ctx['title']}"


def _review_started(eia, record, ctx):
    ctx.update(summary=f"The review of {eia.reference} has started.")
    return f"Review due now: {eia.reference} {ctx['title']}"


# event -> (template, who receives it, subject and context builder)
TRANSITION_EMAILS = {
    "submit_for_sign_off": ("signoff_requested", _approvers, _signoff_requested),
    "screen_out": ("signoff_requested", _approvers, _signoff_requested),
    "return": ("returned", _owner, _returned),
    "approve": ("approved", _owner, _approved),
    "start_review": ("review_started", _owner, _review_started),
}


def notify_transition(
    session: Session, eia: Eia, event: str, actor: User | None, record: AuditRecord, now: datetime
) -> list[int]:
    """Write the outbox rows this step causes (in the caller's transaction). Returns ids."""
    spec = TRANSITION_EMAILS.get(event)
    if spec is None or now < utcnow() - BACKDATED:
        return []
    template, recipients, build = spec
    ids = []
    for user in recipients(session, eia):
        if actor is not None and user.id == actor.id:
            continue
        ctx = eia_context(eia, user)
        ctx["actor_name"] = actor.name if actor is not None else "The scheduler"
        subject = build(eia, record, ctx)
        new_id = outbox.add(
            session,
            key=outbox.transition_key(eia.id, event, record.seq, user.id),
            recipient=user,
            kind="transition",
            rule=event,
            template=template,
            subject=subject,
            context=ctx,
            eia_id=eia.id,
            now=now,
        )
        if new_id is not None:
            ids.append(new_id)
    return ids

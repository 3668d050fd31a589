"""Segregation of duties: nobody decides on a version of an EIA they worked on.

Deciding means approving, returning or confirming the review of a version. Working on it
means being the EIA's owner, or having a record in the audit trail, for that version, of
editing any of its sections (starting it included) or of sending it for sign-off (or
screening it out). The audit trail already says who did what to which version, so the
rule is read from there and no page, command or import can get round it.

Everything that needs the rule asks this module: the guard on the decision events, the
approver's inbox, the EIA's pages (which say when nobody is left who may decide, and who
can assign someone), and the emails asking approvers to decide.
"""

from collections import defaultdict
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import object_session
from sqlmodel import Session, select

from eia.capabilities import administrators
from eia.models import AuditRecord, Eia, User
from notifications.people import directorate_approvers

from .guards import _join
from .lifecycle import EVENT_RECORDS, SECTIONS, decision_states

# Transitions that hand a version over for a decision: who fires them worked on it.
SUBMITTING_EVENTS = tuple(e.name for e in EVENT_RECORDS if e.hands_over)

_DONE = {"created": "started it", **{e.name: e.hands_over for e in EVENT_RECORDS if e.hands_over}}


def _involving():
    """Audit records that make their actor part of the version they are about."""
    return sa.or_(
        AuditRecord.action == "edit",
        sa.and_(AuditRecord.action == "transition", AuditRecord.event.in_(SUBMITTING_EVENTS)),
    )


def _session_of(eia: Eia, session: Session | None) -> Session:
    return session if session is not None else object_session(eia)


def involvement(session: Session | None, eia: Eia, actor: User) -> list[str]:
    """What ``actor`` did to the EIA's current version, in words ("changed the screening"),
    in the order they first did it; empty if they did nothing that rules them out."""
    rows = (
        _session_of(eia, session)
        .exec(
            select(AuditRecord.event, sa.func.min(AuditRecord.seq))
            .where(
                AuditRecord.eia_id == eia.id,
                AuditRecord.eia_version == eia.version,
                AuditRecord.actor_id == actor.id,
                _involving(),
            )
            .group_by(AuditRecord.event)
            .order_by(sa.func.min(AuditRecord.seq))
        )
        .all()
    )
    return [
        _DONE.get(event) or f"changed {SECTIONS.get(event, event).lower()}" for event, _ in rows
    ]


def refusal(session: Session | None, eia: Eia, actor: User | None) -> list[str]:
    """Why ``actor`` may not decide on the EIA's current version (empty if they may)."""
    if actor is None:
        return []
    if actor.id == eia.owner_id:
        return [
            "You wrote this EIA, so you cannot decide on it: an approver who did not work "
            "on it must do so."
        ]
    done = involvement(session, eia, actor)
    if not done:
        return []
    return [
        f"You worked on version {eia.version} of this EIA (you {_join(done)}), so you "
        "cannot decide on it: an approver who did not work on this version must do so."
    ]


def involved_people(session: Session, eia_ids: Iterable[int]) -> dict[int, set[int]]:
    """For each EIA, the people who worked on its current version (owner not included), in
    one query however many EIAs."""
    ids = set(eia_ids)
    found: dict[int, set[int]] = defaultdict(set)
    if not ids:
        return found
    rows = session.exec(
        select(AuditRecord.eia_id, AuditRecord.actor_id)
        .distinct()
        .join(Eia, sa.and_(Eia.id == AuditRecord.eia_id, Eia.version == AuditRecord.eia_version))
        .where(AuditRecord.eia_id.in_(ids), AuditRecord.actor_id.is_not(None), _involving())
    ).all()
    for eia_id, actor_id in rows:
        found[eia_id].add(actor_id)
    return found


def eligible_deciders(
    session: Session, eias: Iterable[Eia], involved: dict[int, set[int]] | None = None
) -> dict[int, list[User]]:
    """For each EIA, the active approvers of its directorate who may decide on its current
    version (two queries however many EIAs; one when the caller gives ``involved``, who
    worked on each version, as a page reads it kept: eia.reporting.page_summaries)."""
    eias = list(eias)
    approvers = directorate_approvers(session, {e.directorate_id for e in eias})
    if involved is None:
        involved = involved_people(session, [e.id for e in eias])
    return {
        e.id: [
            u
            for u in approvers.get(e.directorate_id, [])
            if u.id != e.owner_id and u.id not in involved.get(e.id, ())
        ]
        for e in eias
    }


def may_decide(session: Session | None, eia: Eia, actor: User) -> bool:
    return not refusal(session, eia, actor)


def who_can_assign(session: Session) -> list[User]:
    """The people who can give a directorate another approver: active administrators."""
    return administrators(session)


# States in which a version awaits a decision by an approver (sign-off, or the review).
AWAITING_DECISION = decision_states()


def stuck_for_want_of_approver(session: Session, eia: Eia) -> bool:
    """True when the EIA awaits a decision and every approver of its directorate worked on
    its version (or it has none): someone must assign another approver."""
    return eia.status in AWAITING_DECISION and not eligible_deciders(session, [eia])[eia.id]

"""Operations: every change to an EIA goes through here. Each changes the rows, adds its
audit record to the same session and flushes; the caller commits once (or rolls back, and
then neither the change nor its record exists)."""

import logging
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time

import sqlalchemy as sa
from sqlmodel import Session, select

from eia import audit, edit_conflicts
from eia.capabilities import Capability, can_comment, may
from eia.edit_conflicts import EditBase
from eia.models import (
    LONDON,
    ActionItem,
    Characteristic,
    Comment,
    Eia,
    EngagementRecord,
    ImpactAssessment,
    IntersectionalImpact,
    ScreeningAnswer,
    Service,
    SignOff,
    User,
    as_utc,
    london_date,
    utcnow,
)
from eia.models.enums import SignOffDecision
from eia.reporting import cube, page_summaries, summaries
from eia.snapshot import fingerprint_of
from notifications.events import notify_transition
from workflows import TransitionRefused, fire
from workflows.guards import ACTOR_RULES, GuardContext
from workflows.lifecycle import SECTIONS, Status, binds_content, editable_sections, state

_log = logging.getLogger(__name__)

# The dashboard's cube follows every change: each flush that writes an EIA's rows adds the
# difference it makes to the cube's cells, in the same transaction as the change and its
# audit record (eia.reporting.cube).
cube.keep_on_write()


class EditRefused(Exception):
    """A change refused; ``forbidden`` when it is about the person, not the EIA's state."""

    def __init__(self, reasons: list[str], forbidden: bool = False):
        self.reasons = reasons
        self.forbidden = forbidden
        super().__init__(" ".join(reasons))


def _now(at: datetime | None) -> datetime:
    return as_utc(at) if at is not None else utcnow()


def lock_eia(session: Session, eia_id: int) -> Eia | None:
    """Load an EIA and hold its row until commit (PostgreSQL), so two people cannot move it
    at once; SQLite serialises writers by itself."""
    return session.exec(select(Eia).where(Eia.id == eia_id).with_for_update()).one_or_none()


# --- transitions ---------------------------------------------------------------------------


def transition(
    session: Session,
    eia: Eia,
    event: str,
    actor: User | None,
    *,
    at: datetime | None = None,
    **inputs,
):
    """Fire ``event`` on ``eia`` as ``actor`` (None: the scheduler). Raises TransitionRefused
    with every reason, or returns the audit record written with the change."""
    now = _now(at)
    if eia.id is not None and _needs_lock(session):
        # Hold the row until commit (one transition at a time), then read it afresh. The lock
        # is taken on the bare row: FOR UPDATE cannot follow the outer joins of whatever
        # loader options the EIA came with.
        session.flush()
        session.execute(select(Eia.id).where(Eia.id == eia.id).with_for_update())
        session.refresh(eia)
    ctx = GuardContext(eia=eia, actor=actor, inputs=inputs, now=now, session=session)
    # A decision keeps the fingerprint of the content it was taken on (eia.snapshot).
    decided_on = fingerprint_of(eia) if binds_content(event) else None
    source, dest = fire(event, ctx)
    eia.status_changed_at = now
    eia.updated_at = now
    session.add(eia)
    details = {
        k: v
        for k, v in inputs.items()
        if k in ("return_to", "late_reason", "attested", "next_review_date", "section")
        and v not in (None, "")
    }
    if event == "approve":
        details["late"] = bool(eia.sign_offs and eia.sign_offs[-1].late)
    if decided_on is not None:
        details["content"] = decided_on
    comment = next(
        (
            inputs[k]
            for k in ("comment", "reason", "review_notes")
            if isinstance(inputs.get(k), str) and inputs[k].strip()
        ),
        "",
    )
    record = audit.append(
        session,
        eia=eia,
        actor=actor,
        action="transition",
        event=event,
        from_state=source,
        to_state=dest,
        comment=comment.strip(),
        details=details,
        at=now,
    )
    summaries.record_transition(session, eia, event, record, late=details.get("late", False))
    page_summaries.keep(session, eia, record)
    # The emails this step causes, in the same transaction (the outbox).
    notify_transition(session, eia, event, actor, record, now)
    return record


def _needs_lock(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


# --- who may edit what -------------------------------------------------------------------


def edit_refusals(
    eia: Eia, actor: User | None, section: str, *, action: ActionItem | None = None
) -> list[str]:
    """Why ``actor`` may not change ``section`` now: first who they are, then the state."""
    return _person_refusals(eia, actor, action) or _state_refusals(eia, section)


def _person_refusals(eia: Eia, actor: User | None, action: ActionItem | None) -> list[str]:
    if ACTOR_RULES["eia_team"][0](GuardContext(eia=eia, actor=actor)):
        return []
    if action is not None and actor is not None and action.owner_id == actor.id:
        return []  # an action's owner updates its progress
    return ["Only the EIA's owner or an officer in its service can change it."]


def _state_refusals(eia: Eia, section: str) -> list[str]:
    if section not in SECTIONS:
        return [f"There is no section called “{section}”."]
    if section not in editable_sections(eia.status):
        return [
            f"{SECTIONS[section]} cannot be changed while the EIA is "
            f"{state(eia.status).label.lower()}."
        ]
    return []


def _check_edit(eia, actor, section, *, action=None):
    person = _person_refusals(eia, actor, action)
    if person:
        raise EditRefused(person, forbidden=True)
    reasons = _state_refusals(eia, section)
    if reasons:
        raise EditRefused(reasons)


# The state machine alone moves an EIA's status and version (never a form's populate_obj).
_NEVER_EDITED = {
    Eia: ("id", "status", "version", "reference", "owner_id", *summaries.SUMMARY_COLUMNS)
}


def _apply(obj, values: dict) -> dict:
    """Set attributes; return {field: [old, new]} for those that changed."""
    changes = {}
    for name, new in values.items():
        if name in _NEVER_EDITED.get(type(obj), ("id", "eia_id")):
            raise ValueError(f"{name} is not editable through a section")
        old = getattr(obj, name)
        if old != new:
            setattr(obj, name, new)
            changes[name] = [_plain(old), _plain(new)]
    return changes


def _plain(value):
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def _kept_as_others_saved(
    session, eia, actor, section, base: EditBase | None, proposed: dict[tuple, object]
) -> set[tuple]:
    """Of the fields about to be saved (by path: eia.edit_conflicts), those someone else
    changed since the person's page was opened and the person left as they found it: they
    keep the other person's value. Raises EditConflict when both changed a field."""
    return edit_conflicts.merge(
        session,
        eia.id,
        section,
        base,
        {path: _plain(v) for path, v in proposed.items()},
        actor_id=actor.id,
    )


def _apply_merged(session, eia, actor, section, base, target, values: dict, row=()) -> dict:
    """Apply ``values`` to ``target`` (a row of ``section`` at path ``row``), except the
    fields someone else changed meanwhile and the person left as they found them
    (_kept_as_others_saved). The changes made, as _apply gives them."""
    theirs = _kept_as_others_saved(
        session, eia, actor, section, base, {(*row, k): v for k, v in values.items()}
    )
    return _apply(target, {k: v for k, v in values.items() if (*row, k) not in theirs})


def _record_edit(session, eia, actor, section, changes, now, *, comment=""):
    eia.updated_at = now
    session.add(eia)
    record = audit.append(
        session,
        eia=eia,
        actor=actor,
        action="edit",
        event=section,
        from_state=eia.status,
        to_state=eia.status,
        comment=comment,
        details=changes,
        at=now,
    )
    page_summaries.keep(session, eia, record)
    return record


# --- creating and editing ----------------------------------------------------------------


def create_eia(
    session: Session,
    actor: User,
    *,
    service: Service,
    at: datetime | None = None,
    reference: str | None = None,
    **values,
) -> Eia:
    """Start a new EIA in draft, owned by ``actor``, for ``service``."""
    now = _now(at)
    if not may(actor, Capability.start_eias):
        raise EditRefused(["Only officers and approvers start EIAs."], forbidden=True)
    eia = Eia(
        reference=reference or f"NEW-{uuid.uuid4().hex[:24]}",
        service=service,
        directorate_id=service.directorate_id,
        owner=actor,
        created_at=now,
        updated_at=now,
        status_changed_at=now,
        status=Status.draft,
    )
    session.add(eia)
    session.flush()
    if reference is None:
        eia.reference = f"EIA-{now.year}-{eia.id:05d}"
    changes = _apply(eia, values)
    record = audit.append(
        session,
        eia=eia,
        actor=actor,
        action="edit",
        event="created",
        from_state=None,
        to_state=Status.draft,
        details={"reference": eia.reference, "service": service.name, **changes},
        at=now,
    )
    summaries.record_created(session, eia, record)
    page_summaries.keep(session, eia, record)
    return eia


PROPOSAL_FIELDS = (
    "title",
    "summary",
    "proposal_type",
    "affects",
    "decision_maker",
    "decision_type",
    "decision_date",
    "decision_round",
    "publishable",
    "publishing_reason",
    "confidential",
)
OUTCOME_FIELDS = (
    "outcome",
    "outcome_reason",
    "justification_legitimate_aim",
    "justification_less_harmful",
    "justification_proportionate",
    "review_date",
)
_SECTION_FIELDS = {"proposal": PROPOSAL_FIELDS, "outcome": OUTCOME_FIELDS}


def update_eia(
    session: Session,
    eia: Eia,
    section: str,
    actor: User,
    values: dict,
    *,
    at: datetime | None = None,
    base: EditBase | None = None,
):
    """Edit the EIA's own fields for the proposal or outcome section. ``base``: what the
    person's page was opened at (eia.edit_conflicts), when it came from a page."""
    _check_edit(eia, actor, section)
    allowed = _SECTION_FIELDS.get(section, ())
    stray = set(values) - set(allowed)
    if stray:
        raise ValueError(f"{', '.join(sorted(stray))} not part of the {section} section")
    changes = _apply_merged(session, eia, actor, section, base, eia, values)
    if not changes:
        return None
    return _record_edit(session, eia, actor, section, changes, _now(at))


def save_screening(
    session: Session,
    eia: Eia,
    actor: User,
    answers: dict[int, tuple[str | None, str]],
    *,
    at: datetime | None = None,
    base: EditBase | None = None,
):
    """answers: characteristic id -> (relevance, reason)."""
    _check_edit(eia, actor, "screening")
    existing = {a.characteristic_id: a for a in eia.screening_answers}
    names = dict(session.exec(select(Characteristic.id, Characteristic.key)).all())
    unknown = sorted(set(answers) - set(names))
    if unknown:
        raise ValueError(f"no characteristic {unknown[0]}")
    theirs = _kept_as_others_saved(
        session,
        eia,
        actor,
        "screening",
        base,
        {
            (names[cid], field): value
            for cid, (relevance, reason) in answers.items()
            for field, value in (("relevance", relevance), ("reason", reason))
        },
    )
    changes = {}
    for cid, (relevance, reason) in answers.items():
        answer = existing.get(cid)
        if answer is None:
            answer = ScreeningAnswer(eia=eia, characteristic_id=cid)
            session.add(answer)
        mine = {
            field: value
            for field, value in (("relevance", relevance), ("reason", reason))
            if (names[cid], field) not in theirs
        }
        diff = _apply(answer, mine)
        if diff:
            changes[names[cid]] = diff
    if not changes:
        return None
    return _record_edit(session, eia, actor, "screening", changes, _now(at))


IMPACT_FIELDS = (
    "direction",
    "aim_discrimination",
    "aim_opportunity",
    "aim_relations",
    "inherent_likelihood",
    "inherent_severity",
    "residual_likelihood",
    "residual_severity",
    "mitigation",
)
EVIDENCE_FIELDS = ("evidence", "evidence_gap", "evidence_gap_reason")


def save_impact(
    session: Session,
    eia: Eia,
    actor: User,
    characteristic_id: int,
    values: dict,
    *,
    section: str = "impacts",
    at: datetime | None = None,
    base: EditBase | None = None,
):
    """Score one characteristic (section "impacts") or record its evidence ("evidence")."""
    _check_edit(eia, actor, section)
    fields = IMPACT_FIELDS if section == "impacts" else EVIDENCE_FIELDS
    stray = set(values) - set(fields)
    if stray:
        raise ValueError(f"{', '.join(sorted(stray))} not part of the {section} section")
    _check_scores(values)
    characteristic = session.get(Characteristic, characteristic_id)
    if characteristic is None:
        raise ValueError(f"no characteristic {characteristic_id}")
    key = characteristic.key
    impact = next((i for i in eia.impacts if i.characteristic_id == characteristic_id), None)
    if impact is None:
        impact = ImpactAssessment(eia=eia, characteristic_id=characteristic_id)
        session.add(impact)
    changes = _apply_merged(session, eia, actor, section, base, impact, values, (key,))
    if not changes:
        return None
    record = _record_edit(session, eia, actor, section, {key: changes}, _now(at))
    if section == "evidence":
        _raise_gap_action(session, eia, actor, impact, _now(at))
    return record


def _check_scores(values: dict) -> None:
    for name in (
        "inherent_likelihood",
        "inherent_severity",
        "residual_likelihood",
        "residual_severity",
    ):
        v = values.get(name)
        if v is not None and v not in (1, 2, 3, 4):
            raise ValueError(f"{name} must be 1, 2, 3 or 4")


def _raise_gap_action(session, eia, actor, impact, now) -> None:
    """An evidence gap becomes a proposed action to close it (once per impact)."""
    if not impact.evidence_gap or not impact.evidence_gap_reason.strip():
        return
    session.flush()
    if any(a.from_evidence_gap and a.impact_id == impact.id for a in eia.actions):
        return
    name = session.get(Characteristic, impact.characteristic_id).name
    action = ActionItem(
        eia=eia,
        impact_id=impact.id,
        from_evidence_gap=True,
        owner_id=eia.owner_id,
        status="proposed",
        created_in_version=eia.version,
        description=f"Close the evidence gap for {name.lower()}: "
        f"{impact.evidence_gap_reason.strip()}",
    )
    session.add(action)
    session.flush()
    record = audit.append(
        session,
        eia=eia,
        actor=actor,
        action="edit",
        event="actions",
        from_state=eia.status,
        to_state=eia.status,
        details={
            "added": {"id": action.id, "description": action.description, "from_evidence_gap": True}
        },
        at=now,
    )
    page_summaries.keep(session, eia, record)


def save_intersectional(
    session: Session,
    eia: Eia,
    actor: User,
    values: dict,
    characteristic_ids: list[int],
    *,
    impact_id: int | None = None,
    at: datetime | None = None,
    base: EditBase | None = None,
):
    _check_edit(eia, actor, "intersectional")
    if len(set(characteristic_ids)) < 2:
        raise ValueError("an intersectional impact combines at least two characteristics")
    _check_scores(values)
    chars = session.exec(
        select(Characteristic).where(Characteristic.id.in_(characteristic_ids))
    ).all()
    keys = sorted(c.key for c in chars)
    theirs = set()
    if impact_id is None:
        impact = IntersectionalImpact(eia=eia)
        session.add(impact)
    else:
        impact = _child(eia.intersectional_impacts, impact_id)
        row = f"#{impact_id}"
        theirs = _kept_as_others_saved(
            session,
            eia,
            actor,
            "intersectional",
            base,
            {**{(row, name): v for name, v in values.items()}, (row, "characteristics"): keys},
        )
    changes = _apply(
        impact, {k: v for k, v in values.items() if (f"#{impact_id}", k) not in theirs}
    )
    if (f"#{impact_id}", "characteristics") not in theirs and sorted(
        c.key for c in impact.characteristics
    ) != keys:
        changes["characteristics"] = [sorted(c.key for c in impact.characteristics), keys]
        impact.characteristics = list(chars)
    if not changes:
        return None
    session.flush()
    return _record_edit(session, eia, actor, "intersectional", {f"#{impact.id}": changes}, _now(at))


def remove_intersectional(
    session: Session, eia: Eia, actor: User, impact_id: int, *, at: datetime | None = None
):
    """Remove an intersectional impact; an action that mitigated it stays in the plan,
    no longer linked to it."""
    impact = _child(eia.intersectional_impacts, impact_id)
    _check_edit(eia, actor, "intersectional")
    unlinked = []
    for action in eia.actions:
        if action.intersectional_impact_id == impact_id:
            action.intersectional_impact_id = None
            session.add(action)
            unlinked.append(action.id)
    eia.intersectional_impacts.remove(impact)
    session.delete(impact)
    removed = {
        "id": impact_id,
        "description": impact.description,
        "characteristics": sorted(c.key for c in impact.characteristics),
    }
    if unlinked:
        removed["actions_unlinked"] = unlinked
    return _record_edit(session, eia, actor, "intersectional", {"removed": removed}, _now(at))


ENGAGEMENT_FIELDS = ("who", "method", "held_on", "what_they_said", "what_changed")


def _check_engagement_fields(values: dict) -> None:
    stray = set(values) - set(ENGAGEMENT_FIELDS)
    if stray:
        raise ValueError(f"{', '.join(sorted(stray))} not part of an engagement record")


def add_engagement(
    session: Session, eia: Eia, actor: User, values: dict, *, at: datetime | None = None
):
    _check_edit(eia, actor, "engagement")
    _check_engagement_fields(values)
    record = EngagementRecord(eia=eia, **values)
    session.add(record)
    session.flush()
    return _record_edit(
        session,
        eia,
        actor,
        "engagement",
        {"added": {"id": record.id, **{k: _plain(v) for k, v in values.items()}}},
        _now(at),
    )


def update_engagement(
    session: Session,
    eia: Eia,
    actor: User,
    record_id: int,
    values: dict,
    *,
    at: datetime | None = None,
    base: EditBase | None = None,
):
    """Change an engagement record ("you said, we did"); None when nothing changed."""
    record = _child(eia.engagements, record_id)
    _check_edit(eia, actor, "engagement")
    _check_engagement_fields(values)
    changes = _apply_merged(
        session, eia, actor, "engagement", base, record, values, (f"#{record_id}",)
    )
    if not changes:
        return None
    return _record_edit(session, eia, actor, "engagement", {f"#{record.id}": changes}, _now(at))


def remove_engagement(
    session: Session, eia: Eia, actor: User, record_id: int, *, at: datetime | None = None
):
    record = _child(eia.engagements, record_id)
    _check_edit(eia, actor, "engagement")
    eia.engagements.remove(record)
    session.delete(record)
    return _record_edit(
        session,
        eia,
        actor,
        "engagement",
        {"removed": {"id": record_id, "who": record.who, "held_on": _plain(record.held_on)}},
        _now(at),
    )


ACTION_FIELDS = (
    "description",
    "owner_id",
    "due_date",
    "status",
    "impact_id",
    "intersectional_impact_id",
    "completed_on",
)


def save_action(
    session: Session,
    eia: Eia,
    actor: User,
    values: dict,
    *,
    action_id: int | None = None,
    at: datetime | None = None,
    base: EditBase | None = None,
):
    stray = set(values) - set(ACTION_FIELDS)
    if stray:
        raise ValueError(f"{', '.join(sorted(stray))} not part of an action")
    action = _child(eia.actions, action_id) if action_id is not None else None
    _check_edit(eia, actor, "actions", action=action)
    if action is None:
        action = ActionItem(eia=eia, created_in_version=eia.version)
        session.add(action)
        changes = _apply(action, values)
        session.flush()
        changes = {"added": {"id": action.id, **{k: v[1] for k, v in changes.items()}}}
    else:
        changes = _apply_merged(
            session, eia, actor, "actions", base, action, values, (f"#{action.id}",)
        )
        if not changes:
            return None
        changes = {f"#{action.id}": changes}
    return _record_edit(session, eia, actor, "actions", changes, _now(at))


def remove_action(
    session: Session, eia: Eia, actor: User, action_id: int, *, at: datetime | None = None
):
    action = _child(eia.actions, action_id)
    _check_edit(eia, actor, "actions")
    eia.actions.remove(action)
    session.delete(action)
    return _record_edit(
        session,
        eia,
        actor,
        "actions",
        {"removed": {"id": action_id, "description": action.description}},
        _now(at),
    )


def mark_section_complete(
    session: Session,
    eia: Eia,
    actor: User,
    section: str,
    complete: bool,
    *,
    at: datetime | None = None,
):
    """The officer's "I have completed this section" (or takes it back)."""
    _check_edit(eia, actor, section)
    marked = set(eia.completed_sections or [])
    if (section in marked) == complete:
        return None
    marked = marked | {section} if complete else marked - {section}
    eia.completed_sections = sorted(marked)
    return _record_edit(
        session, eia, actor, section, {"completed": [not complete, complete]}, _now(at)
    )


def add_comment(
    session: Session, eia: Eia, actor: User, section: str, body: str, *, at: datetime | None = None
) -> Comment:
    """Authors, approvers and equality officers comment on any section, in any state."""
    if not can_comment(actor, eia):
        raise EditRefused(
            ["Only the EIA's team, its approvers and equality officers can comment on it."],
            forbidden=True,
        )
    if not body.strip():
        raise EditRefused(["Write a comment before saving it."])
    now = _now(at)
    comment = Comment(
        eia=eia, eia_version=eia.version, section=section, author=actor, body=body, created_at=now
    )
    session.add(comment)
    session.flush()
    audit.append(
        session,
        eia=eia,
        actor=actor,
        action="comment",
        event=section,
        from_state=eia.status,
        to_state=eia.status,
        comment=body,
        details={"comment_id": comment.id},
        at=now,
    )
    return comment


def _child(rows, child_id):
    for row in rows:
        if row.id == child_id:
            return row
    raise LookupError(f"no such item {child_id} on this EIA")


def start_due_reviews(session: Session, today: date | None = None) -> list[str]:
    """Move every approved EIA whose review date has come to ``under_review`` (the scheduler's
    job; the caller commits)."""
    now = utcnow() if today is None else datetime.combine(today, time(12), tzinfo=LONDON)
    today = london_date(now)
    due = session.exec(
        select(Eia.id)
        .where(Eia.status == Status.approved, Eia.review_date <= today)
        .order_by(Eia.review_date, Eia.id)
    ).all()
    moved = []
    for eia_id in due:
        eia = session.get(Eia, eia_id)
        try:
            with session.begin_nested():
                transition(session, eia, "start_review", None, at=now)
            moved.append(eia.reference)
        except TransitionRefused:
            continue  # changed under us (a person started the review); nothing to do
        except Exception:  # noqa: BLE001 - one EIA's trouble never holds back the others
            _log.exception(
                "Could not start the review of EIA %s; it is tried again at the next sweep", eia_id
            )
    return moved


# --- historical records brought in from elsewhere (eia.imports) ----------------------------

IMPORTED_STATES = (Status.approved, Status.archived)
IMPORTED_SIGN_OFF = (
    "Imported: approved before this product was used, as the council's records say; not "
    "signed off here."
)


@dataclass(frozen=True)
class HistoricalRecord:
    """An EIA decided before this product, as another system's records give it."""

    reference: str
    service: Service
    owner_id: int
    status: str
    values: dict  # title, decision_maker, decision_date, review_date, outcome,
    # screening_result, published_link
    source: str
    approver_id: int | None = None
    approved_on: date | None = None
    version: int = 1  # the version it is at (an EIA from another installation: any)
    history: list = ()  # its audit trail in another installation, kept in the import record


def import_historical_eias(
    session: Session, actor: User, records: list[HistoricalRecord], *, at: datetime | None = None
) -> dict[str, int]:
    """Add EIAs decided before this product (rows of the council's register) as historical
    records in their state (approved or archived), marked imported, each with its audit
    record (action "import") in the same transaction. Returns {reference: id}.

    They do not go through the lifecycle's events (they were never drafted or signed off
    here) and so cannot be anything but finished records: from then on only the lifecycle
    moves them (a review starts on its review date, like any approved EIA's). They feed
    none of the completion figures (not signed off here: no ``eia_decision``, and
    ``summaries.decisions_from_record`` leaves imported versions out) and no stage spell;
    they are not published in the public register (``published_link`` says where they
    were). Written in batches (thousands of rows: a register of ten years), with the same
    audit records ``audit.append`` would write one by one."""
    if not may(actor, Capability.administer):
        raise EditRefused(["Only administrators import EIAs."], forbidden=True)
    for record in records:
        if record.status not in IMPORTED_STATES:
            raise ValueError(f"an imported EIA is approved or archived, not {record.status}")
    now = _now(at)
    session.flush()
    ids: dict[str, int] = {}
    rows = [_historical_row(r, now) for r in records]
    table = Eia.__table__
    for start in range(0, len(rows), 1000):
        # A plain executemany, then the ids read back by reference: INSERT ... RETURNING of
        # a thousand rows is one huge statement, several times slower on psycopg.
        batch = rows[start : start + 1000]
        session.execute(table.insert(), batch)
        ids.update(
            (reference, eia_id)
            for eia_id, reference in session.execute(
                sa.select(table.c.id, table.c.reference).where(
                    table.c.reference.in_([r["reference"] for r in batch])
                )
            )
        )
    sign_offs = [
        {
            "eia_id": ids[r.reference],
            "eia_version": r.version,
            "approver_id": r.approver_id,
            "decision": SignOffDecision.approved.value,
            "attested": False,
            "late": r.values.get("decision_date") is not None
            and r.approved_on > r.values["decision_date"],
            "late_reason": "",
            "comment": IMPORTED_SIGN_OFF,
            "returned_to": None,
            "signed_at": datetime.combine(r.approved_on, time(12), tzinfo=LONDON),
        }
        for r in records
        if r.approver_id is not None and r.approved_on is not None
    ]
    for start in range(0, len(sign_offs), 1000):
        session.execute(SignOff.__table__.insert(), sign_offs[start : start + 1000])
    audit.append_many(
        session,
        [
            {
                "eia_id": ids[r.reference],
                "eia_version": r.version,
                "action": "import",
                "event": "imported",
                "from_state": None,
                "to_state": r.status,
                "comment": f"Imported from {r.source}",
                "details": {
                    "reference": r.reference,
                    "service": r.service.name,
                    "owner_id": r.owner_id,
                    "approver_id": r.approver_id,
                    "approved_on": _plain(r.approved_on),
                    **{k: _plain(v) for k, v in r.values.items() if v not in (None, "")},
                    **({"history": list(r.history)} if r.history else {}),
                },
            }
            for r in records
        ],
        actor=actor,
        at=now,
    )
    # Written past the ORM (so its flush hooks did not see them): the dashboard's cube
    # counts them now, in the same transaction.
    imported = sorted(ids.values())
    for start in range(0, len(imported), 1000):
        cube.refresh(session.connection(), imported[start : start + 1000], {})
    return ids


def _historical_row(record: HistoricalRecord, now: datetime) -> dict:
    values = record.values
    link = values.get("published_link") or ""
    screening = values.get("screening_result")
    return {
        "reference": record.reference,
        "title": values.get("title") or "",
        "directorate_id": record.service.directorate_id,
        "service_id": record.service.id,
        "owner_id": record.owner_id,
        "decision_maker": values.get("decision_maker") or "",
        "decision_date": values.get("decision_date"),
        "review_date": values.get("review_date"),
        "outcome": values.get("outcome") or None,
        "version": record.version,
        "status": record.status,
        "publishable": False,
        "publishing_reason": "Imported from the council's records as a historical record"
        + (f": published at {link}" if link else "")
        + ".",
        "screening_conclusion": (
            f"Screening (as the council's records say): {screening}" if screening else ""
        ),
        "closing_reason": (
            "Imported as archived: the policy has ended."
            if record.status == Status.archived
            else ""
        ),
        "created_at": now,
        "updated_at": now,
        "status_changed_at": now,
        "imported_at": now,
        "imported_version": record.version,
        "import_source": record.source[:300],
        "published_link": link,
    }

"""Load the demonstration council: Islington's directorates, services and people, and EIAs in
every state of the lifecycle (the data is in ``eia.demo_content``).

Every EIA is played through ``eia.operations`` at backdated times, so its audit trail is
complete and the guards check each step as of the day it happened. The steps of all EIAs
are played in time order, so the audit trail reads as one chronological history.

The directorates, services and people are created through ``eia.admin_operations``, so they
are in the audit trail too (by "System (demo data)", dated before the first EIA).

Loading is idempotent: directorates are found by name, services by directorate and name,
people by email and EIAs by reference; an EIA whose reference exists is skipped entirely.
``load_demo`` adds to the session and flushes; the caller commits once.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, select

from eia import admin_operations as admin_ops
from eia import operations as ops
from eia.demo_content import (
    BUDGET_ROUND,
    DIRECTORATES,
    EIAS,
    EQUALITY,
    LOGINS,
    PEOPLE,
    EiaSpec,
    Impact,
    Step,
)
from eia.models import (
    LONDON,
    Characteristic,
    Directorate,
    Eia,
    Service,
    User,
    london_date,
    utcnow,
)
from eia.models.enums import Role
from eia.passwords import hash_password
from workflows.lifecycle import EVENTS

DEMO_PASSWORD = "challenging-inequality"


@dataclass
class DemoLogin:
    role: str
    name: str
    email: str
    password: str


@dataclass
class DemoResult:
    created_users: int
    created_eias: int
    logins: list[DemoLogin]


def load_demo(session: Session, *, today: date | None = None) -> DemoResult:
    today = today or london_date(utcnow())
    first_day = min(step.day for spec in EIAS for step in spec.history)
    since = _moment(today, first_day - 30)  # the council was set up before the first EIA
    directorates, services = _ensure_organisation(session, since=since)
    people, created_users = _ensure_people(session, directorates, services, since=since)
    done = set(
        session.exec(
            select(Eia.reference).where(Eia.reference.in_([s.reference for s in EIAS]))
        ).all()
    )
    characteristics = {c.key: c for c in session.exec(select(Characteristic)).all()}
    runs = [
        _Run(session, spec, index, today, people, services, characteristics)
        for index, spec in enumerate(EIAS)
        if spec.reference not in done
    ]
    timeline = sorted((item for run in runs for item in run.schedule()), key=lambda item: item[:3])
    for when, _, _, run, step in timeline:
        run.apply(step, when)
    session.flush()
    # Other boroughs' practice feeds, for the pan-London comparison (eia/standard/demo.py).
    from eia.standard.demo import load_boroughs

    load_boroughs(session, admin_ops.DEMO_DATA, today)
    session.flush()
    logins = [
        DemoLogin(role, people[email].name, email, DEMO_PASSWORD) for role, email in LOGINS.items()
    ]
    return DemoResult(created_users=created_users, created_eias=len(runs), logins=logins)


# --- the organisation and its people ---------------------------------------------------------


def _ensure_organisation(
    session: Session, *, since: datetime
) -> tuple[dict[str, Directorate], dict[tuple[str, str], Service]]:
    """Find or create every directorate and service: directorates by name, services by
    (directorate, name). What is created goes through the admin operations, so it is in
    the audit trail like an administrator's change."""
    directorates, services = {}, {}
    for directorate_name, service_names in DIRECTORATES.items():
        directorate = session.exec(
            select(Directorate).where(Directorate.name == directorate_name)
        ).first()
        if directorate is None:
            directorate = admin_ops.create_directorate(
                session, admin_ops.DEMO_DATA, directorate_name, at=since
            )
        directorates[directorate_name] = directorate
        for name in service_names:
            service = session.exec(
                select(Service).where(
                    Service.directorate_id == directorate.id, Service.name == name
                )
            ).first()
            if service is None:
                service = admin_ops.create_service(
                    session, admin_ops.DEMO_DATA, directorate, name, at=since
                )
            services[directorate_name, name] = service
    return directorates, services


def _ensure_people(
    session: Session, directorates, services, *, since: datetime
) -> tuple[dict[str, User], int]:
    """Find people by email, or create them with the demo password; officers belong to a
    service, approvers to a directorate (and a head of service to a service as well)."""
    emails = [p.email for p in PEOPLE]
    people = {u.email: u for u in session.exec(select(User).where(User.email.in_(emails)))}
    created = 0
    for person in PEOPLE:
        if person.email in people:
            continue
        service = services[person.directorate, person.service] if person.service else None
        directorate = directorates[person.directorate] if person.role == Role.approver else None
        user = admin_ops.create_user(
            session,
            admin_ops.DEMO_DATA,
            email=person.email,
            name=person.name,
            role=person.role,
            service_id=service.id if service else None,
            directorate_id=directorate.id if directorate else None,
            password_hash=hash_password(DEMO_PASSWORD),
            at=since,
        )
        people[person.email] = user
        created += 1
    session.flush()
    return people, created


# --- time ------------------------------------------------------------------------------------


def _moment(today: date, day: int, minutes: int = 0) -> datetime:
    """``minutes`` past 9am London time, ``day`` days from today, as aware UTC."""
    local = datetime.combine(today + timedelta(days=day), time(9, 0), tzinfo=LONDON)
    return (local + timedelta(minutes=minutes)).astimezone(UTC)


def budget_round(today: date) -> str:
    """The budget being prepared: Full Council sets it each February for the year from April."""
    year = today.year + (1 if today.month >= 3 else 0)
    return f"Budget {year}/{(year + 1) % 100:02d}"


_DATE_FIELDS = {
    "decision_date",
    "review_date",
    "due_date",
    "completed_on",
    "held_on",
    "next_review_date",
}


# --- playing one EIA's history ---------------------------------------------------------------

# Who does a step when the step does not say: its owner, except for these.
_DEFAULT_ACTOR = {
    "approve": "approver",
    "return": "approver",
    "confirm_review": "approver",
    "archive": "approver",
    "comment": "equality",
}


class _Run:
    """Plays one EIA spec through the operations, step by step."""

    def __init__(self, session, spec: EiaSpec, index, today, people, services, characteristics):
        self.session, self.spec, self.index, self.today = session, spec, index, today
        self.people = people
        self.service = services[spec.directorate, spec.service]
        self.owner = people[spec.owner]
        self.approver = next(
            people[p.email]
            for p in PEOPLE
            if p.role == Role.approver and p.directorate == spec.directorate
        )
        self.chars = characteristics
        self.eia: Eia | None = None
        self.action_ids: dict[int, int] = {}
        self.intersectional_ids: dict[int, int] = {}

    def schedule(self):
        """(when, EIA index, step index, run, step) for each step, in the EIA's own order:
        steps on the same day are a few minutes apart, from a start time that differs by EIA."""
        per_day = Counter()
        start = (self.index * 23) % 240
        for position, step in enumerate(sorted(self.spec.history, key=lambda s: s.day)):
            if step.day >= 0:
                raise ValueError(f"{self.spec.reference}: step {step.do!r} is not in the past")
            when = _moment(self.today, step.day, start + 11 * per_day[step.day])
            per_day[step.day] += 1
            yield when, self.index, position, self, step

    def apply(self, step: Step, when: datetime) -> None:
        handler = getattr(self, f"_do_{step.do}", None)
        if handler is not None:
            handler(step, when)
        elif step.do in EVENTS:
            self._event(step, when)
        else:
            raise ValueError(f"{self.spec.reference}: no such demo step {step.do!r}")

    # -- helpers

    def _actor(self, step: Step) -> User | None:
        who = step.args.get("by") or _DEFAULT_ACTOR.get(step.do, "owner")
        named = {
            "scheduler": None,
            "owner": self.owner,
            "approver": self.approver,
            "equality": self.people[EQUALITY],
        }
        return named[who] if who in named else self.people[who]

    def _values(self, values: dict) -> dict:
        """Day numbers become dates; the budget-round marker becomes this year's round."""
        out = {}
        for name, value in values.items():
            if name in _DATE_FIELDS and isinstance(value, int):
                value = self.today + timedelta(days=value)
            elif value is BUDGET_ROUND:
                value = budget_round(self.today)
            out[name] = value
        return out

    def _chosen(self, step: Step, items):
        """The (key, item) pairs a step applies to: all, or those named in ``only``."""
        only = step.args.get("only")
        return [(key, item) for key, item in items if only is None or key in only]

    def _impact_id(self, key: str) -> int:
        char_id = self.chars[key].id
        return next(i.id for i in self.eia.impacts if i.characteristic_id == char_id)

    # -- the sections

    def _do_create(self, step, when):
        self.eia = ops.create_eia(
            self.session,
            self._actor(step),
            service=self.service,
            at=when,
            reference=self.spec.reference,
            title=self.spec.title,
        )

    def _do_proposal(self, step, when):
        values = self._values({**self.spec.proposal, **step.args.get("changes", {})})
        ops.update_eia(self.session, self.eia, "proposal", self._actor(step), values, at=when)

    def _do_screening(self, step, when):
        answers = {
            self.chars[key].id: answer
            for key, answer in self._chosen(step, self.spec.screening.items())
            if key in self.chars
        }
        if "only" not in step.args:  # characteristics the council added itself
            for c in self.chars.values():
                if c.active and c.key not in self.spec.screening:
                    answers[c.id] = (
                        "not_relevant",
                        "Considered at screening: no particular "
                        "impact on this group was identified.",
                    )
        ops.save_screening(self.session, self.eia, self._actor(step), answers, at=when)

    def _do_evidence(self, step, when):
        self._save_impacts(step, when, "evidence", _evidence_values)

    def _do_impacts(self, step, when):
        self._save_impacts(step, when, "impacts", _impact_values)

    def _save_impacts(self, step, when, section, values_of):
        changes = step.args.get("changes", {})
        for key, impact in self._chosen(step, self.spec.impacts.items()):
            if key not in self.chars:
                continue
            values = {**values_of(impact), **changes.get(key, {})}
            ops.save_impact(
                self.session,
                self.eia,
                self._actor(step),
                self.chars[key].id,
                values,
                section=section,
                at=when,
            )

    def _do_intersectional(self, step, when):
        for n, combo in self._chosen(step, enumerate(self.spec.intersectional)):
            ids = [self.chars[k].id for k in combo.characteristics if k in self.chars]
            values = {
                "description": combo.description,
                **_impact_values(combo.impact),
                **_evidence_values(combo.impact),
            }
            ops.save_intersectional(self.session, self.eia, self._actor(step), values, ids, at=when)
            self.intersectional_ids[n] = max(
                x.id for x in self.eia.intersectional_impacts if x.description == combo.description
            )

    def _do_engagement(self, step, when):
        for _, record in self._chosen(step, enumerate(self.spec.engagement)):
            values = self._values(
                dict(
                    who=record.who,
                    method=record.method,
                    held_on=record.held_on,
                    what_they_said=record.said,
                    what_changed=record.changed,
                )
            )
            if values["held_on"] > london_date(when):
                raise ValueError(
                    f"{self.spec.reference}: engagement with {record.who!r} is "
                    "recorded before it was held"
                )
            ops.add_engagement(self.session, self.eia, self._actor(step), values, at=when)

    def _do_actions(self, step, when):
        actor = self._actor(step)
        for n, action in self._chosen(step, enumerate(self.spec.actions)):
            owner = self.people[action.owner] if action.owner else self.owner
            values = self._values(
                dict(owner_id=owner.id, due_date=action.due, status=action.status)
            )
            if action.from_gap:  # the action the evidence gap raised: plan it
                impact_id = self._impact_id(action.from_gap)
                raised = next(
                    a for a in self.eia.actions if a.from_evidence_gap and a.impact_id == impact_id
                )
                ops.save_action(self.session, self.eia, actor, values, action_id=raised.id, at=when)
                self.action_ids[n] = raised.id
                continue
            values["description"] = action.description
            if action.impact:
                values["impact_id"] = self._impact_id(action.impact)
            if action.intersectional is not None:
                values["intersectional_impact_id"] = self.intersectional_ids[action.intersectional]
            ops.save_action(self.session, self.eia, actor, values, at=when)
            self.action_ids[n] = max(
                a.id for a in self.eia.actions if a.description == action.description
            )

    def _do_progress(self, step, when):
        """The action's owner updates its status (``n`` is its place in the spec)."""
        action_id = self.action_ids[step.args["n"]]
        action = next(a for a in self.eia.actions if a.id == action_id)
        values = {"status": step.args["status"]}
        if values["status"] == "done":
            values["completed_on"] = london_date(when)
        actor = self.session.get(User, action.owner_id) if action.owner_id else self.owner
        ops.save_action(self.session, self.eia, actor, values, action_id=action_id, at=when)

    def _do_outcome(self, step, when):
        values = self._values({**self.spec.outcome, **step.args.get("changes", {})})
        ops.update_eia(self.session, self.eia, "outcome", self._actor(step), values, at=when)

    def _do_comment(self, step, when):
        ops.add_comment(
            self.session,
            self.eia,
            self._actor(step),
            step.args.get("section", "general"),
            step.args["body"],
            at=when,
        )

    def _event(self, step, when):
        inputs = self._values({k: v for k, v in step.args.items() if k != "by"})
        if step.do == "approve":
            inputs["attested"] = True
        ops.transition(self.session, self.eia, step.do, self._actor(step), at=when, **inputs)


def _impact_values(impact: Impact) -> dict:
    residual = impact.residual or impact.inherent
    return {
        "direction": impact.direction,
        "aim_discrimination": "discrimination" in impact.aims,
        "aim_opportunity": "opportunity" in impact.aims,
        "aim_relations": "relations" in impact.aims,
        "inherent_likelihood": impact.inherent[0],
        "inherent_severity": impact.inherent[1],
        "residual_likelihood": residual[0],
        "residual_severity": residual[1],
        "mitigation": impact.mitigation,
    }


def _evidence_values(impact: Impact) -> dict:
    return {
        "evidence": impact.evidence,
        "evidence_gap": bool(impact.gap),
        "evidence_gap_reason": impact.gap,
    }

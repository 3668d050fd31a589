"""Importing an EIA exported from another installation (``eia-document/1``, the JSON of
``/eias/<reference>.json``) as a historical record: the EIA's round trip between
installations (`eia import document FILE.json`).

``check`` reads the document against this installation and lists every problem (the same
``Problem`` as the register's dry run; ``column`` names the part of the document), writing
nothing; ``import_document`` adds it as one operation: people it names who are not here
(inactive, as the register import adds them), then the EIA through
``eia.operations.import_historical_eias`` with every section the document holds (proposal,
screening, impacts and intersectional impacts, engagement, actions, outcome, sign-offs),
and its history from the other installation kept, word for word, in its import record.
Importing the same document again changes nothing."""

import json
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, select

from eia import operations as ops
from eia.models import (
    ActionItem,
    Characteristic,
    Directorate,
    Eia,
    EngagementRecord,
    ImpactAssessment,
    IntersectionalImpact,
    ScreeningAnswer,
    Service,
    SignOff,
    User,
)
from eia.models.enums import ActionStatus, Direction, Outcome, Relevance, Role, SignOffDecision
from eia.reporting import page_summaries
from workflows.lifecycle import Status

from .register import People, PersonToAdd, Problem, name_key

SCHEMA = "eia-document/1"
# The states a document may be in, and the state it is imported in.
STATES = {
    Status.approved: Status.approved,
    Status.under_review: Status.approved,  # its review starts again here, on its date
    Status.archived: Status.archived,
}


@dataclass
class DocumentPlan:
    doc: dict
    problems: list[Problem] = field(default_factory=list)
    unchanged: bool = False
    service: Service | None = None
    status: str | None = None
    people: dict[str, PersonToAdd] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # a name in the document -> person key
    characteristics: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def parse(content: bytes) -> dict:
    try:
        doc = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValueError("The file is not JSON: choose an EIA downloaded as JSON") from exc
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        raise ValueError(f"The file is not an EIA exported as {SCHEMA}")
    return doc


def _problem(plan: DocumentPlan, part: str, what: str, todo: str) -> None:
    plan.problems.append(Problem(0, part, what, todo))


def check(session: Session, doc: dict) -> DocumentPlan:
    plan = DocumentPlan(doc=doc)
    try:
        _check(session, plan)
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        _problem(
            plan,
            "the document",
            f"It is not a complete {SCHEMA} document ({exc})",
            "Export the EIA again from the other installation and import that file",
        )
    return plan


def _check(session: Session, plan: DocumentPlan) -> None:
    doc = plan.doc
    reference = str(doc["reference"])
    existing = session.exec(select(Eia.imported_at).where(Eia.reference == reference)).first()
    if (
        existing is not None
        or session.exec(select(Eia.id).where(Eia.reference == reference)).first()
    ):
        if existing is not None:
            plan.unchanged = True
            return
        _problem(
            plan,
            "reference",
            f"An EIA made here already has the reference {reference}",
            "It cannot be imported under the same reference",
        )
    plan.status = STATES.get(doc["state"])
    if plan.status is None:
        _problem(
            plan,
            "state",
            f"It is {doc['state_label'].lower()} in its installation: only "
            "an approved, under review or archived EIA is a record to import",
            "Import it once it has been approved there",
        )
    proposal = doc["proposal"]
    if not proposal["owner"]:
        _problem(
            plan,
            "owner",
            "The document names no owner",
            "Export it again from an installation that shows its owner",
        )
    directorate = next(
        (
            d
            for d in session.exec(select(Directorate)).all()
            if name_key(d.name) == name_key(proposal["directorate"] or "")
        ),
        None,
    )
    if directorate is None:
        _problem(
            plan,
            "directorate",
            f"There is no directorate called “{proposal['directorate']}”",
            "Add it under Manage, Directorates and services, or rename it, then try again",
        )
    else:
        plan.service = next(
            (
                s
                for s in session.exec(
                    select(Service).where(Service.directorate_id == directorate.id)
                ).all()
                if name_key(s.name) == name_key(proposal["service"] or "")
            ),
            None,
        )
        if plan.service is None:
            _problem(
                plan,
                "service",
                f"{directorate.name} has no service called “{proposal['service']}”",
                "Add it under Manage, Directorates and services, then try again",
            )
    names = {name_key(c.name): c.id for c in session.exec(select(Characteristic)).all()}
    wanted = {a["characteristic"] for a in doc["screening"]["answers"]}
    wanted |= {i["characteristic"] for i in doc["impacts"]}
    wanted |= {c for x in doc["intersectional_impacts"] for c in x["characteristics"]}
    for name in sorted(wanted):
        if name_key(name) in names:
            plan.characteristics[name] = names[name_key(name)]
        else:
            _problem(
                plan,
                "characteristics",
                f"There is no characteristic called “{name}”",
                "Add it under Manage, Characteristics and guidance, then try again",
            )
    people = People(session, _Keep(plan))
    roles = [(proposal["owner"], Role.officer)]
    roles += [(s["approver"], Role.approver) for s in doc["sign_offs"]]
    roles += [(a["owner"], Role.officer) for a in doc["actions"] if a["owner"]]
    for name, role in roles:
        if not name or name in plan.names:
            continue
        service_id = plan.service.id if plan.service else None
        key = people.find(
            _Note(plan, "people"),
            "people",
            role,
            service_id,
            directorate.id if directorate else None,
            name,
        )
        if key:
            plan.names[name] = key


class _Keep:
    """What register.People needs of a plan: where to put the people to add."""

    def __init__(self, plan: DocumentPlan):
        self.people = plan.people


class _Note:
    """What register.People needs of a row: where to note a problem."""

    def __init__(self, plan: DocumentPlan, part: str):
        self.plan, self.part = plan, part

    def raw(self, _key_):
        return None

    def problem(self, _key_, what, todo):
        _problem(self.plan, self.part, what, todo)


def _day(value) -> date | None:
    return date.fromisoformat(value) if value else None


def _when(value) -> datetime:
    return datetime.fromisoformat(value)


def import_document(session: Session, actor: User, plan: DocumentPlan, *, filename: str):
    """Add the checked document as one operation (the caller commits once); None when it
    was imported before (nothing changes)."""
    if not plan.ok:
        raise ops.EditRefused([f"{len(plan.problems)} problems: nothing imported"])
    if plan.unchanged:
        return None
    from eia import admin_operations as admin_ops

    doc = plan.doc
    source = f"another installation's {SCHEMA} export {filename[:100]}"
    ids = {}
    for key, person in plan.people.items():
        ids[key] = admin_ops.add_imported_person(
            session,
            actor,
            name=person.name,
            email=person.email,
            role=person.role,
            service_id=person.service_id,
            directorate_id=person.directorate_id,
            source=source,
        ).id

    def who(name):
        key = plan.names.get(name) if name else None
        if key is None:
            return None
        return int(key[3:]) if key.startswith("id:") else ids[key]

    proposal, outcome = doc["proposal"], doc["outcome"]
    record = ops.HistoricalRecord(
        reference=str(doc["reference"]),
        service=plan.service,
        owner_id=who(proposal["owner"]),
        status=plan.status,
        values={
            "title": doc["title"],
            "decision_maker": proposal["decision_maker"],
            "decision_date": _day(proposal["decision_date"]),
            "review_date": _day(proposal["review_date"]),
            "outcome": outcome["code"] if outcome["code"] in set(Outcome) else None,
        },
        source=source,
        version=int(doc["version"]),
        history=doc.get("history") or [],
    )
    eia_id = ops.import_historical_eias(session, actor, [record])[record.reference]
    eia = session.get(Eia, eia_id)
    _sections(session, eia, doc, plan, who)
    session.flush()
    page_summaries.keep(session, eia)  # the rows just written, as the pages read them
    return eia


def _sections(session, eia, doc, plan, who) -> None:
    """Every section the document holds, on the imported EIA (no audit record of its own:
    the import record says where they came from)."""
    proposal, outcome = doc["proposal"], doc["outcome"]
    eia.summary = proposal["summary"] or ""
    eia.proposal_type = proposal["proposal_type"]
    eia.affects = list(proposal["affects"] or [])
    eia.decision_type = proposal["decision_type"]
    eia.decision_round = proposal["decision_round"]
    eia.screening_conclusion = doc["screening"]["conclusion"] or ""
    eia.outcome_reason = outcome["reason"] or ""
    justification = outcome["justification"] or {}
    eia.justification_legitimate_aim = justification.get("legitimate_aim") or ""
    eia.justification_less_harmful = justification.get("less_harmful") or ""
    eia.justification_proportionate = justification.get("proportionate") or ""
    session.add(eia)
    for a in doc["screening"]["answers"]:
        relevance = a["relevance"] if a["relevance"] in set(Relevance) else None
        session.add(
            ScreeningAnswer(
                eia_id=eia.id,
                characteristic_id=plan.characteristics[a["characteristic"]],
                relevance=relevance,
                reason=a["reason"] or "",
            )
        )
    for i in doc["impacts"]:
        session.add(
            ImpactAssessment(
                eia_id=eia.id,
                characteristic_id=plan.characteristics[i["characteristic"]],
                **_scored(i),
            )
        )
    for x in doc["intersectional_impacts"]:
        impact = IntersectionalImpact(
            eia_id=eia.id, description=x["description"] or "", **_scored(x)
        )
        impact.characteristics = [
            session.get(Characteristic, plan.characteristics[c]) for c in x["characteristics"]
        ]
        session.add(impact)
    for e in doc["engagement"]:
        session.add(
            EngagementRecord(
                eia_id=eia.id,
                who=e["who"] or "",
                method=e["method"] or "",
                held_on=_day(e["held_on"]),
                what_they_said=e["what_they_said"] or "",
                what_changed=e["what_changed"] or "",
            )
        )
    for a in doc["actions"]:
        status = a["status"] if a["status"] in set(ActionStatus) else ActionStatus.proposed
        session.add(
            ActionItem(
                eia_id=eia.id,
                description=a["description"] or "",
                owner_id=who(a["owner"]),
                due_date=_day(a["due_date"]),
                status=status,
                from_evidence_gap=bool(a["from_evidence_gap"]),
                created_in_version=eia.version,
            )
        )
    for s in doc["sign_offs"]:
        approver = who(s["approver"])
        if approver is None or s["decision"] not in set(SignOffDecision):
            continue
        session.add(
            SignOff(
                eia_id=eia.id,
                eia_version=int(s["version"]),
                approver_id=approver,
                decision=s["decision"],
                attested=bool(s["attested"]),
                late=bool(s["late"]),
                late_reason=s["late_reason"] or "",
                comment=s["comment"] or "",
                signed_at=_when(s["signed_at"]),
            )
        )


def _scored(i: dict) -> dict:
    aims = i["aims"] or {}
    direction = i["direction"] if i["direction"] in set(Direction) else None
    return {
        "direction": direction,
        "aim_discrimination": bool(aims.get("eliminate_discrimination")),
        "aim_opportunity": bool(aims.get("advance_equality_of_opportunity")),
        "aim_relations": bool(aims.get("foster_good_relations")),
        "inherent_likelihood": i["inherent"]["likelihood"],
        "inherent_severity": i["inherent"]["severity"],
        "residual_likelihood": i["residual"]["likelihood"],
        "residual_severity": i["residual"]["severity"],
        "evidence": i["evidence"] or "",
        "evidence_gap": bool(i["evidence_gap"]),
        "evidence_gap_reason": i["evidence_gap_reason"] or "",
        "mitigation": i["mitigation"] or "",
    }

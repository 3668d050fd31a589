"""Importing a council's existing register of EIAs (CSV or Excel) as historical records.

Three steps, each its own page (eia/web/imports.py) and the same on the command line
(`eia import register FILE --dry-run`):

1. **columns**: ``read_table`` finds the header row (merged and two-row headers put
   together) and ``guess_mapping`` which column holds each field, from the header's words;
   the person confirms or changes it;
2. **dry run**: ``check`` reads every row against the database and lists every problem in
   plain words (row, column, what is wrong, what to do), writing nothing;
3. **import**: ``import_register`` brings in the checked rows as ONE operation: people not
   found are added inactive, each EIA is added as a historical record by
   ``eia.operations.import_historical_eia`` (its audit record in the same transaction), and
   one administration record says what file was imported. The caller commits once: all of
   it, or, if anything is wrong, none of it.

A row whose reference is already an imported EIA here is left as it is, so importing the
same file again changes nothing. A reference used by an EIA made here is a problem.
"""

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, select

from eia import admin_operations as admin_ops
from eia import operations as ops
from eia.models import Directorate, Eia, Service, User
from eia.models.enums import Outcome, Role
from workflows.lifecycle import Status

from .dates import EARLIEST, LATEST, NotADate, parse_date
from .table import Column, FileRefused, Table, read_table, words

__all__ = ["FileRefused", "read", "guess_mapping", "check", "import_register"]


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    required: bool
    synonyms: tuple[str, ...]
    hint: str = ""


FIELDS = (
    Field(
        "reference",
        "Reference",
        True,
        (
            "reference",
            "ref",
            "eia reference",
            "eia ref",
            "ref no",
            "reference number",
            "eia number",
            "eia no",
            "id",
            "eia id",
        ),
    ),
    Field(
        "title",
        "Title",
        True,
        (
            "title",
            "eia title",
            "name of proposal",
            "proposal",
            "proposal title",
            "policy",
            "policy title",
            "name",
            "subject",
        ),
    ),
    Field(
        "directorate",
        "Directorate",
        True,
        ("directorate", "department", "dept", "directorate name"),
    ),
    Field("service", "Service", True, ("service", "service area", "team", "service name")),
    Field(
        "lead_officer",
        "Lead officer",
        True,
        (
            "lead officer",
            "officer",
            "lead",
            "author",
            "owner",
            "completed by",
            "responsible officer",
            "lead officer email",
            "contact officer",
        ),
    ),
    Field(
        "decision_date",
        "Decision date",
        False,
        (
            "decision date",
            "date of decision",
            "committee date",
            "decision due",
            "date decision made",
        ),
    ),
    Field(
        "decision_maker",
        "Decision maker",
        False,
        ("decision maker", "decided by", "decision taker", "decision making body", "committee"),
    ),
    Field(
        "screening_result",
        "Screening result",
        False,
        (
            "screening result",
            "screening",
            "screening outcome",
            "screening decision",
            "full eia required",
            "full assessment required",
        ),
    ),
    Field("outcome", "Outcome", False, ("outcome", "eia outcome", "result", "conclusion")),
    Field(
        "approved_by",
        "Approved by",
        False,
        (
            "approved by",
            "signed off by",
            "approver",
            "approved by on",
            "approved by and on",
            "sign off",
            "signed off",
        ),
    ),
    Field(
        "approved_on",
        "Approved on",
        False,
        (
            "approved on",
            "date approved",
            "approval date",
            "signed off on",
            "sign off date",
            "approved date",
            "date signed off",
            "approved",
        ),
    ),
    Field(
        "review_date",
        "Review date",
        False,
        (
            "review date",
            "next review",
            "next review date",
            "date of review",
            "review",
            "review due",
        ),
    ),
    Field(
        "published_link",
        "Published link",
        False,
        (
            "published link",
            "link",
            "url",
            "web link",
            "published",
            "publication link",
            "link to published eia",
        ),
    ),
    Field(
        "status",
        "Status",
        False,
        ("status", "state", "current status"),
        "approved (the default) or archived",
    ),
)
FIELD_BY_KEY = {f.key: f for f in FIELDS}
REQUIRED = tuple(f.key for f in FIELDS if f.required)
_SYNONYMS = {f.key: {" ".join(words(s)) for s in f.synonyms} for f in FIELDS}


def _score(label: str, key: str) -> int:
    """3: the header is one of the field's names; 2: it contains a name of several words;
    0: neither."""
    text = " ".join(words(label))
    if not text:
        return 0
    names = _SYNONYMS[key]
    if text in names:
        return 3
    padded = f" {text} "
    return 2 if any(" " in n and f" {n} " in padded for n in names) else 0


def known(label: str, best: bool = False):
    """How well ``label`` names one of the fields (0: none); with ``best``, which one."""
    score, key = max((_score(label, f.key), f.key) for f in FIELDS)
    return key if best else score


def read(filename: str, content: bytes) -> Table:
    return read_table(filename, content, known)


def guess_mapping(columns: list[Column]) -> dict[str, int | None]:
    """The column that most likely holds each field (by the words of its header), each
    column used once; None where no header fits."""
    pairs = sorted(
        (
            (-_score(c.label, f.key), n, c.index, f.key)
            for n, f in enumerate(FIELDS)
            for c in columns
            if _score(c.label, f.key)
        ),
    )
    mapping: dict[str, int | None] = {f.key: None for f in FIELDS}
    used = set()
    for _rank, _n, index, key in pairs:
        if mapping[key] is None and index not in used:
            mapping[key] = index
            used.add(index)
    return mapping


# --- the dry run ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    row: int  # the row's number in the file (0: the file as a whole)
    column: str  # the column's header as the file has it ("" for the row as a whole)
    what: str  # what is wrong
    todo: str  # what to do


@dataclass
class PersonToAdd:
    name: str
    email: str
    role: str
    service_id: int | None = None
    directorate_id: int | None = None


@dataclass
class RowToImport:
    row: int
    reference: str
    service_id: int
    owner: str  # a key of Plan.people or "id:<n>"
    status: str
    values: dict
    approver: str | None = None
    approved_on: date | None = None


@dataclass
class Plan:
    problems: list[Problem] = field(default_factory=list)
    rows: list[RowToImport] = field(default_factory=list)
    unchanged: list[tuple[int, str]] = field(default_factory=list)  # already imported
    people: dict[str, PersonToAdd] = field(default_factory=dict)  # to add, inactive
    skipped_blank: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


OUTCOME_WORDS = {
    Outcome.no_major_change: ("no major change", "no change", "no major changes"),
    Outcome.adjust: ("adjust", "adjust the proposal", "adjust policy", "amend"),
    Outcome.continue_despite_adverse: (
        "continue",
        "continue despite adverse impact",
        "justify and continue",
        "continue the policy",
    ),
    Outcome.stop: ("stop", "stop and remove", "stop and remove the proposal", "remove"),
}
STATUS_WORDS = {
    Status.approved: (
        "approved",
        "current",
        "in force",
        "live",
        "active",
        "signed off",
        "complete",
        "completed",
        "published",
    ),
    Status.archived: (
        "archived",
        "ended",
        "closed",
        "expired",
        "superseded",
        "no longer in force",
        "inactive",
    ),
}
SCREENED_OUT = (
    "screened out",
    "screening only",
    "no",
    "not required",
    "not relevant",
    "no full eia",
    "no full assessment",
    "screening",
)
FULL = ("full", "full assessment", "full eia", "yes", "required", "relevant", "full eqia")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a reference typed as a number: 12, not 12.0
    if hasattr(value, "isoformat") and not isinstance(value, str):
        value = value.isoformat()
    return " ".join(str(value).split())


def name_key(text: str) -> str:
    return " ".join(words(text))


class _RowCheck:
    """Reads one row's cells through the mapping, noting each problem."""

    def __init__(self, plan: Plan, columns: dict[int, str], mapping: dict, number: int, cells):
        self.plan, self.columns, self.mapping = plan, columns, mapping
        self.number, self.cells = number, cells
        self.failed = False

    def column(self, key: str) -> str:
        index = self.mapping.get(key)
        return self.columns.get(index, FIELD_BY_KEY[key].label) if index is not None else ""

    def raw(self, key: str):
        index = self.mapping.get(key)
        return self.cells[index] if index is not None and index < len(self.cells) else None

    def text(self, key: str, limit: int) -> str:
        value = _text(self.raw(key))
        if FIELD_BY_KEY[key].required and not value:
            self.problem(
                key,
                f"The {FIELD_BY_KEY[key].label.lower()} is blank",
                f"Fill in the {FIELD_BY_KEY[key].label.lower()}, or remove the row",
            )
        if len(value) > limit:
            self.problem(
                key,
                f"The {FIELD_BY_KEY[key].label.lower()} is {len(value)} characters"
                f" long; at most {limit} can be kept",
                "Shorten it",
            )
        return value

    def date(self, key: str) -> date | None:
        value = self.raw(key)
        try:
            return parse_date(value)
        except NotADate:
            shown = _text(value)[:40]
            self.problem(
                key,
                f"“{shown}” is not a date between {EARLIEST.year} and {LATEST.year}",
                "Write the date as 31/03/2025 (day, month, year), or leave it blank",
            )
            return None

    def problem(self, key: str | None, what: str, todo: str) -> None:
        self.failed = True
        self.plan.problems.append(Problem(self.number, self.column(key) if key else "", what, todo))


class People:
    """Who each name or email address is: someone here, or a person to add (inactive)."""

    def __init__(self, session: Session, plan: Plan):
        self.plan = plan
        users = session.exec(select(User.id, User.name, User.email)).all()
        self.by_email = {e.lower(): i for i, _n, e in users}
        self.by_name: dict[str, list[int]] = {}
        for i, n, _e in users:
            self.by_name.setdefault(name_key(n), []).append(i)
        self.emails = set(self.by_email)

    def find(
        self, check: _RowCheck, key: str, role: str, service_id, directorate_id, text=None
    ) -> str | None:
        text = _text(check.raw(key)) if text is None else text
        if not text:
            return None
        if len(text) > 200:
            check.problem(key, "The name is longer than 200 characters", "Shorten it")
            return None
        name, email = _name_and_email(text)
        if email:
            if email in self.by_email:
                return f"id:{self.by_email[email]}"
            return self._to_add(
                name or email.split("@")[0], email, role, service_id, directorate_id
            )
        found = self.by_name.get(name_key(name), [])
        if len(found) > 1:
            check.problem(
                key,
                f"{len(found)} people here are called “{name}”",
                "Give their email address instead of their name",
            )
            return None
        if found:
            return f"id:{found[0]}"
        return self._to_add(name, None, role, service_id, directorate_id)

    def _to_add(self, name, email, role, service_id, directorate_id) -> str:
        key = f"email:{email}" if email else f"name:{name_key(name)}"
        if key not in self.plan.people:
            if email is None:
                email = self._placeholder(name)
            self.plan.people[key] = PersonToAdd(
                name=name,
                email=email,
                role=role,
                service_id=service_id if role == Role.officer else None,
                directorate_id=directorate_id if role == Role.approver else None,
            )
        return key

    def _placeholder(self, name: str) -> str:
        """An address that can never receive mail (RFC 2606's .invalid), until an
        administrator gives the person their own."""
        slug = "-".join(words(name))[:60] or "person"
        email, n = f"{slug}@imported.invalid", 1
        while email in self.emails:
            n += 1
            email = f"{slug}-{n}@imported.invalid"
        self.emails.add(email)
        return email


def _name_and_email(text: str) -> tuple[str, str | None]:
    """ "Ann Officer <ann@council.gov.uk>", "ann@council.gov.uk" or "Ann Officer"."""
    match = re.search(r"<?([^<>\s,;]+@[^<>\s,;]+)>?", text)
    if match and _EMAIL.match(match.group(1)):
        email = match.group(1).lower()
        name = " ".join(text.replace(match.group(0), " ").split()).strip(" ,;-()")
        return name, email
    return text, None


def _split_approval(text: str) -> tuple[str, str]:
    """ "Jo Director, 31/03/2025" or "Jo Director on 31 March 2025": who, and the date."""
    match = re.match(r"^(.*?)(?:,|\bon\b|\s-\s|;)\s*([^,;]*\d[^,;]*)$", text)
    if match:
        try:
            if parse_date(match.group(2).strip()):
                return match.group(1).strip(), match.group(2).strip()
        except NotADate:
            pass
    return text, ""


def _choice(text: str, table: dict) -> str | None:
    key = name_key(text)
    for value, names in table.items():
        if key == str(value) or key in {" ".join(words(n)) for n in names}:
            return value
    return None


def _outcome(text: str) -> str | None:
    key = name_key(text)
    match = re.fullmatch(r"(?:outcome )?([1-4])(?: .*)?", key)
    if match:
        return match.group(1)
    return _choice(text, OUTCOME_WORDS)


class _Org:
    def __init__(self, session: Session):
        self.directorates = {name_key(d.name): d for d in session.exec(select(Directorate)).all()}
        self.services: dict[tuple[int, str], Service] = {
            (s.directorate_id, name_key(s.name)): s for s in session.exec(select(Service)).all()
        }


def check(session: Session, table: Table, mapping: dict[str, int | None]) -> Plan:
    """The dry run: every row read and checked against the database; nothing written."""
    plan = Plan()
    columns = {c.index: c.label for c in table.columns}
    missing = [FIELD_BY_KEY[k].label for k in REQUIRED if mapping.get(k) is None]
    if missing:
        plan.problems.append(
            Problem(
                0,
                "",
                f"No column is chosen for: {', '.join(missing)}",
                "Go back to the columns step and choose them",
            )
        )
        return plan
    org, people = _Org(session), People(session, plan)
    references = _references(session, table, mapping)
    seen: dict[str, int] = {}
    for number, cells in table.rows:
        check_ = _RowCheck(plan, columns, mapping, number, cells)
        _check_row(session, plan, check_, org, people, references, seen)
    return plan


def _references(session: Session, table: Table, mapping) -> dict[str, bool]:
    """The file's references already used here: reference -> whether it was imported."""
    index = mapping["reference"]
    wanted = sorted({_text(cells[index]) for _n, cells in table.rows if _text(cells[index])})
    found = {}
    for start in range(0, len(wanted), 500):
        batch = wanted[start : start + 500]
        for ref, imported_at in session.exec(
            select(Eia.reference, Eia.imported_at).where(Eia.reference.in_(batch))
        ).all():
            found[ref] = imported_at is not None
    return found


def _check_row(session, plan, row: _RowCheck, org, people, references, seen) -> None:
    reference = row.text("reference", 32)
    if reference and reference in seen:
        row.problem(
            "reference",
            f"The reference {reference} is also on row {seen[reference]}",
            "Give each EIA its own reference, or remove the repeated row",
        )
    elif reference:
        seen[reference] = row.number
        if references.get(reference) is True:
            plan.unchanged.append((row.number, reference))
            return
        if references.get(reference) is False:
            row.problem(
                "reference",
                f"An EIA made here already has the reference {reference}",
                "Give this row a different reference, or remove it",
            )
    title = row.text("title", 300)
    directorate_name = row.text("directorate", 200)
    service_name = row.text("service", 200)
    directorate = org.directorates.get(name_key(directorate_name)) if directorate_name else None
    service = None
    if directorate_name and directorate is None:
        row.problem(
            "directorate",
            f"There is no directorate called “{directorate_name}”",
            "Correct the name, or add the directorate under Manage, Directorates and "
            "services, then check the file again",
        )
    if directorate is not None and service_name:
        service = org.services.get((directorate.id, name_key(service_name)))
        if service is None:
            row.problem(
                "service",
                f"{directorate.name} has no service called “{service_name}”",
                "Correct the name, or add the service to the directorate under Manage, "
                "Directorates and services, then check the file again",
            )
    owner = None
    if not _text(row.raw("lead_officer")):
        row.text("lead_officer", 200)  # notes the blank
    elif service is not None:
        owner = people.find(row, "lead_officer", Role.officer, service.id, None)
    approver, approved_on = _approval(row, people, directorate)
    values = {
        "title": title,
        "decision_date": row.date("decision_date"),
        "decision_maker": row.text("decision_maker", 200),
        "review_date": row.date("review_date"),
    }
    screening = _text(row.raw("screening_result"))
    if screening:
        if _choice(screening, {"out": SCREENED_OUT, "full": FULL}) is None:
            row.problem(
                "screening_result",
                f"“{screening[:60]}” is not a screening result",
                "Write “screened out” or “full assessment”, or leave it blank",
            )
        values["screening_result"] = screening[:200]
    outcome_text = _text(row.raw("outcome"))
    if outcome_text:
        values["outcome"] = _outcome(outcome_text)
        if values["outcome"] is None:
            row.problem(
                "outcome",
                f"“{outcome_text[:60]}” is not one of the four outcomes",
                "Write 1, 2, 3 or 4 (or “no major change”, “adjust”, “continue”, “stop”)"
                ", or leave it blank",
            )
    link = row.text("published_link", 500)
    if link and not _URL.match(link):
        row.problem(
            "published_link",
            "The published link is not a web address",
            "Give the full address, starting https://, or leave it blank",
        )
    values["published_link"] = link
    status_text = _text(row.raw("status"))
    status = _choice(status_text, STATUS_WORDS) if status_text else Status.approved
    if status is None:
        row.problem(
            "status",
            f"“{status_text[:60]}” is not a state an imported EIA can have",
            "Write “approved” (in force) or “archived” (the policy has ended)",
        )
    if row.failed:
        return
    plan.rows.append(
        RowToImport(
            row=row.number,
            reference=reference,
            service_id=service.id,
            owner=owner,
            status=status,
            values=values,
            approver=approver,
            approved_on=approved_on,
        )
    )


def _approval(row: _RowCheck, people: People, directorate) -> tuple[str | None, date | None]:
    who = _text(row.raw("approved_by"))
    when_raw = row.raw("approved_on")
    if who and row.mapping.get("approved_on") is None:
        who, when_text = _split_approval(who)
        when_raw = when_text or None
    approved_on = None
    if row.mapping.get("approved_on") is not None or when_raw is not None:
        try:
            approved_on = parse_date(when_raw)
        except NotADate:
            key = "approved_on" if row.mapping.get("approved_on") is not None else "approved_by"
            row.problem(
                key,
                f"“{_text(when_raw)[:40]}” is not a date",
                "Write the date of approval as 31/03/2025, or leave it blank",
            )
            return None, None
    if bool(who) != bool(approved_on):
        key = "approved_on" if who else "approved_by"
        row.problem(
            key,
            "Who approved it and when go together: one is given, not the other",
            "Give both who approved it and the date, or neither",
        )
        return None, None
    if not who or directorate is None:
        return None, approved_on
    return people.find(row, "approved_by", Role.approver, None, directorate.id, who), approved_on


def service_names(session: Session) -> dict[int, str]:
    """Each service's name with its directorate's, for the dry run's list."""
    return {
        s.id: f"{s.name} ({d.name})"
        for s, d in session.exec(
            select(Service, Directorate).join(Directorate, Directorate.id == Service.directorate_id)
        ).all()
    }


# --- the import ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Imported:
    eias: int
    people: int
    unchanged: int


def file_source(filename: str, content: bytes) -> str:
    return f"register file {filename[:120]} (SHA-256 {hashlib.sha256(content).hexdigest()[:12]})"


def import_register(
    session: Session, actor, plan: Plan, *, filename: str, content: bytes
) -> Imported:
    """Bring in every checked row as one operation (the caller commits once). Refuses a plan
    with any problem: a file with errors imports nothing."""
    if not plan.ok:
        raise ops.EditRefused([f"{len(plan.problems)} problems in the file: nothing imported"])
    source = file_source(filename, content)
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

    def who(key):
        return int(key[3:]) if key.startswith("id:") else ids[key]

    services = {s.id: s for s in session.exec(select(Service)).all()}
    ops.import_historical_eias(
        session,
        actor,
        [
            ops.HistoricalRecord(
                reference=row.reference,
                service=services[row.service_id],
                owner_id=who(row.owner),
                status=row.status,
                values=row.values,
                source=f"{source}, row {row.row}",
                approver_id=who(row.approver) if row.approver else None,
                approved_on=row.approved_on,
            )
            for row in plan.rows
        ],
    )
    admin_ops.record_register_import(
        session,
        actor,
        {
            "file": filename[:200],
            "sha256": hashlib.sha256(content).hexdigest(),
            "eias": len(plan.rows),
            "people_added": len(plan.people),
            "unchanged": len(plan.unchanged),
        },
    )
    return Imported(len(plan.rows), len(plan.people), len(plan.unchanged))

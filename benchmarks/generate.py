"""Realistic volumes on PostgreSQL, fast: every table is filled with COPY.

    python -m benchmarks.generate --size council      # 10,000 EIAs: a large council's ten years

What is made (deterministic for a given size and seed):

- directorates and services, officers spread unevenly over the services (some write many
  EIAs, most a few), two approvers per directorate, equality officers, an administrator;
  every person signs in with ``benchmarks.config.PASSWORD``;
- EIAs whose decisions span ten years, each played forward from its creation to today: the
  old ones approved (their reviews confirmed every one to three years, or, about one review
  in eight, revised into a new version with a decision of its own, then signed off again),
  archived or withdrawn; the recent ones in draft, screening, full assessment or awaiting
  sign-off (some idle for weeks, some with the decision date close or passed); about one in
  eight screened out;
- for every EIA that was fully assessed: screening answers and an impact on each of the ten
  characteristics (direction, the three aims, inherent and residual scores, evidence, about
  one in ten with an evidence gap that raised an action), engagement records, sometimes an
  intersectional impact, an action plan whose items are done, cancelled, open or overdue;
- sign-offs (about one in seven returned first; an approval after the decision date is
  flagged late, as the product does), comments on returns, review records, frozen versions;
- the audit trail of every step, in time order across all EIAs, hash-chained exactly as
  ``eia.audit.append`` does (``eia.audit.record_hash`` computes each hash), with the chain's
  head updated: ``eia audit verify`` passes on it.

Foreign keys are not checked during the load (``session_replication_role = replica``): the
generator makes every reference itself. Sequences are moved past the ids used, and the
tables analysed, so the product can carry on from here.
"""

import argparse
import json
import random
import sys
import time
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

import psycopg
import sqlalchemy as sa

from eia.audit import canonical_json, record_hash
from eia.db import make_engine
from eia.migrate import upgrade
from eia.models import GENESIS_HASH, EiaDecision, EiaPageSummary, StageSpell
from eia.passwords import hash_password
from eia.reporting import page_summaries
from eia.reporting.summaries import rebuild as rebuild_summaries
from notifications.calendar import is_working_day

from .config import PASSWORD, Size, database_url, ensure_database, size_named
from .progress import progress

SEED = 20100401
# Of the reviews that come, the share that revise the EIA into a new version (with a decision
# of its own) instead of confirming it.
REVISED_SHARE = 0.12
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

DEPARTMENTS = (
    (
        "Environment and Climate Change",
        (
            "Traffic and Parking",
            "Energy Services",
            "Greenspace and Leisure",
            "Waste and Recycling",
            "Street Environment",
            "Planning",
        ),
    ),
    (
        "Homes and Neighbourhoods",
        (
            "Housing Needs and Lettings",
            "Tenancy Management",
            "Repairs",
            "Homelessness",
            "Estate Services",
            "Private Rented Sector",
        ),
    ),
    (
        "Adult Social Care",
        (
            "Strategy and Commissioning",
            "Day Opportunities",
            "Reablement",
            "Safeguarding Adults",
            "Learning Disabilities",
            "Carers",
        ),
    ),
    (
        "Children and Young People",
        (
            "Early Years",
            "Youth and Play",
            "School Improvement",
            "Children's Social Care",
            "SEND",
            "Youth Justice",
        ),
    ),
    (
        "Community Wealth Building",
        (
            "Inclusive Economy and Jobs",
            "Procurement",
            "Adult Community Learning",
            "Business Support",
            "Libraries and Heritage",
            "Arts and Culture",
        ),
    ),
    (
        "Public Health",
        (
            "Health Improvement",
            "Sexual Health",
            "Substance Misuse",
            "Healthy Weight",
            "Health Protection",
            "Mental Wellbeing",
        ),
    ),
    (
        "Resources",
        (
            "Human Resources",
            "Policy and Equality Unit",
            "Revenues and Benefits",
            "Digital Services",
            "Finance",
            "Customer Services",
        ),
    ),
    (
        "Community Engagement",
        (
            "Community Safety",
            "Voluntary Sector Partnerships",
            "Resident Engagement",
            "Registrars",
            "Elections",
            "Communications",
        ),
    ),
)
BOROUGHS = (
    "Islington",
    "Camden",
    "Hackney",
    "Haringey",
    "Lambeth",
    "Southwark",
    "Newham",
    "Leeds",
    "Bristol",
    "Manchester",
    "Birmingham",
    "Sheffield",
    "Leicester",
    "Nottingham",
    "Coventry",
)
FIRST = (
    "Aisha",
    "Ben",
    "Chloe",
    "Daniel",
    "Emeka",
    "Fatma",
    "Grace",
    "Hodan",
    "Imran",
    "Joanna",
    "Kwame",
    "Liam",
    "Marcus",
    "Nadia",
    "Olu",
    "Priya",
    "Rebecca",
    "Samuel",
    "Sinead",
    "Tariq",
    "Una",
    "Victor",
    "Wei",
    "Yusuf",
    "Zara",
)
LAST = (
    "Ahmed",
    "Brennan",
    "Campbell",
    "Doyle",
    "Evans",
    "Fairclough",
    "Green",
    "Hussain",
    "Ibrahim",
    "Jones",
    "Khan",
    "Lowe",
    "Mensah",
    "Nowak",
    "Osei",
    "Patel",
    "Quinn",
    "Rahman",
    "Sharma",
    "Taylor",
    "Uddin",
    "Virdee",
    "Walsh",
    "Yilmaz",
    "Zhang",
)
PROPOSAL_TYPES = (
    ("service_change", 30),
    ("budget_saving", 22),
    ("new_policy", 15),
    ("procurement", 12),
    ("staffing_change", 8),
    ("strategy", 8),
    ("other", 5),
)
TOPICS = (
    "opening hours",
    "charges",
    "eligibility criteria",
    "a new contract",
    "a restructure",
    "the digital-first channel",
    "the local plan",
    "grant funding",
    "the parking zones",
    "the allocation scheme",
    "the lettings policy",
    "home-to-school transport",
    "day centre provision",
    "the youth offer",
)
DIRECTIONS = (("neutral", 45), ("positive", 25), ("negative", 22), ("unclear", 8))
ENGAGEMENT_METHODS = (
    "Public consultation",
    "Focus group",
    "Survey",
    "Staff briefing",
    "Drop-in session",
    "Meeting with community organisations",
)
ACTION_TEXT = (
    "Monitor take-up by ethnic group quarterly",
    "Offer information in accessible formats",
    "Review the impact on carers after six months",
    "Train front-line staff",
    "Agree reasonable adjustments with the provider",
    "Publish the monitoring data",
    "Consult the disabled residents' forum",
)
RETURN_COMMENTS = (
    "The evidence on disability is thin: add the service-user data.",
    "Say how the negative impact on older residents is mitigated.",
    "Engage with the tenants' associations before sign-off.",
    "Screening says not relevant to race without a reason: add one.",
)


def weighted(choices):
    values, weights = zip(*choices, strict=True)
    return values, weights


class Clock:
    """Times on working days in office hours (UTC, 08:00 to 17:59), moving forward only."""

    def __init__(self, rng: random.Random, start: datetime):
        self.rng = rng
        self.t = start

    def after(self, days: float) -> datetime:
        """At least ``days`` later: whole days land on a working day at a random hour;
        less than a day is minutes later the same day."""
        rng = self.rng
        if days < 1:
            self.t = self.t + timedelta(minutes=rng.randint(3, 40))
            return self.t
        day = self.t.date() + timedelta(days=int(days))
        while not is_working_day(day):
            day += timedelta(days=1)
        self.t = datetime(
            day.year,
            day.month,
            day.day,
            rng.randint(8, 17),
            rng.randint(0, 59),
            rng.randint(0, 59),
            rng.randint(0, 999_999),
            tzinfo=UTC,
        )
        return self.t


def us(moment: datetime) -> int:
    """Microseconds since the epoch, exactly (sorting key and a compact store)."""
    delta = moment - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_us(value: int) -> datetime:
    return EPOCH + timedelta(microseconds=value)


# Audit records kept compactly until the chain is written: (occurred_at in µs, EIA id,
# position within the EIA, version, actor id, code, comment, details). The code names
# (action, event, from_state, to_state).
CODES: list[tuple[str, str, str | None, str | None]] = []
_CODE_INDEX: dict[tuple, int] = {}


def code(action, event, from_state, to_state) -> int:
    key = (action, event, from_state, to_state)
    if key not in _CODE_INDEX:
        _CODE_INDEX[key] = len(CODES)
        CODES.append(key)
    return _CODE_INDEX[key]


class Tables:
    """Rows waiting to be copied, table by table."""

    COLUMNS = {
        "eia": (
            "id",
            "reference",
            "title",
            "summary",
            "proposal_type",
            "affects",
            "directorate_id",
            "service_id",
            "owner_id",
            "decision_maker",
            "decision_type",
            "decision_date",
            "review_date",
            "decision_round",
            "version",
            "status",
            "publishable",
            "confidential",
            "screening_conclusion",
            "outcome",
            "outcome_reason",
            "justification_legitimate_aim",
            "justification_less_harmful",
            "justification_proportionate",
            "closing_reason",
            "completed_sections",
            "created_at",
            "updated_at",
            "status_changed_at",
        ),
        "screening_answer": ("id", "eia_id", "characteristic_id", "relevance", "reason"),
        "impact_assessment": (
            "id",
            "eia_id",
            "characteristic_id",
            "direction",
            "aim_discrimination",
            "aim_opportunity",
            "aim_relations",
            "inherent_likelihood",
            "inherent_severity",
            "residual_likelihood",
            "residual_severity",
            "evidence",
            "evidence_gap",
            "evidence_gap_reason",
            "mitigation",
        ),
        "intersectional_impact": (
            "id",
            "eia_id",
            "description",
            "direction",
            "aim_discrimination",
            "aim_opportunity",
            "aim_relations",
            "inherent_likelihood",
            "inherent_severity",
            "residual_likelihood",
            "residual_severity",
            "evidence",
            "evidence_gap",
            "evidence_gap_reason",
            "mitigation",
        ),
        "intersectional_characteristic": ("intersectional_impact_id", "characteristic_id"),
        "engagement_record": (
            "id",
            "eia_id",
            "who",
            "method",
            "held_on",
            "what_they_said",
            "what_changed",
        ),
        "action_item": (
            "id",
            "eia_id",
            "description",
            "owner_id",
            "due_date",
            "status",
            "impact_id",
            "intersectional_impact_id",
            "from_evidence_gap",
            "created_in_version",
            "completed_on",
        ),
        "comment": ("id", "eia_id", "eia_version", "section", "author_id", "body", "created_at"),
        "sign_off": (
            "id",
            "eia_id",
            "eia_version",
            "approver_id",
            "decision",
            "attested",
            "late",
            "late_reason",
            "comment",
            "returned_to",
            "signed_at",
        ),
        "review_record": (
            "id",
            "eia_id",
            "eia_version",
            "reviewer_id",
            "notes",
            "next_review_date",
            "decision",
            "reviewed_at",
        ),
        "eia_version": ("id", "eia_id", "version", "status", "snapshot", "frozen_at"),
    }

    def __init__(self):
        self.rows = defaultdict(list)
        self.next_id = defaultdict(lambda: 1)
        self.counts = defaultdict(int)

    def add(self, table: str, *values) -> int:
        """Append a row whose first column is its id (given here); returns the id."""
        new_id = self.next_id[table]
        self.next_id[table] += 1
        self.rows[table].append((new_id, *values))
        return new_id

    def add_plain(self, table: str, *values) -> None:
        self.rows[table].append(values)

    def flush(self, conn: psycopg.Connection) -> None:
        with conn.cursor() as cur:
            for table, rows in self.rows.items():
                if not rows:
                    continue
                cols = ", ".join(self.COLUMNS[table])
                with cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                self.counts[table] += len(rows)
        self.rows.clear()


class Org:
    """The council (or the nation): directorates, services, people."""

    def __init__(self, rng: random.Random, size: Size):
        self.directorates: list[tuple[int, str]] = []
        self.services: list[tuple[int, str, int]] = []  # id, name, directorate id
        self.users: list[tuple] = []
        self.officers_by_service: dict[int, list[int]] = defaultdict(list)
        self.approvers_by_directorate: dict[int, list[int]] = defaultdict(list)
        self.equality: list[int] = []
        self.names: dict[int, str] = {}
        self.emails: dict[int, str] = {}
        self.preferences: list[tuple[int, str]] = []
        per = size.services_per_directorate
        for d in range(size.directorates):
            department, services = DEPARTMENTS[d % len(DEPARTMENTS)]
            borough = BOROUGHS[d // len(DEPARTMENTS) % len(BOROUGHS)]
            round_ = d // (len(DEPARTMENTS) * len(BOROUGHS))
            name = (
                department
                if size.directorates <= len(DEPARTMENTS)
                else f"{borough}{' ' + str(round_ + 1) if round_ else ''}: {department}"
            )
            did = len(self.directorates) + 1
            self.directorates.append((did, name))
            for s in range(per):
                self.services.append((len(self.services) + 1, services[s % len(services)], did))
        # Services do not all write as many EIAs: a long tail (Zipf-like weights).
        order = list(range(len(self.services)))
        rng.shuffle(order)
        self.service_weights = [0.0] * len(self.services)
        for rank, index in enumerate(order, start=1):
            self.service_weights[index] = 1 / rank**0.8
        self.password_hash = hash_password(PASSWORD)
        created = datetime(2014, 1, 6, 9, 0, tzinfo=UTC)

        def person(role, service_id=None, directorate_id=None, prefix=None):
            uid = len(self.users) + 1
            first, last = rng.choice(FIRST), rng.choice(LAST)
            name = f"{first} {last}"
            email = f"{prefix or (first + '.' + last).lower()}.{uid}@bench.example.gov.uk"
            self.users.append(
                (
                    uid,
                    email,
                    name,
                    role,
                    service_id,
                    directorate_id,
                    self.password_hash,
                    True,
                    created,
                )
            )
            self.names[uid], self.emails[uid] = name, email
            return uid

        self.admin = person("admin", prefix="admin")
        for _ in range(size.equality_officers):
            self.equality.append(person("equality_officer", prefix="equality"))
        for did, _ in self.directorates:
            for _ in range(size.approvers_per_directorate):
                self.approvers_by_directorate[did].append(
                    person("approver", directorate_id=did, prefix="approver")
                )
        # Every service has an officer; the rest go where the EIAs are written.
        for sid, _, _ in self.services:
            self.officers_by_service[sid].append(
                person("officer", service_id=sid, prefix="officer")
            )
        extra = max(0, size.officers - len(self.services))
        for sid in rng.choices([s[0] for s in self.services], self.service_weights, k=extra):
            self.officers_by_service[sid].append(
                person("officer", service_id=sid, prefix="officer")
            )
        for uid, *_ in self.users:
            if rng.random() < 0.2:
                self.preferences.append((uid, "immediate"))

    def copy_to(self, conn: psycopg.Connection) -> None:
        with conn.cursor() as cur:
            with cur.copy("COPY directorate (id, name) FROM STDIN") as copy:
                for row in self.directorates:
                    copy.write_row(row)
            with cur.copy("COPY service (id, name, directorate_id) FROM STDIN") as copy:
                for row in self.services:
                    copy.write_row(row)
            with cur.copy(
                "COPY app_user (id, email, name, role, service_id, directorate_id, "
                "password_hash, active, created_at) FROM STDIN"
            ) as copy:
                for row in self.users:
                    copy.write_row(row)
            with cur.copy(
                "COPY notification_preference (user_id, reminders, updated_at) FROM STDIN"
            ) as copy:
                for uid, choice in self.preferences:
                    copy.write_row((uid, choice, datetime(2024, 1, 8, 9, tzinfo=UTC)))


class Generator:
    def __init__(self, size: Size, today: date, seed: int = SEED):
        self.size, self.today, self.rng = size, today, random.Random(seed)
        self.now = datetime(today.year, today.month, today.day, 18, 0, tzinfo=UTC)
        self.start = today - timedelta(days=3652)
        self.org = Org(self.rng, size)
        self.tables = Tables()
        self.audit: list[tuple] = []
        self.characteristics: list[tuple[int, str, str]] = []
        self.states = defaultdict(int)
        self.services = {s[0]: s for s in self.org.services}
        self.directorate_names = dict(self.org.directorates)

    # -- one EIA ----------------------------------------------------------------------------

    def eia(self, eia_id: int) -> None:
        rng, org = self.rng, self.org
        sid = rng.choices(range(len(org.services)), org.service_weights)[0] + 1
        _, service_name, did = self.services[sid]
        owner = rng.choice(org.officers_by_service[sid])
        approvers = org.approvers_by_directorate[did]
        fate = rng.choices(
            ("draft", "screening", "full_assessment", "awaiting_sign_off", "withdrawn", "signed"),
            (3, 2, 6, 2.5, 6, 80.5),
        )[0]
        # When it began: work in progress is recent (and may have sat idle a while); the
        # rest began any time in the ten years (work that ends later than today is simply
        # where it stands today).
        if fate in ("draft", "screening", "full_assessment", "awaiting_sign_off"):
            span = {"draft": 8, "screening": 20, "full_assessment": 45, "awaiting_sign_off": 90}[
                fate
            ]
            idle = min(rng.expovariate(1 / 10), 150)
            created_day = self.today - timedelta(days=int(span * rng.uniform(0.3, 1) + idle))
        else:
            created_day = self.start + timedelta(
                days=rng.randrange(max(1, (self.today - self.start).days - 120))
            )
        clock = Clock(
            rng, datetime(created_day.year, created_day.month, created_day.day, 9, tzinfo=UTC)
        )
        e = _Eia(self, eia_id, sid, did, owner, approvers, service_name, clock, fate)
        e.play()

    def run(self, conn: psycopg.Connection, batch: int = 2000) -> dict:
        self.characteristics = [
            tuple(r)
            for r in conn.execute(
                "SELECT id, key, name FROM characteristic WHERE active ORDER BY position"
            )
        ]
        self.org.copy_to(conn)
        with progress(total=self.size.eias, desc="EIAs", unit="EIA") as bar:
            for eia_id in range(1, self.size.eias + 1):
                self.eia(eia_id)
                if eia_id % batch == 0:
                    self.tables.flush(conn)
                    bar.update(batch)
            self.tables.flush(conn)
            bar.update(self.size.eias % batch)
        self.write_audit(conn)
        return dict(self.tables.counts)

    # -- the audit trail ------------------------------------------------------------------------

    def record(
        self,
        at: datetime,
        eia_id: int,
        n: int,
        version: int,
        actor: int | None,
        action: str,
        event: str,
        from_state,
        to_state,
        comment: str = "",
        details: dict | None = None,
    ) -> None:
        self.audit.append(
            (
                us(at),
                eia_id,
                n,
                version,
                actor,
                code(action, event, from_state, to_state),
                comment,
                canonical_json(details or {}),
            )
        )

    def write_audit(self, conn: psycopg.Connection) -> None:
        """Sort every record by time, chain them, copy them; then the chain's head."""
        self.audit.sort()
        names, prev = self.org.names, GENESIS_HASH
        cols = (
            "seq",
            "eia_id",
            "eia_version",
            "actor_id",
            "actor_name",
            "occurred_at",
            "action",
            "event",
            "from_state",
            "to_state",
            "comment",
            "details",
            "prev_hash",
            "hash",
        )
        total, chunk = len(self.audit), 100_000
        seq = 0
        with progress(total=total, desc="audit records (hash chain)", unit="rec") as bar:
            for start in range(0, total, chunk):
                part = self.audit[start : start + chunk]
                with (
                    conn.cursor() as cur,
                    cur.copy(f"COPY audit_record ({', '.join(cols)}) FROM STDIN") as copy,
                ):
                    for at_us, eia_id, _, version, actor, c, comment, details in part:
                        seq += 1
                        action, event, from_state, to_state = CODES[c]
                        fields = {
                            "eia_id": eia_id,
                            "eia_version": version,
                            "actor_id": actor,
                            "actor_name": names[actor]
                            if actor is not None
                            else "System (scheduler)",
                            "occurred_at": from_us(at_us),
                            "action": action,
                            "event": event,
                            "from_state": from_state,
                            "to_state": to_state,
                            "comment": comment,
                            "details": details,
                        }
                        digest = record_hash(prev, fields)
                        copy.write_row(
                            (
                                seq,
                                eia_id,
                                version,
                                actor,
                                fields["actor_name"],
                                fields["occurred_at"],
                                action,
                                event,
                                from_state,
                                to_state,
                                comment,
                                details,
                                prev,
                                digest,
                            )
                        )
                        prev = digest
                bar.update(len(part))
        conn.execute(
            "UPDATE audit_chain SET last_seq = %s, last_hash = %s WHERE id = 1", (seq, prev)
        )
        self.tables.counts["audit_record"] = seq
        self.audit = []


class _Eia:
    """Plays one EIA forward from its creation, writing its rows and audit records."""

    def __init__(
        self,
        gen: Generator,
        eia_id,
        sid,
        did,
        owner,
        approvers,
        service_name,
        clock: Clock,
        fate: str,
    ):
        self.g, self.rng, self.id = gen, gen.rng, eia_id
        self.sid, self.did, self.owner = sid, did, owner
        self.approvers, self.service_name = approvers, service_name
        self.clock, self.fate = clock, fate
        self.status, self.version, self.n = "draft", 1, 0
        self.created = clock.t
        self.last = clock.t
        self.status_changed = clock.t
        self.reference = f"EIA-{clock.t.year}-{eia_id:05d}"
        rng = self.rng
        self.proposal_type = rng.choices(*weighted(PROPOSAL_TYPES))[0]
        self.title = f"{service_name}: change to {rng.choice(TOPICS)}"
        self.decision_date = None
        self.review_date = None
        self.outcome = None
        self.closing_reason = ""
        self.screening_conclusion = ""
        self.completed: list[str] = []
        self.impact_ids: list[int] = []
        self.actions: list[list] = []  # [id, due, status, owner]
        self.sign_offs = 0

    # -- helpers
    def now_passed(self, at: datetime) -> bool:
        return at > self.g.now

    def audit(self, at, actor, action, event, from_state, to_state, comment="", details=None):
        self.n += 1
        self.last = at
        self.g.record(
            at,
            self.id,
            self.n,
            self.version,
            actor,
            action,
            event,
            from_state,
            to_state,
            comment,
            details,
        )

    def edit(self, days, section, details, actor=None) -> bool:
        at = self.clock.after(days)
        if self.now_passed(at):
            return False
        self.audit(
            at, actor or self.owner, "edit", section, self.status, self.status, details=details
        )
        return True

    def transition(self, days, event, dest, actor, comment="", details=None) -> bool:
        """Fire ``event`` ``days`` later, unless that is after today."""
        at = self.clock.after(days)
        if self.now_passed(at):
            return False
        self.audit(at, actor, "transition", event, self.status, dest, comment, details)
        self.status = dest
        self.status_changed = at
        return True

    def stop_here(self, fate_state: str) -> bool:
        return self.fate == fate_state

    # -- the story
    def play(self) -> None:
        try:
            self._play()
        finally:
            self.write()

    def _begin(self) -> None:
        """The EIA is created; its fate's withdrawal point and its decision are drawn."""
        rng, g = self.rng, self.g
        self.audit(
            self.created,
            self.owner,
            "edit",
            "created",
            None,
            "draft",
            details={"reference": self.reference, "service": self.service_name},
        )
        if self.fate == "withdrawn":
            self.withdraw_at = rng.choice(
                ("draft", "screening", "full_assessment", "awaiting_sign_off", "approved")
            )
        else:
            self.withdraw_at = None
        # The proposal, and the decision it feeds (about two months after it starts).
        planned = self.created.date() + timedelta(days=int(rng.uniform(40, 120)))
        self.decision_date = planned if rng.random() > 0.08 or self.fate == "draft" else None
        if self.fate == "draft" and rng.random() < 0.4:
            self.decision_date = None
        self.decision_type = rng.choice(("committee", "officer"))
        self.decision_maker = (
            "Executive"
            if self.decision_type == "committee"
            else "Director of " + g.directorate_names[self.did].split(": ")[-1]
        )

    def _play(self) -> None:
        rng, g = self.rng, self.g
        self._begin()
        if not self.edit(
            rng.uniform(0, 6),
            "proposal",
            {
                "title": ["", self.title],
                "proposal_type": [None, self.proposal_type],
                "decision_date": [
                    None,
                    self.decision_date.isoformat() if self.decision_date else None,
                ],
            },
        ):
            return
        if self.stop_here("draft") or self.maybe_withdraw("draft"):
            return
        if not self.transition(rng.uniform(1, 10), "start_screening", "screening", self.owner):
            return
        screened_out = rng.random() < 0.13
        self.relevance = self.screening(screened_out)
        if not self.edit(
            rng.uniform(0, 5),
            "screening",
            {
                key: {"relevance": [None, rel]}
                for (_, key, _), rel in zip(g.characteristics, self.relevance, strict=True)
            },
        ):
            return
        self.write_screening(screened_out)
        if self.stop_here("screening") or self.maybe_withdraw("screening"):
            return
        if screened_out:
            names = ", ".join(c[2] for c in g.characteristics)
            self.screening_conclusion = (
                "No full assessment is needed: screening found the proposal not relevant to "
                f"any of the {len(g.characteristics)} characteristics considered ({names}), "
                "each with a reason."
            )
            if not self.transition(
                rng.uniform(1, 6), "screen_out", "awaiting_sign_off", self.owner
            ):
                return
        else:
            if not self.transition(
                rng.uniform(1, 8), "start_full_assessment", "full_assessment", self.owner
            ):
                return
            if not self.full_assessment():
                return
            if self.stop_here("full_assessment") or self.maybe_withdraw("full_assessment"):
                return
            if not self.transition(
                rng.uniform(1, 10), "submit_for_sign_off", "awaiting_sign_off", self.owner
            ):
                return
        if self.stop_here("awaiting_sign_off") and rng.random() < 0.8:
            return
        while rng.random() < (0.15 if not screened_out else 0.05):  # returned first
            if not self.sign_off_returned(screened_out):
                return
            if self.maybe_withdraw("screening" if screened_out else "full_assessment"):
                return
            if not self.transition(
                rng.uniform(2, 15),
                "screen_out" if screened_out else "submit_for_sign_off",
                "awaiting_sign_off",
                self.owner,
            ):
                return
        if self.stop_here("awaiting_sign_off") or self.maybe_withdraw("awaiting_sign_off"):
            return
        if not self.approve():
            return
        self.after_approval()

    def maybe_withdraw(self, stage: str) -> bool:
        if self.withdraw_at != stage:
            return False
        reason = "The proposal was dropped after the budget was agreed."
        if self.transition(
            self.rng.uniform(3, 40),
            "withdraw",
            "withdrawn",
            self.owner,
            comment=reason,
            details={"reason": reason},
        ):
            self.closing_reason = reason
        return True

    def screening(self, screened_out: bool) -> list[str]:
        rng = self.rng
        if screened_out:
            return ["not_relevant"] * len(self.g.characteristics)
        rel = [
            rng.choices(("relevant", "not_relevant", "unknown"), (55, 38, 7))[0]
            for _ in self.g.characteristics
        ]
        if "relevant" not in rel:
            rel[rng.randrange(len(rel))] = "relevant"
        return rel

    def write_screening(self, screened_out: bool) -> None:
        t = self.g.tables
        for (cid, _, name), rel in zip(self.g.characteristics, self.relevance, strict=True):
            reason = (
                f"No particular impact on {name.lower()} was identified."
                if rel == "not_relevant"
                else f"Service-user data suggests the change affects {name.lower()}."
            )
            t.add("screening_answer", self.id, cid, rel, reason)

    def full_assessment(self) -> bool:
        rng, g, t = self.rng, self.g, self.g.tables
        gaps = []
        # Evidence, then scores, one characteristic at a time (one audit record each).
        for (cid, key, name), rel in zip(g.characteristics, self.relevance, strict=True):
            gap = rng.random() < 0.1
            details = {key: {"evidence": ["", f"Monitoring data on {name.lower()}"]}}
            if gap:
                details[key]["evidence_gap"] = [False, True]
            if not self.edit(rng.uniform(0, 3), "evidence", details):
                return False
            direction = (
                "neutral" if rel == "not_relevant" else rng.choices(*weighted(DIRECTIONS))[0]
            )
            il, isv = rng.randint(1, 4), rng.randint(1, 4)
            rl, rs = rng.randint(1, il), rng.randint(1, isv)
            aims = (rng.random() < 0.6, rng.random() < 0.4, rng.random() < 0.2)
            mitigation = (
                "Targeted outreach and a named contact for affected residents."
                if direction in ("negative", "unclear")
                else ""
            )
            impact_id = t.add(
                "impact_assessment",
                self.id,
                cid,
                direction,
                *aims,
                il,
                isv,
                rl,
                rs,
                f"Monitoring data and the borough profile for {name.lower()}.",
                gap,
                "No data split by this characteristic yet." if gap else "",
                mitigation,
            )
            self.impact_ids.append(impact_id)
            if gap:
                gaps.append((impact_id, name))
            if not self.edit(
                rng.uniform(0, 2),
                "impacts",
                {
                    key: {
                        "direction": [None, direction],
                        "inherent_likelihood": [None, il],
                        "inherent_severity": [None, isv],
                        "residual_likelihood": [None, rl],
                        "residual_severity": [None, rs],
                    }
                },
            ):
                return False
        for impact_id, name in gaps:  # each explained gap raised an action
            action_id = t.next_id["action_item"]
            self.actions.append(
                [
                    action_id,
                    None,
                    "proposed",
                    self.owner,
                    impact_id,
                    True,
                    f"Close the evidence gap for {name.lower()}: no data split "
                    "by this characteristic yet.",
                    None,
                ]
            )
            t.next_id["action_item"] += 1
            if not self.edit(
                0.1, "actions", {"added": {"id": action_id, "from_evidence_gap": True}}
            ):
                return False
        for _ in range(rng.choices((0, 1, 2, 3), (25, 40, 25, 10))[0]):
            at = self.clock.after(rng.uniform(1, 10))
            if self.now_passed(at):
                return False
            t.add(
                "engagement_record",
                self.id,
                rng.choice(
                    (
                        "Residents",
                        "Service users",
                        "Tenants' associations",
                        "Staff",
                        "Carers' forum",
                    )
                ),
                rng.choice(ENGAGEMENT_METHODS),
                at.date(),
                "Concerned about access for disabled and older residents.",
                "Added a phone option and extended the notice period.",
            )
            self.audit(
                at,
                self.owner,
                "edit",
                "engagement",
                self.status,
                self.status,
                details={"added": {"method": "consultation"}},
            )
        if rng.random() < 0.15:
            a, b = rng.sample(g.characteristics, 2)
            t.add(
                "intersectional_impact",
                self.id,
                f"{a[2]} and {b[2].lower()}",
                rng.choice(("negative", "unclear", "positive")),
                True,
                False,
                False,
                3,
                3,
                2,
                2,
                "Local survey",
                False,
                "",
                "Targeted outreach.",
            )
            xid = t.next_id["intersectional_impact"] - 1
            t.add_plain("intersectional_characteristic", xid, a[0])
            t.add_plain("intersectional_characteristic", xid, b[0])
            if not self.edit(
                rng.uniform(0, 3),
                "intersectional",
                {"added": {"description": f"{a[2]} and {b[2].lower()}"}},
            ):
                return False
        for _ in range(rng.choices((0, 1, 2, 3, 4), (15, 30, 30, 15, 10))[0]):
            action_id = t.next_id["action_item"]
            t.next_id["action_item"] += 1
            impact_id = rng.choice(self.impact_ids) if rng.random() < 0.5 else None
            owner = (
                self.owner
                if rng.random() < 0.75
                else rng.choice(g.org.officers_by_service[self.sid])
            )
            due = self.clock.t.date() + timedelta(days=rng.randint(60, 400))
            self.actions.append(
                [action_id, due, "planned", owner, impact_id, False, rng.choice(ACTION_TEXT), None]
            )
            if not self.edit(
                rng.uniform(0, 4), "actions", {"added": {"id": action_id, "owner_id": owner}}
            ):
                return False
        self.outcome = rng.choices(("1", "2", "3", "4"), (55, 35, 7, 3))[0]
        self.review_date = (self.clock.t + timedelta(days=rng.choice((365, 730, 1095)))).date()
        if not self.edit(
            rng.uniform(1, 6),
            "outcome",
            {"outcome": [None, self.outcome], "review_date": [None, self.review_date.isoformat()]},
        ):
            return False
        self.completed = ["engagement", "intersectional", "actions"]
        return True

    def approver(self) -> int:
        return self.rng.choice(self.approvers)

    def sign_off_returned(self, screened_out: bool) -> bool:
        rng, t = self.rng, self.g.tables
        dest = "screening" if screened_out else "full_assessment"
        comment = rng.choice(RETURN_COMMENTS)
        approver = self.approver()
        if not self.transition(
            rng.uniform(1, 12),
            "return",
            dest,
            approver,
            comment=comment,
            details={"return_to": dest},
        ):
            return False
        t.add(
            "sign_off",
            self.id,
            self.version,
            approver,
            "returned",
            False,
            False,
            "",
            comment,
            dest,
            self.clock.t,
        )
        t.add("comment", self.id, self.version, dest, approver, comment, self.clock.t)
        if screened_out:  # the screening reasons are improved, then it is screened out again
            return self.edit(rng.uniform(1, 8), "screening", {"reasons": ["", "clarified"]})
        return self.edit(rng.uniform(1, 10), "impacts", {"mitigation": ["", "updated"]})

    def approve(self) -> bool:
        rng, t = self.rng, self.g.tables
        at = self.clock.after(
            rng.choices((1, 3, 7, 15, 40), (30, 30, 20, 15, 5))[0] * rng.uniform(0.5, 1.5)
        )
        if self.now_passed(at):
            return False
        # The decision date: usually after sign-off; now and then the approval is late.
        if self.decision_date is not None:
            self.decision_date = at.date() + timedelta(days=int(rng.gauss(20, 14)))
        late = self.decision_date is not None and at.date() > self.decision_date
        approver = self.approver()
        details = {"attested": True, "late": late}
        late_reason = ""
        if late:
            late_reason = "The decision was brought forward by the committee."
            details["late_reason"] = late_reason
        self.clock.t = at
        self.audit(at, approver, "transition", "approve", self.status, "approved", details=details)
        self.status, self.status_changed = "approved", at
        t.add(
            "sign_off",
            self.id,
            self.version,
            approver,
            "approved",
            True,
            late,
            late_reason,
            "",
            None,
            at,
        )
        t.add(
            "eia_version",
            self.id,
            self.version,
            "approved",
            json.dumps(
                {
                    "reference": self.reference,
                    "title": self.title,
                    "version": self.version,
                    "status": "approved",
                    "outcome": self.outcome,
                    "decision_date": self.decision_date.isoformat() if self.decision_date else None,
                }
            ),
            at,
        )
        if self.review_date is None or self.review_date <= at.date():
            self.review_date = at.date() + timedelta(days=rng.choice((365, 730, 1095)))
        # Actions are due in the months after approval.
        for action in self.actions:
            action[1] = at.date() + timedelta(days=rng.randint(30, 420))
        return True

    def after_approval(self) -> None:
        rng, t = self.rng, self.g.tables
        today = self.g.today
        # Action progress: done or cancelled by now, mostly, if due.
        for action in self.actions:
            due = action[1]
            if due < today:
                action[2] = rng.choices(
                    ("done", "cancelled", "in_progress", "planned", "proposed"), (72, 8, 10, 6, 4)
                )[0]
            else:
                action[2] = rng.choices(
                    ("planned", "in_progress", "proposed", "done"), (45, 35, 10, 10)
                )[0]
            if action[2] == "done":
                action[7] = min(due + timedelta(days=rng.randint(-30, 20)), today)
        if self.withdraw_at == "approved":
            self.maybe_withdraw("approved")
            return
        archive_after = rng.expovariate(0.07) * 365  # days until the policy ends
        approved_at = self.clock.t
        while True:
            review_at = datetime(
                self.review_date.year,
                self.review_date.month,
                self.review_date.day,
                6,
                5,
                tzinfo=UTC,
            )
            ends = approved_at + timedelta(days=archive_after)
            if ends < review_at:
                if ends <= self.g.now:
                    self.clock.t = ends
                    reason = "The policy has ended."
                    if self.transition(
                        0.1,
                        "archive",
                        "archived",
                        self.approver(),
                        comment=reason,
                        details={"reason": reason},
                    ):
                        self.closing_reason = reason
                return
            if review_at > self.g.now:
                return
            # The review date came: the scheduler starts the review (on a working day).
            self.clock.t = review_at - timedelta(days=1)
            if not self.transition(1, "start_review", "under_review", None):
                return
            reviewer = self.approver()
            if rng.random() < REVISED_SHARE:  # the policy must change: a new version
                if not self.revise(reviewer) or not self.approve():
                    return
                continue
            notes = "Reviewed with the monitoring data: the EIA still stands."
            next_review = self.review_date + timedelta(days=rng.choice((365, 730, 1095)))
            if not self.transition(
                rng.uniform(5, 60),
                "confirm_review",
                "approved",
                reviewer,
                comment=notes,
                details={"next_review_date": next_review.isoformat()},
            ):
                return
            t.add(
                "review_record",
                self.id,
                self.version,
                reviewer,
                notes,
                next_review,
                "confirmed",
                self.clock.t,
            )
            self.review_date = next_review

    def revise(self, reviewer: int) -> bool:
        """Under review to a new version in full assessment (the old one stays frozen, as
        approved), with a decision of its own, then sent for sign-off."""
        rng, t = self.rng, self.g.tables
        at = self.clock.after(rng.uniform(5, 60))
        if self.now_passed(at):
            return False
        notes = "The review found the service has changed: a new version is assessed."
        self.version += 1  # the revise record is written with the version it opens
        self.clock.t = at
        self.audit(at, reviewer, "transition", "revise", self.status, "full_assessment", notes)
        self.status, self.status_changed = "full_assessment", at
        t.add("review_record", self.id, self.version - 1, reviewer, notes, None, "revised", at)
        before = self.decision_date
        if before is not None or rng.random() < 0.5:
            self.decision_date = at.date() + timedelta(days=int(rng.uniform(40, 120)))
        if not self.edit(
            rng.uniform(1, 10),
            "proposal",
            {
                "decision_date": [
                    before.isoformat() if before else None,
                    self.decision_date.isoformat() if self.decision_date else None,
                ]
            },
        ):
            return False
        if not self.edit(rng.uniform(1, 20), "impacts", {"mitigation": ["", "revised"]}):
            return False
        return self.transition(
            rng.uniform(1, 10), "submit_for_sign_off", "awaiting_sign_off", self.owner
        )

    def write(self) -> None:
        g, t = self.g, self.g.tables
        g.states[self.status] += 1
        for a in self.actions:
            action_id, due, status, owner, impact_id, from_gap, text, completed = a
            t.rows["action_item"].append(
                (
                    action_id,
                    self.id,
                    text,
                    owner,
                    due,
                    status,
                    impact_id,
                    None,
                    from_gap,
                    1,
                    completed,
                )
            )
        t.rows["eia"].append(
            (
                self.id,
                self.reference,
                self.title,
                f"A proposal about {self.title.split(': ')[-1]} in {self.service_name}.",
                self.proposal_type,
                json.dumps(["residents", "service_users"]),
                self.did,
                self.sid,
                self.owner,
                self.decision_maker,
                self.decision_type,
                self.decision_date,
                self.review_date,
                None,
                self.version,
                self.status,
                self.status != "draft",
                False,
                self.screening_conclusion,
                self.outcome,
                "The assessment found no impact that cannot be mitigated." if self.outcome else "",
                "Legitimate aim: a balanced budget." if self.outcome == "3" else "",
                "No less harmful way was found." if self.outcome == "3" else "",
                "Proportionate given the mitigation." if self.outcome == "3" else "",
                self.closing_reason,
                json.dumps(self.completed),
                self.created,
                self.last,
                self.status_changed,
            )
        )


# --- the database -------------------------------------------------------------------------

SERIAL_TABLES = (
    "directorate",
    "service",
    "app_user",
    "eia",
    "screening_answer",
    "impact_assessment",
    "intersectional_impact",
    "engagement_record",
    "action_item",
    "comment",
    "sign_off",
    "review_record",
    "eia_version",
    "outbox_email",
    "login_attempt",
)


def reset_schema(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade(engine)


def _psycopg_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def last_working_day(day: date) -> date:
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def marker(conn_url: str) -> dict | None:
    """What the database holds (written by ``generate`` as the database's comment)."""
    with psycopg.connect(_psycopg_url(conn_url)) as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
            "WHERE datname = current_database()"
        ).fetchone()
    try:
        return json.loads(row[0]) if row and row[0] else None
    except ValueError:
        return None


def generate(
    size: Size, url: str | None = None, today: date | None = None, seed: int = SEED
) -> dict:
    """Wipe the benchmark database, migrate it, fill it. Returns what was made."""
    url = url or database_url()
    ensure_database(url)
    today = last_working_day(today or date.today())
    started = time.perf_counter()
    engine = make_engine(url)
    try:
        reset_schema(engine)
    finally:
        engine.dispose()
    CODES.clear()
    _CODE_INDEX.clear()
    gen = Generator(size, today, seed)
    with psycopg.connect(_psycopg_url(url)) as conn:
        conn.execute("SET session_replication_role = replica")  # no FK triggers while loading
        counts = gen.run(conn)
        conn.execute("SET session_replication_role = origin")
        for table in SERIAL_TABLES:
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT max(id) FROM {table}), 0) + 1, false)"
            )
        conn.commit()
    # The dashboard's summaries (spells, each version's decision), from the audit trail, the
    # sign-offs and the frozen versions just written (as a migration would).
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            rebuild_summaries(connection)
            page_summaries.rebuild(connection)
            for table in (StageSpell, EiaDecision, EiaPageSummary):
                counts[table.__tablename__] = connection.execute(
                    sa.select(sa.func.count()).select_from(table)
                ).scalar_one()
    finally:
        engine.dispose()
    with psycopg.connect(_psycopg_url(url), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
        counts.update(
            directorate=len(gen.org.directorates),
            service=len(gen.org.services),
            app_user=len(gen.org.users),
        )
        info = {
            "size": size.name,
            "eias": size.eias,
            "seed": seed,
            "today": today.isoformat(),
            "states": dict(sorted(gen.states.items())),
            "rows": dict(sorted(counts.items())),
            "seconds": round(time.perf_counter() - started, 1),
        }
        dbname = conn.execute("SELECT current_database()").fetchone()[0]
        conn.execute(
            f'COMMENT ON DATABASE "{dbname}" IS ' + "'" + json.dumps(info).replace("'", "''") + "'"
        )
    return info


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.generate", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--size", default="council", choices=("small", "council", "national"))
    parser.add_argument("--eias", type=int, help="override the number of EIAs")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    info = generate(size_named(args.size, args.eias), seed=args.seed)
    json.dump(info, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The demo loader: every state of the lifecycle, the stories the demo tells, an intact audit
trail, and loading twice changes nothing."""

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from sqlmodel import SQLModel, select

from eia import audit, demo_data
from eia.demo_content import EIAS, LOGINS, PEOPLE
from eia.demo_data import DEMO_PASSWORD, budget_round, load_demo
from eia.models import (
    ActionItem,
    AuditRecord,
    Characteristic,
    Comment,
    Eia,
    EiaVersion,
    ReviewRecord,
    SignOff,
    User,
    london_date,
    utcnow,
)
from eia.models.enums import OPEN_ACTION_STATUSES, Role
from eia.operations import start_due_reviews
from eia.passwords import verify_password
from workflows.guards import GuardContext, proposal_complete
from workflows.lifecycle import STATES

pytestmark = pytest.mark.slow  # each test loads the demo council


@pytest.fixture
def fast_hashing(monkeypatch):
    """Cheap argon2 parameters: the hashes still verify, the tests run faster."""
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(demo_data, "hash_password", cheap.hash)


def _eias(db) -> dict[str, Eia]:
    return {e.reference: e for e in db.exec(select(Eia)).all()}


def _by_status(db) -> dict[str, list[Eia]]:
    found = {}
    for e in db.exec(select(Eia)).all():
        found.setdefault(e.status, []).append(e)
    return found


def _row_counts(db) -> dict[str, int]:
    return {
        t.name: db.exec(select(sa.func.count()).select_from(t)).one()
        for t in SQLModel.metadata.sorted_tables
    }


def test_every_lifecycle_state_is_present(db, fast_hashing):
    result = load_demo(db)
    assert result.created_eias == len(EIAS)
    assert 14 <= result.created_eias <= 20
    by_status = _by_status(db)
    assert set(by_status) == {s.name for s in STATES}
    assert len(by_status["approved"]) >= 3
    assert audit.verify(db).ok


def test_loading_twice_changes_nothing(db, fast_hashing):
    first = load_demo(db)
    assert first.created_users == len(PEOPLE)
    before, records = _row_counts(db), audit.count(db)
    again = load_demo(db)
    assert (again.created_users, again.created_eias) == (0, 0)
    assert _row_counts(db) == before
    assert audit.count(db) == records
    assert [login.email for login in again.logins] == [login.email for login in first.logins]


def test_an_existing_eia_is_skipped_and_missing_ones_are_added(db, fast_hashing):
    load_demo(db)
    shine = _eias(db)["EIA-DEMO-005"]
    shine.reference = "EIA-DEMO-005-KEPT"  # as if that EIA had never been loaded
    db.add(shine)
    db.flush()
    records = audit.count(db)
    result = load_demo(db)
    assert (result.created_users, result.created_eias) == (0, 1)
    assert audit.count(db) > records
    assert _eias(db)["EIA-DEMO-005"].status == "under_review"


def test_the_audit_trail_is_intact_and_reads_in_time_order(db, fast_hashing):
    load_demo(db)
    report = audit.verify(db)
    assert report.ok, report.message
    records = db.exec(select(AuditRecord).order_by(AuditRecord.seq)).all()
    times = [r.occurred_at for r in records]
    assert all(t.tzinfo is not None for t in times)
    assert times == sorted(times)
    assert times[-1] < utcnow()
    # Every EIA starts with its creation, months before today for most of them.
    eias = _eias(db)
    for e in eias.values():
        first = next(r for r in records if r.eia_id == e.id)
        assert first.event == "created"
        assert e.created_at <= e.status_changed_at <= e.updated_at
    assert sum(1 for e in eias.values() if (utcnow() - e.created_at).days > 90) >= 8


def test_the_demo_tells_its_stories(db, fast_hashing):
    today = london_date(utcnow())
    load_demo(db, today=today)
    eias = _eias(db)
    by_status = _by_status(db)
    sign_offs = db.exec(select(SignOff)).all()

    # Approvals are by an approver of the EIA's directorate who did not write it; one is late.
    approvals = [s for s in sign_offs if s.decision == "approved"]
    for s in approvals:
        assert s.attested and s.approver.role == Role.approver
        assert s.approver.effective_directorate_id == s.eia.directorate_id
        assert s.approver_id != s.eia.owner_id
    late = [s for s in approvals if s.late]
    assert late and all(s.late_reason.strip() for s in late)
    assert all(s.eia.decision_date < london_date(s.signed_at) for s in late)

    # Returned with a comment, fixed and sent again, then approved.
    returned = [s for s in sign_offs if s.decision == "returned"]
    assert returned and all(s.comment.strip() for s in returned)
    for s in returned:
        assert s.eia.status == "approved"
        assert [x.decision for x in sorted(s.eia.sign_offs, key=lambda x: x.signed_at)] == [
            "returned",
            "approved",
        ]

    # Revised into version 2: version 1 frozen as approved, version 2 being assessed.
    revised = [e for e in eias.values() if e.version == 2]
    assert revised and revised[0].status == "full_assessment"
    frozen = db.exec(select(EiaVersion).where(EiaVersion.eia_id == revised[0].id)).all()
    assert [(v.version, v.status, v.snapshot["version"]) for v in frozen] == [(1, "approved", 1)]
    assert any(a.created_in_version == 2 for a in revised[0].actions)
    assert db.exec(select(ReviewRecord).where(ReviewRecord.decision == "revised")).first()
    assert db.exec(select(ReviewRecord).where(ReviewRecord.decision == "confirmed")).first()

    # All four outcomes; outcome 3 with its three-part justification.
    assert {e.outcome for e in eias.values()} >= {"1", "2", "3", "4"}
    outcome_3 = [e for e in eias.values() if e.outcome == "3"]
    assert outcome_3 and outcome_3[0].status == "approved"
    for e in outcome_3:
        assert e.justification_legitimate_aim.strip()
        assert e.justification_less_harmful.strip()
        assert e.justification_proportionate.strip()

    # Awaiting sign-off: one screened out (every answer not relevant, with reasons), one full.
    waiting = by_status["awaiting_sign_off"]
    screened_out = [e for e in waiting if e.screening_conclusion]
    assert screened_out
    for e in screened_out:
        assert e.screening_answers
        assert all(a.relevance == "not_relevant" and a.reason.strip() for a in e.screening_answers)
    assert any(e.impacts for e in waiting)

    # Incomplete work: a draft that cannot start screening yet, part-answered screening,
    # a part-scored full assessment.
    assert all(proposal_complete(GuardContext(eia=e, actor=None)) for e in by_status["draft"])
    active = db.exec(
        select(sa.func.count()).select_from(Characteristic).where(Characteristic.active)
    ).one()
    assert any(0 < len(e.screening_answers) < active for e in by_status["screening"])
    assert any(
        e.version == 1
        and any(i.direction is None for i in e.impacts)
        and any(i.direction for i in e.impacts)
        for e in by_status["full_assessment"]
    )

    # Closed with reasons.
    for e in by_status["withdrawn"] + by_status["archived"]:
        assert e.closing_reason.strip()

    # Intersectional impact: Black Caribbean boys and school exclusions (race x sex).
    combos = [x for e in eias.values() for x in e.intersectional_impacts]
    boys = [x for x in combos if "Black Caribbean boys" in x.description]
    assert boys and {c.key for c in boys[0].characteristics} == {"race", "sex"}

    # Confidential and publishable; a budget round on several budget savings.
    assert any(e.confidential and not e.publishable for e in eias.values())
    assert len([e for e in by_status["approved"] if e.publishable]) >= 3
    tagged = [e for e in eias.values() if e.decision_round == budget_round(today)]
    assert len(tagged) >= 3 and all(e.proposal_type == "budget_saving" for e in tagged)

    # Evidence gaps with reasons, engagement with what changed.
    impacts = [i for e in eias.values() for i in e.impacts]
    assert any(i.evidence_gap and i.evidence_gap_reason for i in impacts)
    records = [r for e in eias.values() for r in e.engagements]
    assert records and all(r.what_changed.strip() and r.held_on <= today for r in records)

    # Action plans: some done, some overdue, some raised from evidence gaps.
    actions = db.exec(select(ActionItem)).all()
    assert any(a.status == "done" and a.completed_on for a in actions)
    assert any(
        a.status in OPEN_ACTION_STATUSES and a.due_date and a.due_date < today for a in actions
    )
    assert any(a.from_evidence_gap for a in actions)

    # The Policy and Equality Unit has commented.
    authors = [c.author.role for c in db.exec(select(Comment)).all()]
    assert authors.count(Role.equality_officer) >= 3

    # The scheduler's review sweep has work to do today.
    due = [
        e.reference
        for e in by_status["approved"]
        if e.review_date is not None and e.review_date <= today
    ]
    assert due
    assert sorted(start_due_reviews(db, today)) == sorted(due)


def test_people_and_logins(db):
    result = load_demo(db)  # real password hashing, as the CLI does it
    assert [login.role for login in result.logins] == list(LOGINS)
    for login in result.logins:
        user = db.exec(select(User).where(User.email == login.email)).one()
        assert user.role == login.role and user.name == login.name
        assert login.password == DEMO_PASSWORD
        assert verify_password(user.password_hash, login.password)
    users = db.exec(select(User).where(User.email.in_([p.email for p in PEOPLE]))).all()
    assert all(u.service_id for u in users if u.role == Role.officer)
    approvers = [u for u in users if u.role == Role.approver]
    assert all(u.directorate_id for u in approvers)
    eias = db.exec(select(Eia)).all()
    assert {e.directorate_id for e in eias} <= {u.directorate_id for u in approvers}


@pytest.mark.parametrize("today", [date(2025, 3, 30), date(2024, 2, 29), date(2026, 10, 25)])
def test_the_demo_loads_whatever_the_day(db, fast_hashing, today):
    """The guards check each step as of the day it is backdated to: daylight saving changes
    and leap days must not upset them."""
    load_demo(db, today=today)
    assert {e.status for e in db.exec(select(Eia)).all()} == {s.name for s in STATES}
    assert audit.verify(db).ok
    last = db.exec(select(sa.func.max(AuditRecord.occurred_at))).one()
    last = last if last.tzinfo else last.replace(tzinfo=UTC)
    assert last < datetime.combine(today, datetime.min.time(), tzinfo=UTC)


def test_budget_round_is_the_one_being_prepared():
    assert budget_round(date(2026, 11, 23)) == "Budget 2027/28"
    assert budget_round(date(2027, 2, 20)) == "Budget 2027/28"
    assert budget_round(date(2027, 3, 1)) == "Budget 2028/29"

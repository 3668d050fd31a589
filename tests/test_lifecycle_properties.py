"""Property-based: random sequences of events and edits by random people, on random days.

Whatever happens, an EIA is only ever in a state the table allows, moves only along the
table's edges, is never decided on (approved, returned, its review confirmed) by anyone who
wrote, edited or submitted the version decided, and the audit trail verifies with exactly
one record per accepted change.
"""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlmodel import func, select

from eia import audit
from eia import operations as ops
from eia.models import AuditRecord, Characteristic, SignOff, london_date
from eia.reporting import page_summaries
from eia.reporting.filters import Filters
from eia.reporting.summaries import rebuild
from workflows import TransitionRefused
from workflows.lifecycle import EVENTS, STATES, TRANSITIONS
from workflows.machine import MACHINE

from .factories import Factories
from .support.cube import cells as cube_cells
from .support.cube import same_dashboards
from .support.db import session_on
from .support.summaries import page_snapshot
from .support.summaries import snapshot as summaries_snapshot

pytestmark = pytest.mark.slow  # random histories, hundreds of steps each

EDGES = {(t.source, t.event, t.dest) for t in TRANSITIONS}
STATE_NAMES = {s.name for s in STATES}
TEXT = st.sampled_from(["", "  ", "Because the data says so.", "Add evidence for disability."])


class LifecycleMachine(RuleBasedStateMachine):
    def __init__(self, engine):
        super().__init__()
        self.conn = engine.connect()
        self.outer = self.conn.begin()
        self.db = session_on(self.conn)
        make = Factories(self.db)
        d1, d2 = make.directorate(), make.directorate()
        s1, s2 = make.service(d1), make.service(d2)
        self.people = [
            make.user("officer", service=s1),
            make.user("officer", service=s1),
            make.user("officer", service=s2),
            make.user("approver", directorate=d1),
            make.user("approver", directorate=d1, service=s1),  # head of service: may author
            make.user("approver", directorate=d2),
            make.user("equality_officer"),
            make.user("admin"),
        ]
        self.chars = self.db.exec(select(Characteristic).order_by(Characteristic.position)).all()
        self.now = datetime(2026, 3, 2, 10, tzinfo=UTC)
        self.eias = []
        for author in (self.people[0], self.people[4]):
            self.eias.append(
                ops.create_eia(self.db, author, service=s1, at=self.now, title="Proposal")
            )
        self.visited = {"draft"}
        self.base_records = self._records()
        self.accepted = len(self.eias)  # each creation is a change with its record

    def teardown(self):
        self.db.close()
        self.outer.rollback()
        self.conn.close()

    def _records(self) -> int:
        return self.db.exec(select(func.count()).select_from(AuditRecord)).one()

    def _try(self, fn, *args, **kwargs):
        """Run an operation in a savepoint; a refusal must leave nothing behind."""
        before = self._records()
        try:
            with self.db.begin_nested():
                result = fn(*args, **kwargs)
        except (TransitionRefused, ops.EditRefused):
            assert self._records() == before
            return None
        return result

    # --- time passes ---------------------------------------------------------------------
    @rule(days=st.integers(0, 400))
    def time_passes(self, days):
        self.now += timedelta(days=days)

    # --- edits -----------------------------------------------------------------------------
    @rule(
        i=st.integers(0, 1),
        who=st.integers(0, 7),
        complete=st.booleans(),
        days_to_decision=st.one_of(st.none(), st.integers(-30, 120)),
    )
    def edit_proposal(self, i, who, complete, days_to_decision):
        eia = self.eias[i]
        values = dict(
            summary="Summary." if complete else "",
            proposal_type="service_change",
            affects=["residents"],
            decision_type="officer",
            decision_maker="Director",
            decision_date=None
            if days_to_decision is None
            else (self.now + timedelta(days=days_to_decision)).date(),
        )
        before = self._records()
        if self._try(
            ops.update_eia, self.db, eia, "proposal", self.people[who], values, at=self.now
        ):
            self.accepted += 1
        assert self._records() - before in (0, 1)

    @rule(
        i=st.integers(0, 1),
        who=st.integers(0, 7),
        relevances=st.lists(
            st.sampled_from(["relevant", "not_relevant", "unknown", None]), min_size=10, max_size=10
        ),
        reason=TEXT,
    )
    def screen(self, i, who, relevances, reason):
        answers = {c.id: (r, reason) for c, r in zip(self.chars, relevances, strict=False)}
        if self._try(
            ops.save_screening, self.db, self.eias[i], self.people[who], answers, at=self.now
        ):
            self.accepted += 1

    @rule(
        i=st.integers(0, 1),
        who=st.integers(0, 7),
        direction=st.sampled_from(["negative", "positive", "neutral", "unclear"]),
        scores=st.lists(st.integers(1, 4), min_size=4, max_size=4),
        mitigation=TEXT,
        gap=st.booleans(),
        evidence=TEXT,
    )
    def assess(self, i, who, direction, scores, mitigation, gap, evidence):
        eia, person = self.eias[i], self.people[who]
        for answer in list(eia.screening_answers):
            if answer.relevance in ("relevant", "unknown"):
                values = dict(
                    direction=direction,
                    inherent_likelihood=scores[0],
                    inherent_severity=scores[1],
                    residual_likelihood=scores[2],
                    residual_severity=scores[3],
                    mitigation=mitigation,
                )
                if self._try(
                    ops.save_impact,
                    self.db,
                    eia,
                    person,
                    answer.characteristic_id,
                    values,
                    at=self.now,
                ):
                    self.accepted += 1
                actions_before = len(eia.actions)
                ev = dict(
                    evidence="" if gap else evidence,
                    evidence_gap=gap,
                    evidence_gap_reason=evidence if gap else "",
                )
                if self._try(
                    ops.save_impact,
                    self.db,
                    eia,
                    person,
                    answer.characteristic_id,
                    ev,
                    section="evidence",
                    at=self.now,
                ):
                    self.accepted += 1 + (len(eia.actions) - actions_before)

    # Only once an EIA is in full assessment (where these rows are edited): before then the
    # search draws the same steps as without this rule, and still reaches it.
    @precondition(lambda self: any(e.status == "full_assessment" for e in self.eias))
    @rule(
        i=st.integers(0, 1),
        who=st.sampled_from([0, 4, 1]),  # the team: officers of s1 and its head
        kind=st.sampled_from(["action", "engagement", "intersectional", "remove"]),
        planned=st.booleans(),
    )
    def other_rows(self, i, who, kind, planned):
        """Actions (planned or not), engagement records and intersectional impacts (scored
        or not), added and removed: rows the pages' kept summaries are worked out from."""
        eia, person = self.eias[i], self.people[who]
        if kind == "action":
            values = dict(
                description="Run a drop-in session",
                status="planned",
                owner_id=person.id if planned else None,
                due_date=(self.now + timedelta(days=30)).date() if planned else None,
            )
            done = self._try(ops.save_action, self.db, eia, person, values, at=self.now)
        elif kind == "engagement":
            values = dict(who="Residents' forum", method="Meeting")
            done = self._try(ops.add_engagement, self.db, eia, person, values, at=self.now)
        elif kind == "intersectional":
            scores = (
                dict(
                    direction="negative",
                    inherent_likelihood=2,
                    inherent_severity=3,
                    residual_likelihood=1,
                    residual_severity=2,
                )
                if planned
                else {}
            )
            chars = [c.id for c in self.chars[:2]]
            values = dict(description="Older disabled people", **scores)
            done = self._try(
                ops.save_intersectional, self.db, eia, person, values, chars, at=self.now
            )
        else:
            rows = (
                [(ops.remove_action, a.id) for a in eia.actions]
                + [(ops.remove_engagement, r.id) for r in eia.engagements]
                + [(ops.remove_intersectional, x.id) for x in eia.intersectional_impacts]
            )
            if not rows:
                return
            remove, row_id = rows[0]
            done = self._try(remove, self.db, eia, person, row_id, at=self.now)
        if done:
            self.accepted += 1

    @rule(
        i=st.integers(0, 1),
        who=st.integers(0, 7),
        outcome=st.sampled_from(["1", "2", "3", "4", None]),
        justified=st.booleans(),
        review_in=st.integers(-5, 700),
    )
    def choose_outcome(self, i, who, outcome, justified, review_in):
        j = "Proportionate to a legitimate aim." if justified else ""
        values = dict(
            outcome=outcome,
            justification_legitimate_aim=j,
            justification_less_harmful=j,
            justification_proportionate=j,
            review_date=(self.now + timedelta(days=review_in)).date(),
        )
        if self._try(
            ops.update_eia, self.db, self.eias[i], "outcome", self.people[who], values, at=self.now
        ):
            self.accepted += 1

    @rule(
        i=st.integers(0, 1),
        who=st.integers(0, 7),
        status=st.sampled_from(["proposed", "planned", "in_progress", "done", "cancelled"]),
        due_in=st.one_of(st.none(), st.integers(-60, 60)),
        change=st.booleans(),
        remove=st.booleans(),
        engage=st.booleans(),
    )
    def act(self, i, who, status, due_in, change, remove, engage):
        """Actions added, changed or removed, and engagement recorded: what the overdue
        actions, gaps without actions and engagement figures count."""
        eia, person = self.eias[i], self.people[who]
        due = None if due_in is None else (self.now + timedelta(days=due_in)).date()
        values = dict(description="Do it.", status=status, due_date=due)
        gap = next((x for x in eia.impacts if x.evidence_gap), None)
        if gap is not None and not change:
            values["impact_id"] = gap.id
        existing = eia.actions[-1].id if eia.actions else None
        if remove and existing is not None:
            done = self._try(ops.remove_action, self.db, eia, person, existing, at=self.now)
        else:
            target = existing if change else None
            done = self._try(
                ops.save_action, self.db, eia, person, values, action_id=target, at=self.now
            )
        if done:
            self.accepted += 1
        if engage and self._try(
            ops.add_engagement, self.db, eia, person, {"who": "Residents"}, at=self.now
        ):
            self.accepted += 1

    # --- events ----------------------------------------------------------------------------
    @rule(
        i=st.integers(0, 1),
        event=st.sampled_from(EVENTS),
        who=st.one_of(st.none(), st.integers(0, 7)),
        attested=st.booleans(),
        text=TEXT,
        return_to=st.sampled_from([None, "screening", "full_assessment", "approved"]),
        next_review=st.integers(-10, 800),
    )
    def fire(self, i, event, who, attested, text, return_to, next_review):
        self._fire(i, event, who, attested, text, return_to, next_review)

    @rule(
        i=st.integers(0, 1),
        data=st.data(),
        who=st.sampled_from([0, 1, 3, 4, 5]),
        return_to=st.sampled_from([None, "screening", "full_assessment"]),
    )
    def fire_a_next_step(self, i, data, who, return_to):
        """Steer toward progress: an event that leaves the current state, with good inputs,
        by someone with a part in it (still refused when a guard is not met)."""
        triggers = MACHINE.get_triggers(self.eias[i].status)
        if triggers:
            event = data.draw(st.sampled_from(sorted(triggers)))
            self._fire(i, event, who, True, "Because the data says so.", return_to, 365)

    @rule(i=st.integers(0, 1), who=st.sampled_from([0, 4]), relevant=st.booleans(), data=st.data())
    def complete_the_current_section(self, i, who, relevant, data):
        """Fill in what the current state needs, as a diligent officer would, and try to
        move on (by the officer, or by the approver who did not write it)."""
        eia = self.eias[i]
        steps = {
            "draft": lambda: self.edit_proposal(i, who, True, 90),
            "screening": lambda: self.screen(
                i,
                who,
                (["relevant"] if relevant else ["not_relevant"]) + ["not_relevant"] * 9,
                "Considered with service data.",
            ),
            "full_assessment": lambda: (
                self.assess(i, who, "negative", [3, 3, 2, 2], "Mitigated.", False, "Data."),
                self.choose_outcome(i, who, "2", True, 365),
            ),
        }
        if eia.status in steps:
            steps[eia.status]()
        forward = sorted(set(MACHINE.get_triggers(eia.status)) - {"withdraw", "archive"})
        if forward:
            event = data.draw(st.sampled_from(forward))
            mover = data.draw(st.sampled_from([who, 3]))
            self._fire(i, event, mover, True, "Reviewed with the service.", None, 365)

    def _fire(self, i, event, who, attested, text, return_to, next_review):
        eia = self.eias[i]
        actor = None if who is None else self.people[who]
        source = eia.status
        record = self._try(
            ops.transition,
            self.db,
            eia,
            event,
            actor,
            at=self.now,
            attested=attested,
            comment=text,
            reason=text,
            review_notes=text,
            late_reason=text,
            return_to=return_to,
            next_review_date=(self.now + timedelta(days=next_review)).date(),
        )
        if record is None:
            assert eia.status == source
            return
        self.accepted += 1
        self.visited.add(eia.status)
        assert (source, event, eia.status) in EDGES
        assert (record.from_state, record.event, record.to_state) == (source, event, eia.status)
        if event == "approve":
            assert actor is not None and actor.id != eia.owner_id
        if event in ("approve", "return", "confirm_review"):
            # Segregation of duties, checked here from the whole trail in plain Python.
            worked_on = [
                r
                for r in self.db.exec(
                    select(AuditRecord).where(
                        AuditRecord.eia_id == eia.id,
                        AuditRecord.eia_version == record.eia_version,
                        AuditRecord.actor_id == actor.id,
                    )
                ).all()
                if r.action == "edit" or r.event in ("submit_for_sign_off", "screen_out")
            ]
            assert worked_on == [], (event, [(r.action, r.event) for r in worked_on])

    # --- invariants ------------------------------------------------------------------------
    @invariant()
    def states_are_in_the_table(self):
        assert {e.status for e in self.eias} <= STATE_NAMES

    @invariant()
    def no_author_ever_approved(self):
        approvals = self.db.exec(select(SignOff).where(SignOff.decision == "approved")).all()
        assert all(s.approver_id != s.eia.owner_id for s in approvals)

    @invariant()
    def one_record_per_accepted_change(self):
        assert self._records() - self.base_records == self.accepted - len(self.eias)

    def check_trail(self):
        report = audit.verify(self.db)
        assert report.ok, report.message
        # The dashboard's summaries, kept on each step, say what the trail says.
        self.db.flush()
        kept = summaries_snapshot(self.db)
        # The dashboard's cube, kept on each write, gives the figures the base tables give.
        kept_cells = cube_cells(self.db)
        from_cube, from_tables = same_dashboards(self.db, Filters(), london_date(self.now))
        assert from_cube == from_tables
        kept_pages = page_snapshot(self.db)
        rebuild(self.db.connection())
        # ... and so do the pages' summaries (eia.reporting.page_summaries), what the EIAs'
        # rows and the trail say after every random history.
        assert page_summaries.rebuild(self.db.connection()) == len(self.eias) == len(kept_pages)
        self.db.expire_all()
        assert summaries_snapshot(self.db) == kept
        assert cube_cells(self.db) == kept_cells
        assert page_snapshot(self.db) == kept_pages


def test_random_histories_keep_the_lifecycle_and_audit_trail_sound(engine):
    machines = []

    def factory():
        machine = LifecycleMachine(engine)
        machines.append(machine)
        original = machine.teardown

        def teardown():
            try:
                machine.check_trail()
            finally:
                original()

        machine.teardown = teardown
        return machine

    # Derandomised: the same search every run, so whether it reaches full assessment (below)
    # does not depend on luck (a random search missed it about once in twenty runs).
    run_state_machine_as_test(
        factory,
        settings=settings(
            max_examples=60,
            stateful_step_count=50,
            deadline=None,
            derandomize=True,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
    reached = set().union(*(m.visited for m in machines))
    # The search must get somewhere, or the properties above were checked on nothing. (It
    # usually reaches approval and review too, but not in every run: requiring it made the
    # test flaky. Approval rules have their own tests in test_lifecycle.py.)
    assert {"screening", "full_assessment", "awaiting_sign_off"} <= reached, reached

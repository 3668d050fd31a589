"""Completion is counted per decision: each version of an EIA with a decision date is one
decision, in the quarter of its own decision date, on time, late or missed by its own
sign-off. A revised EIA is counted once per version; the dashboard's late figure and the
"signed off after the decision date" flag are one count; an approval with no decision date
has a row of its own and a flag; a review started early is not overdue."""

from datetime import UTC, date, datetime, timedelta

import pytest

from eia import operations as ops
from eia.reporting.drilldown import drilldown
from eia.reporting.figures import dashboard
from eia.reporting.filters import Filters, Quarter
from eia.reporting.quality import flags_for

TODAY = date(2026, 6, 1)


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


class Story:
    """One EIA driven through the real operations on the days given."""

    def __init__(self, db, make, *, decision_date: date | None, started: date):
        self.db, self.make = db, make
        self.owner = make.user("officer")
        self.approver = make.user("approver", directorate=self.owner.service.directorate)
        self.eia = ops.create_eia(
            db,
            self.owner,
            service=self.owner.service,
            at=at(started),
            title="Library opening hours",
        )
        ops.update_eia(
            db,
            self.eia,
            "proposal",
            self.owner,
            dict(
                summary="Shorter opening hours at two libraries.",
                proposal_type="service_change",
                affects=["residents"],
                decision_type="committee",
                decision_maker="Executive",
                decision_date=decision_date,
            ),
            at=at(started),
        )
        self.fire("start_screening", started)
        make.screen(self.eia, self.owner)
        self.fire("start_full_assessment", started)
        make.assess(self.eia, self.owner)
        db.flush()

    def fire(self, event: str, day: date, actor=None, **inputs):
        ops.transition(self.db, self.eia, event, actor or self.owner, at=at(day), **inputs)
        self.db.flush()

    def approve(self, day: date):
        late = self.eia.decision_date is not None and day > self.eia.decision_date
        self.fire("submit_for_sign_off", day - timedelta(days=1))
        self.fire(
            "approve",
            day,
            self.approver,
            attested=True,
            **({"late_reason": "The committee met early."} if late else {}),
        )

    def revise(self, day: date, decision_date: date | None):
        self.fire("start_review", day - timedelta(days=1))
        self.fire("revise", day, self.approver, review_notes="The service changed again.")
        ops.update_eia(
            self.db, self.eia, "proposal", self.owner, {"decision_date": decision_date}, at=at(day)
        )
        self.db.flush()


def counts(c) -> tuple:
    return c.on_time, c.late, c.missed, c.upcoming, c.due


def by_quarter(d) -> dict:
    return {c.quarter: counts(c) for c in d.completion_by_quarter}


def listed(db, today=TODAY, **args) -> list[tuple]:
    found = drilldown(db, Filters(), args, today)
    return [(e.reference, e.decision_date) for e in found.entries]


def test_a_revised_eia_is_counted_once_per_decision_in_its_own_quarter(db, make):
    """v1 approved on time for a June 2025 decision; revised in 2026 with a new decision
    date; v2 approved three days late: one on-time and one late decision."""
    story = Story(db, make, decision_date=date(2025, 6, 20), started=date(2025, 4, 1))
    story.approve(date(2025, 6, 10))
    story.revise(date(2026, 2, 2), decision_date=date(2026, 3, 10))
    story.approve(date(2026, 3, 13))

    d = dashboard(db, Filters(), TODAY)
    assert counts(d.completion_total) == (1, 1, 0, 0, 2)
    assert by_quarter(d) == {Quarter(2025, 1): (1, 0, 0, 0, 1), Quarter(2025, 4): (0, 1, 0, 0, 1)}
    assert d.flags["late_sign_off"] == d.completion_total.late == 1
    ref = story.eia.reference
    assert listed(db, figure="completion", value="on_time") == [(ref, date(2025, 6, 20))]
    assert listed(db, figure="completion", value="late") == [(ref, date(2026, 3, 10))]
    assert sorted(listed(db, figure="completion", value="due")) == [
        (ref, date(2025, 6, 20)),
        (ref, date(2026, 3, 10)),
    ]
    # A period picks the decisions dated in it: v1's quarter holds v1's decision alone.
    q1 = dashboard(db, Filters(quarter=Quarter(2025, 1)), TODAY)
    assert counts(q1.completion_total) == (1, 0, 0, 0, 1)
    assert q1.flags["late_sign_off"] == 0
    assert listed(db, figure="completion", value="on_time", fq="2025-Q1") == [
        (ref, date(2025, 6, 20))
    ]


def test_a_new_version_never_signed_whose_date_passed_is_missed(db, make):
    story = Story(db, make, decision_date=date(2025, 6, 20), started=date(2025, 4, 1))
    story.approve(date(2025, 6, 10))
    story.revise(date(2026, 2, 2), decision_date=date(2026, 3, 10))

    d = dashboard(db, Filters(), TODAY)
    assert counts(d.completion_total) == (1, 0, 1, 0, 2)
    assert by_quarter(d) == {Quarter(2025, 1): (1, 0, 0, 0, 1), Quarter(2025, 4): (0, 0, 1, 0, 1)}
    assert listed(db, figure="completion", value="missed") == [
        (story.eia.reference, date(2026, 3, 10))
    ]
    # Before v2's date it was to come, not missed.
    earlier = dashboard(db, Filters(), date(2026, 3, 1))
    assert counts(earlier.completion_total) == (1, 0, 0, 1, 1)


def test_the_late_figure_and_the_late_flag_are_one_count(db, make):
    """They disagreed: the flag counted withdrawn EIAs and EIAs without a decision date."""
    late_then_withdrawn = Story(
        db, make, decision_date=date(2026, 1, 10), started=date(2025, 11, 1)
    )
    late_then_withdrawn.approve(date(2026, 1, 12))
    late_then_withdrawn.fire("withdraw", date(2026, 2, 1), reason="Dropped.")
    twice_late = Story(db, make, decision_date=date(2025, 6, 20), started=date(2025, 4, 1))
    twice_late.approve(date(2025, 6, 25))
    twice_late.revise(date(2026, 2, 2), decision_date=date(2026, 3, 10))
    twice_late.approve(date(2026, 3, 13))

    d = dashboard(db, Filters(), TODAY)
    assert d.completion_total.late == 2
    assert d.flags["late_sign_off"] == d.completion_total.late
    flagged = drilldown(db, Filters(), {"figure": "flag", "value": "late_sign_off"}, TODAY)
    assert flagged.count == 2 and flagged.unit == "decision"
    assert [f.key for f in flags_for(db, twice_late.eia.id, TODAY) if f.key == "late_sign_off"] == [
        "late_sign_off"
    ]


def test_an_approval_with_no_decision_date_has_its_own_row_and_a_flag(db, make):
    story = Story(db, make, decision_date=None, started=date(2026, 1, 5))
    story.approve(date(2026, 2, 2))
    dated = Story(db, make, decision_date=date(2026, 3, 1), started=date(2026, 1, 5))
    dated.approve(date(2026, 2, 2))

    d = dashboard(db, Filters(), TODAY)
    total = d.completion_total
    assert (total.on_time, total.no_date, total.due) == (1, 1, 2)
    assert total.rate == pytest.approx(0.5)  # cannot be shown on time: not left out
    rows = {c.quarter: c.no_date for c in d.completion_by_quarter}
    assert rows == {Quarter(2025, 4): 0, None: 1}
    assert [(c.directorate, c.quarter, c.no_date) for c in d.completion if c.quarter is None] == [
        (story.eia.directorate.name, None, 1)
    ]
    assert d.flags["no_decision_date"] == 1
    assert "no_decision_date" in [f.key for f in flags_for(db, story.eia.id, TODAY)]
    assert listed(db, figure="completion", value="no_date") == [(story.eia.reference, None)]
    assert listed(db, figure="flag", value="no_decision_date") == [(story.eia.reference, None)]


def test_approval_on_the_day_of_the_decision_is_on_time(db, make):
    story = Story(db, make, decision_date=date(2026, 3, 10), started=date(2026, 1, 5))
    story.approve(date(2026, 3, 10))
    d = dashboard(db, Filters(), TODAY)
    assert counts(d.completion_total) == (1, 0, 0, 0, 1)


def test_a_review_started_early_is_not_overdue(db, make):
    story = Story(db, make, decision_date=date(2025, 6, 20), started=date(2025, 4, 1))
    story.approve(date(2025, 6, 10))
    story.eia.review_date = TODAY + timedelta(days=30)
    story.fire("start_review", TODAY - timedelta(days=3))  # good practice, not a failure

    d = dashboard(db, Filters(), TODAY)
    assert (d.reviews_past_date, d.reviews_under_review, d.reviews_overdue) == (0, 0, 0)
    assert d.flags["review_overdue"] == 0
    assert "review_overdue" not in [f.key for f in flags_for(db, story.eia.id, TODAY)]
    assert listed(db, figure="reviews", value="all") == []
    # Its review date passes with the review still open: now it is overdue.
    later = TODAY + timedelta(days=31)
    d = dashboard(db, Filters(), later)
    assert (d.reviews_past_date, d.reviews_under_review, d.reviews_overdue) == (0, 1, 1)
    assert "review_overdue" in [f.key for f in flags_for(db, story.eia.id, later)]
    assert listed(db, today=later, figure="reviews", value="under_review") == [
        (story.eia.reference, story.eia.decision_date)
    ]

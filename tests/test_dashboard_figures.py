"""The dashboard's figures (eia.reporting.figures): known data in, the expected numbers out,
the filters narrowing them, the list behind each figure agreeing with it, and a number of
SQL queries that does not grow with the data."""

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from eia import operations as ops
from eia.models import ActionItem
from eia.reporting.drilldown import BadFigure, drilldown
from eia.reporting.figures import dashboard
from eia.reporting.filters import Filters, Quarter, filter_options
from eia.reporting.sql import quarter_key_of
from eia.reporting.stages import median_days_by_stage
from forms.dashboard import DashboardFilterForm

from .support.db import count_queries
from .support.figures import build_world, today


def test_every_figure_has_the_expected_number(db, make):
    world = build_world(db, make)
    d = dashboard(db, Filters())

    assert d.total_eias == 11
    assert d.states == {
        "approved": 4,
        "awaiting_sign_off": 3,
        "under_review": 1,
        "draft": 1,
        "withdrawn": 1,
        "full_assessment": 1,
    }

    total = d.completion_total
    # Decisions: on time: on_time, under_review, review_due, revised's version 1; late;
    # no decision date; missed; to come: upcoming, screened out, revised's version 2.
    assert (total.on_time, total.late, total.no_date, total.missed, total.upcoming, total.due) == (
        4,
        1,
        1,
        1,
        3,
        7,
    )
    assert total.rate == pytest.approx(4 / 7) and total.rate_text == "57%"
    assert {c.directorate for c in d.completion} == {"Directorate A", "Directorate B"}
    a_rows = [c for c in d.completion if c.directorate == "Directorate A"]
    assert sum(c.on_time for c in a_rows) == 2 and sum(c.late for c in a_rows) == 1
    assert sum(c.missed for c in a_rows) == 1
    b_rows = [c for c in d.completion if c.directorate == "Directorate B"]
    assert sum(c.on_time for c in b_rows) == 2 and sum(c.upcoming for c in b_rows) == 3
    # The approval with no decision date: a row of its own, after the quarters.
    assert [
        (c.directorate, c.quarter, c.no_date, c.due) for c in d.completion if c.quarter is None
    ] == [("Directorate B", None, 1, 1)]
    assert d.completion[-1].quarter is None and d.completion_by_quarter[-1].quarter is None
    # Each row sits in the quarter of its decisions' dates (revised: both versions').
    quarters = {
        Quarter.from_key(quarter_key_of(e.decision_date))
        for e in world.eias.values()
        if e.decision_date and e.status != "withdrawn"
    }
    quarters.add(Quarter.of(today() + timedelta(days=60)))  # revised's version 1
    assert {c.quarter for c in d.completion_by_quarter} == quarters | {None}
    assert sum(c.due for c in d.completion_by_quarter) == 7

    # Overdue: review_due alone (under_review's review was started before its date).
    assert (d.reviews_past_date, d.reviews_under_review, d.reviews_overdue) == (1, 0, 1)
    assert (d.overdue_actions, d.eias_with_overdue_actions) == (2, 2)
    assert (d.screened_out, d.fully_assessed, d.screening_decided) == (1, 8, 9)
    assert d.share_screened_out == pytest.approx(1 / 9)
    assert d.evidence_gaps_total == 2
    assert {(g.name, g.count) for g in d.evidence_gaps} == {("Age", 1), ("Disability", 1)}
    assert d.outcomes == {"1": 0, "2": 7, "3": 1, "4": 0}
    # Signed off: on_time, late, under_review, review_due, no_date (age and disability each).
    assert [(n.name, n.by_band, n.total) for n in d.negative_impacts] == [
        ("Disability", {"negligible": 0, "low": 4, "medium": 0, "high": 1}, 5),
        ("Age", {"negligible": 0, "low": 5, "medium": 0, "high": 0}, 5),
    ]
    assert d.flags == {
        "late_sign_off": 1,
        "no_decision_date": 1,
        "no_engagement": 2,
        "gaps_without_actions": 1,
        "outcome_3_unjustified": 1,
        "review_overdue": 1,
    }


def test_filters_narrow_every_figure(db, make):
    world = build_world(db, make)
    a = world.directorates["A"]
    d = dashboard(db, Filters(directorate_id=a.id))
    assert d.total_eias == 4  # on_time, late, missed, review_due
    assert d.states == {"approved": 3, "awaiting_sign_off": 1}
    assert {c.directorate for c in d.completion} == {"Directorate A"}
    assert (d.completion_total.on_time, d.completion_total.late, d.completion_total.missed) == (
        2,
        1,
        1,
    )
    assert d.flags["review_overdue"] == 1 and d.overdue_actions == 2

    d = dashboard(db, Filters(service_id=world.services["B1"].id))
    assert d.total_eias == 7 and d.reviews_under_review == 0 and d.overdue_actions == 0
    assert (
        d.completion_total.on_time,
        d.completion_total.upcoming,
        d.completion_total.no_date,
    ) == (2, 3, 1)

    d = dashboard(db, Filters(proposal_type="budget_saving"))
    assert d.total_eias == 1 and d.completion_total.upcoming == 1

    # The period is about the decision date: the past ten days hold late and missed.
    d = dashboard(db, Filters(date_from=today() - timedelta(days=10), date_to=today()))
    assert d.total_eias == 2
    assert (d.completion_total.late, d.completion_total.missed) == (1, 1)
    q = Quarter.of(today() - timedelta(days=10))
    d = dashboard(db, Filters(quarter=q))
    expected = sum(
        1
        for e in world.eias.values()
        if e.decision_date and q.first_day <= e.decision_date <= q.last_day
    )
    assert d.total_eias == expected


FIGURES = [
    ({"figure": "total"}, lambda d: d.total_eias),
    *[
        ({"figure": "state", "value": s}, lambda d, s=s: d.states.get(s, 0))
        for s in (
            "approved",
            "awaiting_sign_off",
            "under_review",
            "draft",
            "withdrawn",
            "screening",
        )
    ],
    *[
        ({"figure": "completion", "value": p}, lambda d, p=p: getattr(d.completion_total, p))
        for p in ("on_time", "late", "no_date", "missed", "upcoming", "due")
    ],
    ({"figure": "reviews", "value": "past_date"}, lambda d: d.reviews_past_date),
    ({"figure": "reviews", "value": "under_review"}, lambda d: d.reviews_under_review),
    ({"figure": "reviews", "value": "all"}, lambda d: d.reviews_overdue),
    ({"figure": "actions_overdue"}, lambda d: d.overdue_actions),
    ({"figure": "eias_actions_overdue"}, lambda d: d.eias_with_overdue_actions),
    ({"figure": "screening", "value": "screened_out"}, lambda d: d.screened_out),
    ({"figure": "screening", "value": "full_assessment"}, lambda d: d.fully_assessed),
    ({"figure": "screening", "value": "decided"}, lambda d: d.screening_decided),
    ({"figure": "evidence_gaps"}, lambda d: d.evidence_gaps_total),
    *[({"figure": "outcome", "value": o}, lambda d, o=o: d.outcomes[o]) for o in "1234"],
    ({"figure": "negative_impacts"}, lambda d: sum(n.total for n in d.negative_impacts)),
    *[
        ({"figure": "flag", "value": f}, lambda d, f=f: d.flags[f])
        for f in (
            "late_sign_off",
            "no_decision_date",
            "no_engagement",
            "gaps_without_actions",
            "outcome_3_unjustified",
            "review_overdue",
        )
    ],
    *[
        ({"figure": "stage", "value": s}, lambda d, s=s: d.stages[s].spells)
        for s in ("draft", "screening", "full_assessment", "awaiting_sign_off", "approved")
    ],
]


@pytest.mark.parametrize("directorate", [None, "A", "B"])
def test_each_list_has_as_many_entries_as_its_figure(db, make, directorate):
    world = build_world(db, make)
    filters = Filters(directorate_id=world.directorates[directorate].id if directorate else None)
    d = dashboard(db, filters)
    for args, figure in FIGURES:
        assert drilldown(db, filters, args, today()).count == figure(d), args
    # The finer cells: each directorate x quarter, each characteristic x band.
    for c in [*d.completion, *d.completion_by_quarter]:
        for part in ("on_time", "late", "no_date", "missed", "upcoming", "due"):
            args = {"figure": "completion", "value": part, "fq": c.quarter_value}
            if c.directorate_id is not None:
                args["group"] = str(c.directorate_id)
            assert drilldown(db, filters, args, today()).count == getattr(c, part), args
    for n in d.negative_impacts:
        for band, count in n.by_band.items():
            args = {
                "figure": "negative_impacts",
                "characteristic": str(n.characteristic_id),
                "band": band,
            }
            assert drilldown(db, filters, args, today()).count == count, args
    for g in d.evidence_gaps:
        args = {"figure": "evidence_gaps", "characteristic": str(g.characteristic_id)}
        assert drilldown(db, filters, args, today()).count == g.count


def test_the_lists_name_the_right_eias(db, make):
    world = build_world(db, make)
    e = world.eias

    def refs(**args):
        return {x.reference for x in drilldown(db, Filters(), args, today()).entries}

    assert refs(figure="completion", value="late") == {e["late"].reference}
    assert refs(figure="completion", value="missed") == {e["missed"].reference}
    assert refs(figure="reviews", value="all") == {e["review_due"].reference}
    # The revised EIA is listed once per decision: version 1 on time, version 2 to come.
    due = drilldown(db, Filters(), {"figure": "completion", "value": "upcoming"}, today())
    assert (e["revised"].reference, today() + timedelta(days=120), [2, "Not signed off"]) in [
        (x.reference, x.decision_date, x.details) for x in due.entries
    ]
    on_time = drilldown(db, Filters(), {"figure": "completion", "value": "on_time"}, today())
    assert (e["revised"].reference, today() + timedelta(days=60), [1, today()]) in [
        (x.reference, x.decision_date, x.details) for x in on_time.entries
    ]
    overdue = drilldown(db, Filters(), {"figure": "actions_overdue"}, today())
    assert sorted(x.details[2] for x in overdue.entries) == ["In progress", "Planned"]
    assert refs(figure="screening", value="screened_out") == {e["screened_out"].reference}
    high = drilldown(db, Filters(), {"figure": "negative_impacts", "band": "high"}, today())
    assert [(x.reference, x.details) for x in high.entries] == [
        (e["late"].reference, ["Disability", "High"])
    ]


@pytest.mark.parametrize(
    "args, field",
    [
        ({}, "figure"),
        ({"figure": "nope"}, "figure"),
        ({"figure": "state", "value": "x"}, "value"),
        ({"figure": "completion", "value": "late", "group": "99999"}, "group"),
        ({"figure": "completion", "value": "late", "group": "x"}, "group"),
        ({"figure": "completion", "value": "late", "fq": "2026-Q9"}, "fq"),
        ({"figure": "negative_impacts", "characteristic": "99999"}, "characteristic"),
        ({"figure": "negative_impacts", "band": "awful"}, "band"),
    ],
)
def test_a_figure_that_does_not_exist_is_refused_in_words(db, args, field):
    with pytest.raises(BadFigure) as refused:
        drilldown(db, Filters(), args, today())
    assert refused.value.field == field and refused.value.message


def test_median_days_in_each_stage_from_the_audit_trail(db, make):
    owner = make.user("officer")
    start = datetime(2026, 1, 5, 9, tzinfo=UTC)
    # Draft spells of 2, 4 and 10 days (median 4); screening spells of 1 and 3 days (median 2,
    # the mean of the middle two); a third still in screening does not count.
    eias = []
    for draft_days, screening_days in ((2, 1), (4, 3), (10, None)):
        eia = ops.create_eia(db, owner, service=owner.service, at=start, title="Timed")
        make.fill_proposal(eia, owner)
        ops.transition(db, eia, "start_screening", owner, at=start + timedelta(days=draft_days))
        if screening_days is not None:
            make.screen(eia, owner)
            ops.transition(
                db,
                eia,
                "start_full_assessment",
                owner,
                at=start + timedelta(days=draft_days + screening_days),
            )
        eias.append(eia)
    db.flush()
    found = median_days_by_stage(db, sa.true())
    assert found["draft"].spells == 3
    assert found["draft"].median_days == pytest.approx(4, abs=0.001)
    assert found["screening"].spells == 2
    assert found["screening"].median_days == pytest.approx(2, abs=0.001)
    assert found["full_assessment"].spells == 0 and found["full_assessment"].median_days is None
    spells = drilldown(db, Filters(), {"figure": "stage", "value": "draft"}, today())
    assert [x.details[2] for x in spells.entries] == [2.0, 4.0, 10.0]
    assert spells.entries[0].details[0] == start


def test_quarters_of_the_financial_year():
    assert Quarter.of(date(2026, 4, 1)).label == "2026/27 Q1"
    assert Quarter.of(date(2026, 12, 31)).label == "2026/27 Q3"
    assert Quarter.of(date(2027, 3, 31)).label == "2026/27 Q4"
    q = Quarter.parse("2026-Q4")
    assert (q.first_day, q.last_day) == (date(2027, 1, 1), date(2027, 3, 31))
    assert Quarter.parse("2026-Q2").last_day == date(2026, 9, 30)
    assert Quarter.parse("2026-Q5") is None and Quarter.parse("x") is None


def test_the_sql_quarter_matches_python(db):
    from eia.reporting.sql import financial_quarter_key

    days = [
        date(2026, 1, 1),
        date(2026, 3, 31),
        date(2026, 4, 1),
        date(2026, 6, 30),
        date(2026, 7, 1),
        date(2026, 10, 1),
        date(2026, 12, 31),
    ]
    for day in days:
        got = db.exec(sa.select(financial_quarter_key(sa.literal(day, sa.Date)))).one()[0]
        assert got == quarter_key_of(day), day


def test_bad_filters_are_errors_in_words(db, make):
    make.directorate("Directorate A")
    options = filter_options(db, today())
    cases = {
        "directorate=999999": "Choose a directorate from the list",
        "directorate=abc": "Choose a directorate from the list",
        "service=12345678": "Choose a service from the list",
        "from-day=31&from-month=2&from-year=2026": "Date from must be a real date",
        "from-day=1&from-year=2026": "Date from must include a month",
        "from-day=2&from-month=1&from-year=2026&to-day=1&to-month=1&to-year=2026": (
            "Date to must be the same as or after date from"
        ),
        "quarter=2026-Q7": "Choose a quarter from the list",
        "quarter=2026-Q1&to-day=1&to-month=1&to-year=2026": "Choose either a quarter",
        "proposal_type=bribery": "Choose a kind of proposal from the list",
    }
    from urllib.parse import parse_qsl

    for query, message in cases.items():
        form = DashboardFilterForm(MultiDict(parse_qsl(query)), options=options)
        assert not form.validate() and any(
            message in m for errors in form.errors.values() for m in errors
        ), query


@pytest.mark.slow  # builds a large world
def test_the_number_of_queries_does_not_grow_with_the_data(db, make, connection):
    owner = make.user("officer")
    approver = make.user("approver", directorate=owner.service.directorate)

    def add(n):
        for i in range(n):
            eia = make.eia(
                ("approved", "awaiting_sign_off", "draft", "under_review")[i % 4],
                owner=owner,
                approver=approver,
            )
            db.add(
                ActionItem(
                    eia=eia,
                    description="Act",
                    status="planned",
                    due_date=today() - timedelta(days=1),
                )
            )
        db.flush()

    add(5)
    small = count_queries(connection, lambda: dashboard(db, Filters()))
    add(45)
    large = count_queries(connection, lambda: dashboard(db, Filters()))
    assert small == large <= 12

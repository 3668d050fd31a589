"""The annual figures (eia.reporting.annual, late_signoff, groups) on known data: the year
boundary on 31 March / 1 April, a revised EIA counted once per decision with each version's
own findings, intersectional impacts under each characteristic, small numbers, the list
behind each number agreeing with it, and a number of queries that does not grow."""

from datetime import date, timedelta

import pytest

from eia.reporting.annual import BadCell, annual_report, cell_list
from eia.reporting.decision_records import _working_days_before
from eia.reporting.late_signoff import SMALL
from eia.reporting.years import FinancialYear

from .support.annual import ROUND, TODAY, YEAR, Story, build_annual_world, tag_rounds
from .support.db import count_queries


def test_the_financial_year_runs_from_1_april_to_31_march():
    assert FinancialYear.of(date(2026, 3, 31)) == FinancialYear(2025)
    assert FinancialYear.of(date(2026, 4, 1)) == FinancialYear(2026)
    assert FinancialYear(2025).label == "2025/26"
    assert (FinancialYear(2025).first_day, FinancialYear(2025).last_day) == (
        date(2025, 4, 1),
        date(2026, 3, 31),
    )
    for bad in ("", "20x5", "25", "12025", "1066", None):
        assert FinancialYear.parse(bad) is None
    assert FinancialYear.parse(" 2025 ") == FinancialYear(2025)


def test_working_days_before_leave_out_weekends_and_bank_holidays():
    # 1 May to 1 June 2025: the early May and spring bank holidays are left out.
    assert _working_days_before(date(2025, 5, 1), date(2025, 6, 1)) == 19
    assert _working_days_before(date(2025, 4, 3), date(2025, 4, 1)) == -2  # after it
    assert _working_days_before(date(2025, 4, 1), date(2025, 4, 1)) == 0
    assert _working_days_before(None, date(2025, 4, 1)) is None


def _rows(report):
    return {r.directorate: r for r in report.late.rows}


def test_which_directorates_sign_off_late(db, make):
    build_annual_world(db, make)
    report = annual_report(db, YEAR, TODAY)
    a, b = _rows(report)["Directorate A"], _rows(report)["Directorate B"]
    # A: boundary_in (31 March: this year) on time, late, missed, no decision date;
    # boundary_out (1 April 2026) is next year's; last_year (31 March 2025) last year's.
    assert (a.this.due, a.this.on_time, a.this.late, a.this.missed, a.this.no_date) == (
        4,
        1,
        1,
        1,
        1,
    )
    assert (a.last.due, a.last.on_time) == (1, 1)
    assert a.change == -75
    # Fewer than five due: the counts and a caution, not a bare percentage.
    assert a.this.due < SMALL and a.this.rate_text == "25% (1 of 4: too few to compare)"
    assert a.change_text == "−75 percentage points (too few to compare)"
    # B: the revised EIA's two versions are two decisions, both on time; the archived one too.
    assert (b.this.due, b.this.on_time) == (3, 3) and b.last.due == 0
    assert b.change is None and b.change_text == "No comparison"
    total = report.late.total
    assert (total.this.due, total.this.on_time, total.last.due) == (7, 4, 1)

    # Before and at the time: boundary_in started 21 working days before, signed off 7;
    # late started 2 and signed off 7 after; missed started 19 before.
    assert sorted(a.time.started) == [-2, 19, 21] and a.time.median_started == 19
    assert sorted(a.time.signed) == [-7, 7] and a.time.median_signed == 0
    assert a.time.started_after == 1 and a.time.share_started_after == pytest.approx(1 / 3)
    # The revised version 2 started on the day it was revised (1 July 2025).
    assert sorted(b.time.started) == [20, 21, 43]

    # Sorting: by rate, worst first; a row with no rate goes last either way.
    assert [r.directorate for r in report.late.sorted_rows("rate")] == [
        "Directorate A",
        "Directorate B",
    ]
    assert [r.directorate for r in report.late.sorted_rows("late", descending=True)] == [
        "Directorate A",
        "Directorate B",
    ]
    assert [r.directorate for r in report.late.sorted_rows("change", descending=True)] == [
        "Directorate A",
        "Directorate B",
    ]


def test_which_groups_keep_getting_hit(db, make):
    build_annual_world(db, make)
    report = annual_report(db, YEAR, TODAY)
    g = {r.name: r for r in report.groups.rows}
    # Signed-off decisions, archived left out: boundary_in, late, no_date, revised v1, v2.
    age, disability = g["Age"].of(YEAR), g["Disability"].of(YEAR)
    assert (age.negative, age.by_band["low"], age.positive, age.mitigated) == (5, 5, 0, 5)
    # The revised EIA's version 1 (frozen) was negative, its version 2 positive.
    assert (disability.negative, disability.positive) == (4, 1)
    # The intersectional impact counts under race and under sex, high.
    for name in ("Race", "Sex"):
        assert g[name].of(YEAR).negative == 1 and g[name].of(YEAR).by_band["high"] == 1
        assert g[name].of(YEAR).mitigated == 0
    assert g["Religion or belief"].of(YEAR).negative == 0
    # The trend: last year's decision (31 March 2025) is last year's.
    assert g["Age"].of(YEAR.previous()).negative == 1
    assert [y.label for y in report.groups.years][-2:] == ["2024/25", "2025/26"]
    # Hit by two or more decisions in the year: flagged.
    assert [r.name for r in report.groups.flagged()] == ["Age", "Disability"]
    # Most hit first.
    assert [r.name for r in report.groups.rows[:2]] == ["Age", "Disability"]

    # The outcome mix of signed-off decisions (six: the archived one too), and changes.
    assert report.groups.outcomes == {"1": 0, "2": 6, "3": 0, "4": 0}
    assert report.groups.changed_outcome_2 == 6
    assert report.groups.changed_engagement == 1
    assert report.groups.changed_either == 6


def test_all_groups_in_one_decision_round(db, make):
    """The round's signed-off decisions, whatever their year (``boundary_in`` 2025/26 and
    ``last_year`` 2024/25), archived left out, another round's not counted, intersectional
    under each characteristic; hit by two or more: flagged."""
    world = build_annual_world(db, make)
    tag_rounds(db, world)
    report = annual_report(db, YEAR, TODAY, decision_round=ROUND)
    found = report.round
    assert found.decision_round == ROUND and found.signed_off == 2
    g = {r.name: r.counts for r in found.rows}
    assert (g["Age"].negative, g["Age"].by_band["low"]) == (2, 2)
    assert g["Disability"].negative == 2
    for name in ("Race", "Sex"):
        assert (g[name].negative, g[name].by_band["high"]) == (1, 1)
    assert g["Religion or belief"].negative == 0
    assert [r.name for r in found.flagged()] == ["Age", "Disability"]
    assert [r.name for r in found.rows[:2]] == ["Age", "Disability"]
    # The list behind a count is as long as the count, and is the round's decisions.
    age = next(r for r in found.rows if r.name == "Age").characteristic_id
    listed = cell_list(db, report, f"round.{age}.negative")
    assert listed.count == 2
    assert {e.reference for e in listed.entries} == {
        world.stories["boundary_in"].eia.reference,
        world.stories["last_year"].eia.reference,
    }
    assert listed.title.endswith(f"on Age, {ROUND}")  # the round, not the year, named
    for key, cell in report.cells.items():
        if key.startswith("round."):
            assert cell_list(db, report, key).count == cell.count, key
    # The year's own figures are unchanged by the round, and without one there is none.
    assert report.groups.flagged() == annual_report(db, YEAR, TODAY).groups.flagged()
    assert annual_report(db, YEAR, TODAY).round is None


def test_the_report_per_directorate(db, make):
    build_annual_world(db, make)
    report = annual_report(db, YEAR, TODAY)
    rows = {r.directorate: r for r in report.directorates}
    a, b = rows["Directorate A"], rows["Directorate B"]
    assert (a.decisions, a.fully_assessed, a.screened_out, a.approved, a.published) == (
        4,
        4,
        0,
        3,
        3,
    )
    assert a.published_share == 1
    # Actions due in the year: one delivered the day before, one not done; one is next year's.
    assert (a.actions_due, a.actions_delivered) == (2, 1)
    # The revision of version 1 was a review done before its date.
    assert (b.reviews_done, b.reviews_on_time) == (1, 1)
    assert (report.total.decisions, report.total.approved) == (7, 6)
    # History: a row per directorate per year, comparable across years.
    assert [(r.year.label, r.directorate, r.decisions) for r in report.history] == [
        ("2024/25", "Directorate A", 1),
        ("2025/26", "Directorate A", 4),
        ("2025/26", "Directorate B", 3),
    ]
    assert report.flags["no_engagement"] == report.count("flag.no_engagement.2025") > 0


def test_the_list_behind_each_number_has_as_many_entries(db, make):
    world = build_annual_world(db, make)
    report = annual_report(db, YEAR, TODAY)
    assert report.cells, "the report has figures"
    for key, cell in report.cells.items():
        found = cell_list(db, report, key)
        assert found.count == cell.count, key
    a = world.a.id
    late = cell_list(db, report, f"completion.{a}.2025.late")
    assert [e.reference for e in late.entries] == [world.stories["late"].eia.reference]
    due = cell_list(db, report, f"completion.{a}.2025.due")
    refs = {e.reference for e in due.entries}
    assert world.stories["boundary_in"].eia.reference in refs
    assert world.stories["boundary_out"].eia.reference not in refs
    revised = world.stories["revised"].eia.reference
    both = cell_list(db, report, f"completion.{world.b.id}.2025.on_time")
    assert [(e.reference, e.details[0]) for e in both.entries if e.reference == revised] == [
        (revised, 1),
        (revised, 2),
    ]
    # A figure that is zero this year has an empty list; one that cannot exist is an error.
    assert cell_list(db, report, "completion.999.2025.late").count == 0
    for bad in ("nope", "completion", "x.1.2025", "completion.<b>.1.2"):
        with pytest.raises(BadCell):
            cell_list(db, report, bad)


def test_the_figures_take_the_same_number_of_queries_however_much_data(db, make, connection):
    build_annual_world(db, make)
    few = count_queries(connection, lambda: annual_report(db, YEAR, TODAY))
    owner = make.user("officer")
    approver = make.user("approver", directorate=owner.service.directorate)
    for n in range(4):
        s = Story(
            db, make, owner, approver, decision_date=date(2025, 9, 1 + n), started=date(2025, 6, 2)
        )
        s.approve(date(2025, 8, 1) + timedelta(days=n))
        if n % 2:
            s.revise(date(2025, 10, 1), decision_date=date(2025, 12, 1)).approve(date(2025, 11, 3))
    many = count_queries(connection, lambda: annual_report(db, YEAR, TODAY))
    assert few == many <= 12
    in_round = count_queries(
        connection, lambda: annual_report(db, YEAR, TODAY, decision_round="Budget 2025/26")
    )
    s.eia.decision_round = "Budget 2025/26"
    db.add(s.eia)
    db.flush()
    assert (
        count_queries(
            connection, lambda: annual_report(db, YEAR, TODAY, decision_round="Budget 2025/26")
        )
        == in_round
        <= many + 6
    )


def _decision(**kw):
    from eia.reporting.decision_records import Decision

    values = dict(
        eia_id=1,
        version=1,
        current_version=1,
        directorate_id=1,
        directorate="Directorate A",
        status="approved",
        signed_on=date(2025, 6, 1),
        decision_date=date(2025, 6, 2),
        late=False,
        started_on=date(2025, 5, 1),
        screened_out=False,
        fully_assessed=True,
        published=True,
        today=TODAY,
    )
    return Decision(**{**values, **kw})


def test_a_decision_counts_once_per_group_under_its_worst_band():
    """A single impact on race (low) and an intersectional one on race and sex (high): race
    counts one decision, high; sex one, high."""
    from eia.reporting.decision_records import Cells, Impact
    from eia.reporting.groups import groups

    d = _decision(
        impacts=[
            Impact(frozenset([6]), "negative", "medium", "low"),
            Impact(frozenset([6, 8]), "negative", "high", "high", True),
            Impact(frozenset([8]), "positive", None, None),
        ]
    )
    found = groups([d], [(6, "Race"), (8, "Sex")], YEAR, Cells())
    race, sex = (r.of(YEAR) for r in sorted(found.rows, key=lambda r: r.characteristic_id))
    assert (race.negative, race.by_band["high"], race.by_band["low"], race.mitigated) == (
        1,
        1,
        0,
        1,
    )
    assert (sex.negative, sex.by_band["high"], sex.positive, sex.mitigated) == (1, 1, 1, 0)
    assert found.flagged() == []  # one decision is not a cumulative impact


def test_a_decision_with_no_date_is_in_the_year_of_its_london_sign_off_day():
    from datetime import UTC, datetime

    from eia.reporting.years import day_of

    # 23:30 UTC on 31 March 2026 is 00:30 on 1 April in London (summer time): next year.
    late_evening = day_of(datetime(2026, 3, 31, 23, 30, tzinfo=UTC))
    assert late_evening == date(2026, 4, 1)
    assert _decision(decision_date=None, signed_on=late_evening).year == FinancialYear(2026)
    assert _decision(decision_date=None, signed_on=date(2026, 3, 31)).year == YEAR
    assert _decision(decision_date=date(2026, 3, 31)).year == YEAR
    assert _decision(signed_on=None, decision_date=TODAY).part == "upcoming"  # today: to come
    assert _decision(signed_on=None, decision_date=date(2026, 5, 31)).part == "missed"

"""The pan-London practice standard (eia-practice/1): the feed's figures are the annual
report's for the same year and directorate, every feed validates against the schema, a
changed feed is refused by its signature, and small numbers are suppressed at the boundary
with no suppressed cell left alone in a set that adds up."""

import copy
import json

import pytest

from eia.reporting.annual import annual_report
from eia.standard import signing
from eia.standard.feed import build_feed, race_first, year_figures
from eia.standard.schema import problems, schema
from eia.standard.suppression import HIDDEN, suppress

from .support.annual import TODAY, YEAR, build_annual_world


def test_the_schema_is_a_valid_json_schema_document():
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(schema())
    assert schema()["properties"]["standard"]["const"] == "eia-practice/1"


@pytest.mark.parametrize("value,shown", [(0, 0), (1, HIDDEN), (4, HIDDEN), (5, 5), (6, 6)])
def test_small_numbers_are_suppressed_at_the_boundary(value, shown):
    # A lone cell, in no set that adds up: 1 to 4 are "<5", 0 and 5 are shown.
    hidden = suppress({"a": value}, [])
    assert (HIDDEN if "a" in hidden else value) == shown


def test_no_suppressed_cell_is_left_alone_in_a_set_that_adds_up():
    # A=4 (hidden), B=9, C=20, total=33: without the second rule, A = 33 - 9 - 20.
    values = {"A": 4, "B": 9, "C": 20, "T": 33}
    assert suppress(values, [["A", "B", "C", "T"]]) == {"A", "B"}
    # Two already hidden: nothing more to hide.
    values = {"A": 4, "B": 3, "C": 20, "T": 27}
    assert suppress(values, [["A", "B", "C", "T"]]) == {"A", "B"}
    # Hiding in one set makes another have exactly one: that one is followed up too.
    values = {"A": 4, "B": 9, "T": 13, "B1": 5, "B2": 4, "B3": 6}
    hidden = suppress(values, [["A", "B", "T"], ["B1", "B2", "B3", "B"]])
    assert {"A", "B", "B2"} <= hidden
    for members in (["A", "B", "T"], ["B1", "B2", "B3", "B"]):
        assert len(set(members) & hidden) != 1


def _row(feed_year, name):
    return next(r for r in feed_year["directorates"] if r["directorate"] == name)


def test_the_feed_is_the_annual_reports_figures(db, make):
    build_annual_world(db, make)
    report = annual_report(db, YEAR, TODAY)
    feed = build_feed(db, "Test Council", TODAY)
    assert problems(feed) == []
    year = next(y for y in feed["years"] if y["year"] == YEAR.label)
    rows = [(r.directorate, r) for r in report.directorates] + [("All directorates", report.total)]
    for name, r in rows:
        got = _row(year, name)

        def same(published, value, got=got, name=name):
            expected = HIDDEN if 0 < value < 5 else value
            # The second rule may hide more: never show a different number.
            assert published in (expected, HIDDEN), (name, published, value)

        same(got["screened_out"], r.screened_out)
        same(got["fully_assessed"], r.fully_assessed)
        same(got["approved"], r.approved)
        same(got["completion"]["on_time"], r.completion.on_time)
        same(got["completion"]["late"], r.completion.late)
        same(got["completion"]["missed"], r.completion.missed)
        same(got["completion"]["no_decision_date"], r.completion.no_date)
        same(got["reviews"]["done"], r.reviews_done)
        same(got["actions"]["due"], r.actions_due)
        same(got["actions"]["delivered"], r.actions_delivered)
        same(got["published"]["count"], r.published)
    total = _row(year, "All directorates")
    assert total["total"] is True
    # The groups: the council's row per characteristic is the report's, race first.
    names = [c["characteristic"] for c in total["negative_residual"]]
    assert names[0].lower().startswith("race")
    by_name = {g.name: g.of(YEAR).negative for g in report.groups.rows}
    for c in total["negative_residual"]:
        v = by_name[c["characteristic"]]
        assert c["decisions"] in ((HIDDEN if 0 < v < 5 else v), HIDDEN)
    for o, v in report.groups.outcomes.items():
        assert total["outcomes"][o] in ((HIDDEN if 0 < v < 5 else v), HIDDEN)


def test_unsuppressed_figures_equal_the_report_exactly(db, make):
    # With the boundary lowered to 1 nothing is hidden: every figure must be the report's.
    import eia.standard.suppression as s

    build_annual_world(db, make)
    report = annual_report(db, YEAR, TODAY)
    old = s.SMALL
    s.SMALL = 1
    try:
        year = year_figures(db, YEAR, TODAY)
    finally:
        s.SMALL = old
    for r in [*report.directorates, report.total]:
        got = _row(year, "All directorates" if r is report.total else r.directorate)
        assert got["approved"] == r.approved
        assert got["completion"] == {
            "on_time": r.completion.on_time,
            "late": r.completion.late,
            "missed": r.completion.missed,
            "no_decision_date": r.completion.no_date,
        }
        assert got["reviews"] == {"done": r.reviews_done, "on_time": r.reviews_on_time}
        assert got["actions"] == {"due": r.actions_due, "delivered": r.actions_delivered}
        assert got["published"]["count"] == r.published
    total = _row(year, "All directorates")
    assert total["outcomes"] == {k: v for k, v in report.groups.outcomes.items()}
    by_name = {g.name: g.of(YEAR).negative for g in report.groups.rows}
    assert {c["characteristic"]: c["decisions"] for c in total["negative_residual"]} == by_name
    # Directorates' groups add up to the council's for each characteristic (no
    # intersectional double count across directorates: a decision is in one directorate).
    for c in total["negative_residual"]:
        parts = [
            next(x for x in row["negative_residual"] if x["characteristic"] == c["characteristic"])
            for row in year["directorates"]
            if not row["total"]
        ]
        assert sum(p["decisions"] for p in parts) == c["decisions"]


def test_a_signed_feed_verifies_and_a_changed_one_is_refused(db, make):
    build_annual_world(db, make)
    key = signing.new_key()
    feed = signing.sign(build_feed(db, "Test Council", TODAY), key)
    assert problems(json.loads(json.dumps(feed))) == []
    signing.verify(feed, key.public_key())
    # Round trip through the published key form.
    public = signing.public_from_jwk(signing.public_jwk(key.public_key()))
    signing.verify(json.loads(json.dumps(feed)), public)
    tampered = copy.deepcopy(feed)
    tampered["years"][0]["directorates"][0]["approved"] = 99
    with pytest.raises(signing.BadSignature, match="changed after it was signed"):
        signing.verify(tampered, public)
    with pytest.raises(signing.BadSignature, match="changed after it was signed"):
        signing.verify(feed, signing.new_key().public_key())
    unsigned = {k: v for k, v in feed.items() if k != "signature"}
    with pytest.raises(signing.BadSignature, match="not signed"):
        signing.verify(unsigned, public)


def test_canonical_json_is_sorted_compact_utf8():
    assert (
        signing.canonical({"b": 1, "a": "é", "signature": {"x": 1}}) == '{"a":"é","b":1}'.encode()
    )


def test_the_council_key_is_made_once_and_kept(db, monkeypatch):
    monkeypatch.delenv("EIA_PRACTICE_SIGNING_KEY", raising=False)
    monkeypatch.delenv("EIA_PRACTICE_SIGNING_KEY_FILE", raising=False)
    first = signing.council_key(db)
    again = signing.council_key(db)
    assert signing.key_id(first.public_key()) == signing.key_id(again.public_key())
    given = signing.new_key()
    monkeypatch.setenv("EIA_PRACTICE_SIGNING_KEY", signing.private_to_text(given))
    assert signing.key_id(signing.council_key(db).public_key()) == signing.key_id(
        given.public_key()
    )


def test_race_comes_first():
    assert race_first([(1, "Age"), (2, "Disability"), (3, "Race"), (4, "Sex")])[0] == (3, "Race")

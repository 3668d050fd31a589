"""The pan-London practice comparison: councils added by a feed's address (served from
127.0.0.1 by a real HTTP server) or a file, checked against the schema and the signature,
every published year kept, bad feeds refused with a clear message and the last good copy
kept, the comparison's figures, downloads and the audit record of each change."""

import io
import json
from datetime import date

import pytest
from sqlmodel import select

from eia.models import AuditRecord, BenchmarkCouncil, BenchmarkYear
from eia.reporting.benchmarks import all_figures, compare, measures
from eia.standard import compare as feeds
from eia.standard.demo import BOROUGHS, borough_feed, borough_key
from eia.standard.schema import problems
from eia.standard.signing import public_jwk

from .support.feed_server import FeedServer
from .support.people import sign_in

TODAY = date(2026, 6, 1)


@pytest.fixture
def server():
    s = FeedServer()
    yield s
    s.close()


def _serve(server, path, feed, key=None):
    server.routes[path] = (200, json.dumps(feed).encode(), {"Content-Type": "application/json"})
    if key is not None:
        pub = path.removesuffix(".json") + ".pub"
        server.routes[pub] = (200, json.dumps(public_jwk(key.public_key())).encode(), {})


def test_every_demo_feed_validates_and_verifies():
    for p in BOROUGHS:
        feed = borough_feed(p, TODAY)
        assert problems(feed) == []
        key = public_jwk(borough_key(p.name).public_key())["x"]
        feeds.check(feed, key)
        assert feed["years"][-1]["directorates"][-1]["negative_residual"][0]["characteristic"] == (
            "Race"
        )


def test_fetching_goes_only_where_told(server):
    server.routes["/moved.json"] = (302, b"", {"Location": "http://example.org/feed.json"})
    with pytest.raises(feeds.FeedProblem, match="redirects to http://example.org"):
        feeds.fetch(server.url("/moved.json"))
    server.routes["/big.json"] = (200, b"x" * (feeds.MAX_BYTES + 10), {})
    with pytest.raises(feeds.FeedProblem, match="too big"):
        feeds.fetch(server.url("/big.json"))
    with pytest.raises(feeds.FeedProblem, match="answered 404"):
        feeds.fetch(server.url("/nothing.json"))
    with pytest.raises(feeds.FeedProblem, match="Could not reach"):
        feeds.fetch("http://127.0.0.1:9/eia-practice.json")
    for bad in ("file:///etc/passwd", "ftp://x/y", "127.0.0.1/feed.json", ""):
        with pytest.raises(feeds.FeedProblem, match="full address"):
            feeds.fetch(bad)
    assert feeds.key_url("https://x.gov.uk/open-data/eia-practice.json?a=1") == (
        "https://x.gov.uk/open-data/eia-practice.pub"
    )


def test_a_feed_from_the_future_is_refused():
    p = BOROUGHS[0]
    key = borough_key(p.name)
    feed = borough_feed(p, date(2030, 6, 1))
    with pytest.raises(feeds.FeedProblem, match="future"):
        feeds.check(feed, public_jwk(key.public_key())["x"])


@pytest.fixture
def unit(person):
    return person("equality_officer")


@pytest.mark.slow  # a real HTTP server and a dozen requests, ~5 s
def test_adding_refreshing_and_comparing_councils(client, db, unit, server, time_machine):
    time_machine.move_to("2026-06-01 12:00:00+00:00", tick=False)
    sign_in(client, unit)
    north, east = BOROUGHS[0], BOROUGHS[1]
    nkey, ekey = borough_key(north.name), borough_key(east.name)
    _serve(server, "/north/eia-practice.json", borough_feed(north, TODAY), nkey)

    # By address, the key fetched from beside it (trust on first use).
    r = client.post(
        "/benchmarking/councils", data={"feed_url": server.url("/north/eia-practice.json")}
    )
    assert r.status_code == 302, r.get_data(as_text=True)[:3000]
    council = db.exec(select(BenchmarkCouncil).where(BenchmarkCouncil.name == north.name)).one()
    assert council.key_source == "fetched"
    years = db.exec(select(BenchmarkYear).where(BenchmarkYear.council_id == council.id)).all()
    assert len(years) == 3
    added = db.exec(select(AuditRecord).where(AuditRecord.event == "benchmark_council_added")).all()
    assert len(added) == 1 and json.loads(added[0].details)["council"]["name"] == north.name

    # A file needs its key; a file signed by another key is refused, nothing kept.
    feed = borough_feed(east, TODAY)
    upload = {"file": (io.BytesIO(json.dumps(feed).encode()), "east.json")}
    r = client.post("/benchmarking/councils", data=upload, content_type="multipart/form-data")
    assert r.status_code == 400 and "Enter the council&#39;s public key" in r.get_data(as_text=True)
    wrong = public_jwk(nkey.public_key())
    r = client.post(
        "/benchmarking/councils",
        data={
            "file": (io.BytesIO(json.dumps(feed).encode()), "east.json"),
            "public_key": json.dumps(wrong),
        },
        content_type="multipart/form-data",
    )
    assert r.status_code == 400 and "signature was refused" in r.get_data(as_text=True)
    assert (
        db.exec(select(BenchmarkCouncil).where(BenchmarkCouncil.name == east.name)).first() is None
    )
    r = client.post(
        "/benchmarking/councils",
        data={
            "file": (io.BytesIO(json.dumps(feed).encode()), "east.json"),
            "public_key": json.dumps(public_jwk(ekey.public_key())),
        },
        content_type="multipart/form-data",
    )
    assert r.status_code == 302

    # Not JSON, invalid against the schema, unsigned: each refused with its own message.
    for body, words in (
        (b"<html>", "is not JSON"),
        (json.dumps({"standard": "eia-practice/1"}).encode(), "does not follow eia-practice/1"),
        (json.dumps({k: v for k, v in feed.items() if k != "signature"}).encode(), "not signed"),
    ):
        server.routes["/bad.json"] = (200, body, {})
        r = client.post(
            "/benchmarking/councils",
            data={
                "feed_url": server.url("/bad.json"),
                "public_key": json.dumps(public_jwk(ekey.public_key())),
            },
        )
        assert r.status_code == 400 and words in r.get_data(as_text=True)

    # Refreshing: a tampered feed is refused and the last good copy kept; audited.
    tampered = borough_feed(north, TODAY)
    tampered["years"][-1]["directorates"][-1]["approved"] = 999
    _serve(server, "/north/eia-practice.json", tampered)
    before = {
        y.start_year: y.figures
        for y in db.exec(select(BenchmarkYear).where(BenchmarkYear.council_id == council.id))
    }
    r = client.post(f"/benchmarking/councils/{council.id}/refresh")
    page = r.get_data(as_text=True)
    assert (
        r.status_code == 400
        and "could not be refreshed" in page
        and "last good copy is kept" in page
    )
    db.refresh(council)
    assert council.last_error and "signature" in council.last_error
    after = {
        y.start_year: y.figures
        for y in db.exec(select(BenchmarkYear).where(BenchmarkYear.council_id == council.id))
    }
    assert after == before
    # Unreachable: the same.
    server.routes.pop("/north/eia-practice.json")
    r = client.post(f"/benchmarking/councils/{council.id}/refresh")
    assert r.status_code == 400 and "answered 404" in r.get_data(as_text=True)
    # A good one again: kept, the error cleared.
    _serve(server, "/north/eia-practice.json", borough_feed(north, TODAY))
    r = client.post(f"/benchmarking/councils/{council.id}/refresh")
    assert r.status_code == 302
    db.refresh(council)
    assert council.last_error is None
    refreshed = db.exec(
        select(AuditRecord).where(AuditRecord.event == "benchmark_council_refreshed")
    ).all()
    assert len(refreshed) == 3

    # The comparison: this council highlighted, the others, London's median; downloads.
    r = client.get("/benchmarking?measure=on_time&year=2025")
    page = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "(this council)" in page and north.name in page and east.name in page
    assert "London median" in page and 'id="chart-benchmark"' in page
    csv = client.get("/benchmarking/download?measure=on_time&year=2025&format=csv")
    assert csv.status_code == 200 and north.name in csv.get_data(as_text=True)
    xlsx = client.get("/benchmarking/download?measure=negative:Race&year=2025&format=xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    r = client.get("/benchmarking?measure=nonsense")
    assert r.status_code == 400 and "Choose a measure from the list" in r.get_data(as_text=True)


def test_comparison_positions_and_median(db):
    every = all_figures(db, "Test Council", TODAY)
    from eia.reporting.benchmarks import CouncilFigures

    def row(on_time, late):
        feed = borough_feed(BOROUGHS[0], TODAY)
        r = feed["years"][-1]["directorates"][-1]
        r["completion"] = {"on_time": on_time, "late": late, "missed": 0, "no_decision_date": 0}
        return r

    every = [
        CouncilFigures("Own", True, {2025: row(8, 2)}),
        CouncilFigures("A", False, {2025: row(5, 5), 2024: row(3, 7)}),
        CouncilFigures("B", False, {2025: row(6, 4)}),
        CouncilFigures("C", False, {2025: row("<5", 9)}),
    ]
    m = next(m for m in measures([]) if m.key == "on_time")
    c = compare(every, m, 2025)
    by = {r.name: r for r in c.rows}
    assert (by["Own"].value, by["Own"].position) == (80.0, 1)
    assert (by["A"].value, by["A"].position) == (50.0, 3)
    assert by["C"].value == "<5" and by["C"].position is None  # suppressed: not ranked
    assert c.median == 60.0 and c.ranked == 3
    assert by["A"].trend == [(2024, 30.0), (2025, 50.0)]


def test_the_open_data_is_public_signed_and_valid(client, db):
    from eia.standard.compare import check, public_key_text

    feed = client.get("/open-data/eia-practice.json")
    assert feed.status_code == 200 and feed.mimetype == "application/json"
    key = client.get("/open-data/eia-practice.pub")
    check(feed.get_json(), public_key_text(key.get_data(as_text=True)))
    # Two requests, one key: kept, not made again.
    assert client.get("/open-data/eia-practice.pub").get_json() == key.get_json()
    download = client.get("/open-data/eia-practice.json?download=1")
    assert "attachment" in download.headers["Content-Disposition"]
    schema = client.get("/open-data/eia-practice-1.schema.json").get_json()
    assert schema["properties"]["standard"]["const"] == "eia-practice/1"
    # And a copy changed in transit is refused.
    changed = feed.get_json()
    changed["council"]["name"] = "Someone else"
    with pytest.raises(feeds.FeedProblem, match="signature"):
        check(changed, public_key_text(key.get_data(as_text=True)))


def test_the_audit_trail_says_what_changed(db):
    from eia import admin_operations as admin_ops
    from eia.admin_history import what_changed

    p = BOROUGHS[2]
    key = public_jwk(borough_key(p.name).public_key())["x"]
    council = admin_ops.add_benchmark_council(
        db, "Tester", borough_feed(p, TODAY), public_key=key, key_source="given"
    )
    admin_ops.refresh_benchmark_council(db, "Tester", council, error="It answered 500.")
    records = db.exec(
        select(AuditRecord).where(AuditRecord.event.like("benchmark_%")).order_by(AuditRecord.seq)
    ).all()
    assert what_changed(records[0]).startswith(f"{p.name} added to the practice comparison")
    assert what_changed(records[1]) == (
        f"{p.name}'s practice feed could not be refreshed: It answered 500."
    )


def test_every_published_year_is_kept_and_an_older_copy_never_wins(db):
    from eia import admin_operations as admin_ops

    p = BOROUGHS[3]
    key = public_jwk(borough_key(p.name).public_key())["x"]
    council = admin_ops.add_benchmark_council(
        db, "Tester", borough_feed(p, TODAY, years=3), public_key=key, key_source="given"
    )
    kept = lambda: {  # noqa: E731
        y.start_year: y.figures
        for y in db.exec(select(BenchmarkYear).where(BenchmarkYear.council_id == council.id))
    }
    first = kept()
    assert sorted(first) == [2024, 2025, 2026]
    # A year later the feed covers 2025 to 2027 only: 2024 stays, the rest are replaced.
    admin_ops.refresh_benchmark_council(db, "Tester", council, borough_feed(p, date(2027, 6, 1)))
    later = kept()
    assert sorted(later) == [2024, 2025, 2026, 2027] and later[2024] == first[2024]
    # An older copy (published before the one kept) changes nothing.
    admin_ops.refresh_benchmark_council(db, "Tester", council, borough_feed(p, TODAY))
    assert kept() == later

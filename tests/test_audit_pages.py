"""The audit page: for equality officers and admins; search by EIA, person, event and London
date range, newest first, a page at a time; CSV/XLSX of the results; bad input is a 400 with
the GOV.UK error summary; the "Verify integrity" button runs the tamper check."""

import csv
import io
import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from eia import audit
from eia.models import utcnow

from .support.people import sign_in


@pytest.fixture
def trail(make, db):
    d = make.directorate()
    s = make.service(d)
    ann = make.user("officer", service=s, name="Ann Author")
    bob = make.user("approver", directorate=d, name="Bob Boss")
    approved = make.eia("approved", owner=ann, approver=bob, title="Approved one")
    draft = make.eia("draft", owner=ann, approver=bob, title="Draft one")
    # One record on a known London day: 23:30 UTC on 30 March 2025 is 00:30 on 31 March
    # in London (summer time began that morning).
    old = audit.append(
        db,
        eia=draft,
        actor=ann,
        action="edit",
        event="proposal",
        comment="Late night edit",
        at=datetime(2025, 3, 30, 23, 30, tzinfo=UTC),
    )
    db.commit()
    return {
        "ann": ann,
        "bob": bob,
        "approved": approved,
        "draft": draft,
        "old": old,
        "count": audit.count(db),
    }


@pytest.fixture
def auditor(client, make):
    sign_in(client, make.user("equality_officer"))
    return client


def _results(client, **query):
    response = client.get("/audit", query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)[-2000:]
    html = response.get_data(as_text=True)
    body = html.split('id="results"', 1)[1]
    return html, [int(n) for n in re.findall(r"Record (\d+)</span>", body)]


@pytest.mark.parametrize(
    "role, status", [("officer", 403), ("approver", 403), ("equality_officer", 200), ("admin", 200)]
)
def test_only_the_equality_unit_and_admins(client, make, trail, role, status):
    sign_in(client, make.user(role))
    assert client.get("/audit").status_code == status
    assert client.post("/audit/verify").status_code == status
    assert client.get("/audit/download").status_code == status
    nav = client.get("/").get_data(as_text=True)
    assert ('href="/audit"' in nav) == (status == 200)


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/audit")
    assert response.status_code == 302 and "/sign-in" in response.location


def test_everything_newest_first_in_plain_words(auditor, trail):
    html, seqs = _results(auditor)
    assert seqs == sorted(seqs, reverse=True) and seqs[0] == trail["count"]
    assert f"{trail['count']} records" in html
    assert "Approved" in html and "Bob Boss" in html
    assert 'Awaiting sign-off <span aria-hidden="true">→</span>' in html
    assert f'href="/eias/{trail["approved"].reference}"' in html
    assert "“Late night edit”" in html


def test_search_by_reference(auditor, db, trail):
    _, seqs = _results(auditor, reference=trail["draft"].reference.lower())
    rows = (
        db.execute(
            sa.text("SELECT seq FROM audit_record WHERE eia_id = :e"), {"e": trail["draft"].id}
        )
        .scalars()
        .all()
    )
    assert sorted(seqs) == sorted(rows)
    _, none = _results(auditor, reference="NO-SUCH-EIA")
    assert none == []


def test_search_by_person(auditor, trail):
    html, seqs = _results(auditor, person="bob")
    assert seqs and "Ann Author" not in html.split('id="results"', 1)[1]
    html, _ = _results(auditor, person="ann auth")
    assert "Bob Boss" not in html.split('id="results"', 1)[1]


def test_search_by_event_kind_and_event(auditor, db, trail):
    def expected(where):
        return sorted(
            db.execute(sa.text(f"SELECT seq FROM audit_record WHERE {where}")).scalars().all(),
            reverse=True,
        )

    assert _results(auditor, event="transition")[1] == expected("action = 'transition'")
    assert _results(auditor, event="edit")[1] == expected("action = 'edit'")
    approvals = _results(auditor, event="transition:approve")[1]
    assert approvals == expected("event = 'approve'") and len(approvals) == 1
    assert _results(auditor, event="edit:outcome")[1] == expected(
        "action = 'edit' AND event = 'outcome'"
    )


def test_search_by_london_date_range(auditor, trail):
    old = trail["old"].seq
    assert _results(auditor, date_from=["31", "3", "2025"], date_to=["31", "3", "2025"])[1] == [old]
    assert _results(auditor, date_from=["30", "3", "2025"], date_to=["30", "3", "2025"])[1] == []
    today = utcnow().date()
    recent = _results(auditor, date_from=[str(today.day), str(today.month), str(today.year)])[1]
    assert old not in recent and len(recent) == trail["count"] - 1
    # all criteria together
    both = _results(
        auditor,
        reference=trail["draft"].reference,
        person="ann",
        event="edit:proposal",
        date_to=["1", "4", "2025"],
    )[1]
    assert both == [old]


@pytest.mark.parametrize(
    "query, message",
    [
        ({"date_from": ["31", "2", "2025"]}, "From date must be a real date"),
        ({"date_from": ["1", "", "2025"]}, "From date must include a month"),
        ({"date_to": ["1", "1", "25"]}, "Year must include 4 numbers"),
        (
            {"date_from": ["2", "1", "2025"], "date_to": ["1", "1", "2025"]},
            "To date must be the same as or after the from date",
        ),
        ({"event": "transition:nonsense"}, "Select an event from the list"),
        ({"page": "two"}, "Page must be a whole number"),
        ({"person": "x" * 201}, "Person must be 200 characters or fewer"),
    ],
)
def test_bad_input_is_a_400_with_the_error_summary(auditor, trail, query, message):
    response = auditor.get("/audit", query_string=query)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "govuk-error-summary" in html and message in html
    assert "<title>Error: Audit trail" in html
    if "page" not in query:  # (a download is every page)
        download = auditor.get("/audit/download", query_string={**query, "format": "csv"})
        assert download.status_code == 400


def test_pages_of_fifty(auditor, make, db, trail):
    for _ in range(4):
        make.eia("approved")
    db.commit()
    total = audit.count(db)
    assert 50 < total <= 100
    html, first = _results(auditor)
    assert len(first) == 50 and first[0] == total
    assert 'href="/audit?page=2"' in html and "page 1 of 2" in html
    _, second = _results(auditor, page=2)
    assert second == list(range(total - 50, 0, -1))
    # page links keep the search
    html, _ = _results(auditor, event="edit")
    if "page=2" in html:
        assert "event=edit&amp;page=2" in html
    assert auditor.get("/audit", query_string={"page": 999}).status_code == 404


def test_results_download_as_csv_and_xlsx(auditor, trail):
    _, seqs = _results(auditor, person="ann")
    response = auditor.get("/audit/download", query_string={"person": "ann", "format": "csv"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert rows[0][:5] == ["Position", "When (London time)", "Person", "Kind", "Event"]
    assert [int(r[0]) for r in rows[1:]] == seqs
    assert all(r[2] == "Ann Author" for r in rows[1:])
    response = auditor.get("/audit/download", query_string={"person": "ann", "format": "xlsx"})
    values = list(load_workbook(io.BytesIO(response.get_data())).active.iter_rows(values_only=True))
    assert [v[0] for v in values[1:]] == seqs
    old = next(v for v in values if v[0] == trail["old"].seq)
    assert old[1] == datetime(2025, 3, 31, 0, 30)  # London time
    html, _ = _results(auditor, person="ann")
    assert (
        "/audit/download?person=ann&amp;format=csv" in html
        or "/audit/download?format=csv&amp;person=ann" in html
    )
    assert auditor.get("/audit/download", query_string={"format": "ods"}).status_code == 400


def test_verify_reports_an_intact_trail(auditor, trail):
    response = auditor.post("/audit/verify")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f"The audit trail is intact: {trail['count']} records checked." in html


def test_verify_names_the_altered_record(auditor, db, trail):
    db.execute(sa.text("UPDATE audit_record SET comment = 'nothing to see' WHERE seq = 5"))
    db.commit()
    html = auditor.post("/audit/verify").get_data(as_text=True)
    assert "record 5 was altered after it was written" in html
    assert "The audit trail has been tampered with" in html
    assert "4 records checked before the problem was found" in html


def test_verify_names_a_removed_record(auditor, db, trail):
    db.execute(sa.text("DELETE FROM audit_record WHERE seq = 3"))
    db.commit()
    html = auditor.post("/audit/verify").get_data(as_text=True)
    assert "record 3 is missing" in html


def test_verify_needs_the_csrf_token(app, make, trail):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    sign_in(client, make.user("admin"))
    assert client.post("/audit/verify").status_code == 400
    page = client.get("/audit").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/audit/verify", data={"csrf_token": token})
    assert response.status_code == 200 and "intact" in response.get_data(as_text=True)

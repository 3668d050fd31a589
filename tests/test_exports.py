"""Exports for signed-in people: the register (what the person may see, as on "All EIAs") as
CSV and XLSX, and one EIA as JSON with every section, in its documented shape."""

import csv
import io
import json
import re
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from eia import operations as ops
from eia.exports.document import SCHEMA, SECTIONS

from .support.people import sign_in


@pytest.fixture
def council(make, db):
    d = make.directorate("Children's Services")
    s = make.service(d, "Early Years")
    owner = make.user("officer", service=s)
    approver = make.user("approver", directorate=d)
    eias = {
        "draft": make.eia("draft", owner=owner, approver=approver, title="=Nursery places"),
        "approved": make.eia(
            "approved",
            owner=owner,
            approver=approver,
            title="Children's centres review",
            publishable=False,
        ),
        "other": make.eia("approved", title="Another service's EIA"),
    }
    # A late approval: its decision date passed before sign-off.
    late = make.eia("awaiting_sign_off", owner=owner, approver=approver, title="Late one")
    late.decision_date = date.today() - timedelta(days=2)
    db.add(late)
    ops.transition(db, late, "approve", approver, attested=True, late_reason="The committee moved.")
    eias["late"] = late
    db.commit()
    return {"owner": owner, "approver": approver, "eias": eias}


def _page_refs(client, **query) -> list[str]:
    html = client.get("/", query_string=query).get_data(as_text=True)
    table = html.split("<tbody", 2)[2]  # the list (the first tbody counts states)
    return re.findall(r'href="/eias/([^"/]+)"', table)


def _csv(client, **query) -> list[list[str]]:
    response = client.get("/register/download", query_string={"format": "csv", **query})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def test_register_csv_and_xlsx_match_the_page(client, council):
    sign_in(client, council["owner"])
    refs = _page_refs(client)
    assert len(refs) == 3  # not another service's EIA
    rows = _csv(client)
    assert rows[0] == [
        "Reference",
        "Title",
        "Directorate",
        "Service",
        "State",
        "Decision date",
        "Sign-off date",
        "Signed off late",
        "Outcome",
        "Review date",
    ]
    assert [r[0] for r in rows[1:]] == refs
    response = client.get("/register/download", query_string={"format": "xlsx"})
    assert response.headers["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    values = list(load_workbook(io.BytesIO(response.get_data())).active.iter_rows(values_only=True))
    assert [v[0] for v in values[1:]] == refs
    assert values[0] == tuple(rows[0])


def test_register_rows_say_state_dates_late_and_outcome(client, council):
    sign_in(client, council["owner"])
    rows = {
        r[0]: dict(zip(rows_header := _csv(client)[0], r, strict=True)) for r in _csv(client)[1:]
    }
    approved = rows[council["eias"]["approved"].reference]
    assert approved["State"] == "Approved"
    assert approved["Sign-off date"] == date.today().isoformat()
    assert approved["Signed off late"] == "No"
    assert approved["Outcome"].startswith("Outcome 2")
    assert approved["Review date"] == (date.today() + timedelta(days=365)).isoformat()
    assert approved["Directorate"] == "Children's Services"
    assert rows[council["eias"]["late"].reference]["Signed off late"] == "Yes"
    draft = rows[council["eias"]["draft"].reference]
    assert draft["Sign-off date"] == "" and draft["Signed off late"] == ""
    assert draft["Title"] == "'=Nursery places"  # a spreadsheet never runs it
    assert rows_header[0] == "Reference"


def test_register_follows_the_state_filter_and_visibility(client, make, council):
    sign_in(client, council["owner"])
    assert [r[0] for r in _csv(client, status="draft")[1:]] == _page_refs(client, status="draft")
    assert len(_page_refs(client, status="draft")) == 1
    sign_in(client, make.user("equality_officer"))
    everything = [r[0] for r in _csv(client)[1:]]
    assert council["eias"]["other"].reference in everything
    assert everything == _page_refs(client)
    assert client.get("/register/download", query_string={"format": "pdf"}).status_code == 400
    assert client.get("/register/download", query_string={"status": "nope"}).status_code == 400


def test_the_list_page_links_to_the_downloads(client, council):
    sign_in(client, council["owner"])
    html = client.get("/?status=approved").get_data(as_text=True)
    assert "/register/download?format=csv&amp;status=approved" in html
    assert "/register/download?format=xlsx&amp;status=approved" in html


def test_json_has_every_section_in_the_documented_shape(client, make, db, council):
    eia = council["eias"]["approved"]
    ops.add_comment(db, eia, council["approver"], "outcome", "Good outcome reasoning.")
    db.commit()
    sign_in(client, council["owner"])
    response = client.get(f"/eias/{eia.reference}.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    doc = json.loads(response.get_data())
    assert doc["schema"] == SCHEMA == "eia-document/1"
    for key in SECTIONS:
        assert key in doc, key
    assert doc["reference"] == eia.reference and doc["state"] == "approved"
    assert doc["proposal"]["summary"].startswith("Close the road")
    assert doc["proposal"]["directorate"] == "Children's Services"
    assert len(doc["screening"]["answers"]) == 10
    assert {i["characteristic"] for i in doc["impacts"]} == {"Age", "Disability"}
    impact = doc["impacts"][0]
    assert impact["inherent"] == {"likelihood": 3, "severity": 3, "score": 9, "band": "medium"}
    assert impact["residual"]["band"] == "low"
    assert impact["aims"]["advance_equality_of_opportunity"] is True
    assert doc["evidence"][0]["evidence"] == "Borough profile and service-user data."
    assert doc["overall_rating"] == "low"
    assert doc["outcome"]["code"] == "2" and doc["outcome"]["label"].startswith("Outcome 2")
    assert doc["sign_offs"][0]["decision"] == "approved" and doc["sign_offs"][0]["attested"]
    assert doc["versions"] == [
        {"version": 1, "status": "approved", "frozen_at": doc["versions"][0]["frozen_at"]}
    ]
    assert doc["comments"][0]["body"] == "Good outcome reasoning."
    events = [h["event"] for h in doc["history"]]
    assert events[0] == "created" and "approve" in events
    assert [h["position"] for h in doc["history"]] == sorted(h["position"] for h in doc["history"])
    assert doc["history"][-1]["kind"] == "comment"
    assert "Approved by" in next(
        h["description"] for h in doc["history"] if h["event"] == "approve"
    )
    assert isinstance(doc["intersectional_impacts"], list)
    assert isinstance(doc["engagement"], list) and isinstance(doc["actions"], list)
    assert "@" not in response.get_data(as_text=True)  # no staff email addresses


def test_json_needs_the_right_to_view(client, make, council):
    eia = council["eias"]["approved"]
    sign_in(client, make.user("officer"))
    assert client.get(f"/eias/{eia.reference}.json").status_code == 403
    assert client.get("/eias/EIA-NONE.json").status_code == 404
    sign_in(client, council["approver"])
    assert client.get(f"/eias/{eia.reference}.json").status_code == 200


def test_anonymous_people_are_sent_to_sign_in(client, council):
    eia = council["eias"]["approved"]
    for url in (f"/eias/{eia.reference}.json", f"/eias/{eia.reference}.pdf", "/register/download"):
        response = client.get(url)
        assert response.status_code == 302 and "/sign-in" in response.location


def test_eia_page_links_to_its_downloads(client, council):
    eia = council["eias"]["approved"]
    sign_in(client, council["owner"])
    html = client.get(f"/eias/{eia.reference}").get_data(as_text=True)
    assert f'href="/eias/{eia.reference}.pdf"' in html
    assert f'href="/eias/{eia.reference}.json"' in html
    assert f'href="/public/eias/{eia.reference}"' not in html  # not published

"""Manage > Sign-in: the mapping of Entra app roles and groups to roles and teams (added,
changed, removed, exported and imported in the browser, each change audited), how a
person's claims resolve through it, and the sign-in settings."""

import io
import json

import pytest
from sqlmodel import select

from eia import audit
from eia.models import AuditRecord, ClaimMapping
from eia.sso.mapping import resolve

from .support.html import words
from .support.people import sign_in


@pytest.fixture
def council(make, db):
    housing = make.directorate("Homes and Neighbourhoods")
    repairs = make.service(housing, "Repairs")
    adults = make.directorate("Adult Social Care")
    admin = make.user("admin", name="Ada Admin")
    db.commit()
    return {"housing": housing, "repairs": repairs, "adults": adults, "admin": admin}


@pytest.fixture
def admin_client(app, council):
    client = app.test_client()
    sign_in(client, council["admin"])
    return client


def _events(db) -> list[str]:
    return [
        r.event
        for r in db.exec(
            select(AuditRecord).where(AuditRecord.action == "admin").order_by(AuditRecord.seq)
        ).all()
    ]


def test_mappings_are_added_changed_and_removed_in_the_browser(
    admin_client, council, db, unaudited_commits
):
    response = admin_client.post(
        "/admin/sign-in/mappings/new",
        data={
            "kind": "app_role",
            "value": "EIA.Approver",
            "role": "approver",
            "service_id": "",
            "directorate_id": str(council["housing"].id),
        },
    )
    assert response.status_code == 302
    mapping = db.exec(select(ClaimMapping)).one()
    page = words(admin_client.get("/admin/sign-in"))
    assert "EIA.Approver" in page and "Approver" in page and "Homes and Neighbourhoods" in page
    # The same app role twice is refused with the field's error.
    twice = admin_client.post(
        "/admin/sign-in/mappings/new",
        data={
            "kind": "app_role",
            "value": "EIA.Approver",
            "role": "officer",
            "service_id": str(council["repairs"].id),
            "directorate_id": "",
        },
    )
    assert twice.status_code == 400 and "already mapped" in words(twice)
    # A mapping that gives nothing is refused.
    empty = admin_client.post(
        "/admin/sign-in/mappings/new",
        data={"kind": "group", "value": "g", "role": "", "service_id": "", "directorate_id": ""},
    )
    assert empty.status_code == 400 and "a mapping must give something" in words(empty)
    response = admin_client.post(
        f"/admin/sign-in/mappings/{mapping.id}",
        data={
            "kind": "app_role",
            "value": "EIA.Approver",
            "role": "approver",
            "service_id": "",
            "directorate_id": str(council["adults"].id),
        },
    )
    assert response.status_code == 302
    db.expire_all()
    assert db.get(ClaimMapping, mapping.id).directorate_id == council["adults"].id
    response = admin_client.post(f"/admin/sign-in/mappings/{mapping.id}/delete")
    assert response.status_code == 302
    assert db.exec(select(ClaimMapping)).all() == []
    assert _events(db) == [
        "claim_mapping_created",
        "claim_mapping_changed",
        "claim_mapping_deleted",
    ]
    record = db.exec(select(AuditRecord).where(AuditRecord.event == "claim_mapping_changed")).one()
    details = json.loads(record.details)
    assert details["before"]["directorate"]["name"] == "Homes and Neighbourhoods"
    assert details["mapping"]["directorate"]["name"] == "Adult Social Care"
    assert unaudited_commits == [] and audit.verify(db).ok
    # The audit page says it in words.
    audit_page = words(admin_client.get("/audit"))
    assert (
        "Sign-in mapping changed from app role EIA.Approver → Approver, directorate "
        "Homes and Neighbourhoods to app role EIA.Approver → Approver, directorate "
        "Adult Social Care" in audit_page
    )


def test_the_mappings_export_and_import_by_name(admin_client, council, db, make):
    for body in (
        {
            "kind": "app_role",
            "value": "EIA.Officer",
            "role": "officer",
            "service_id": "",
            "directorate_id": "",
        },
        {
            "kind": "group",
            "value": "2f1d-repairs",
            "role": "",
            "service_id": str(council["repairs"].id),
            "directorate_id": "",
        },
    ):
        assert admin_client.post("/admin/sign-in/mappings/new", data=body).status_code == 302
    download = admin_client.get("/admin/sign-in/mappings.json")
    assert download.status_code == 200
    assert "attachment" in download.headers["Content-Disposition"]
    document = download.get_json()
    assert document == {
        "schema": "eia-sign-in-mappings/1",
        "mappings": [
            {
                "kind": "app_role",
                "value": "EIA.Officer",
                "role": "officer",
                "service": None,
                "directorate": None,
            },
            {
                "kind": "group",
                "value": "2f1d-repairs",
                "role": None,
                "service": {"name": "Repairs", "directorate": "Homes and Neighbourhoods"},
                "directorate": None,
            },
        ],
    }
    # Changed elsewhere (a test installation) and imported here: it replaces every mapping.
    document["mappings"][0]["role"] = "approver"
    document["mappings"][0]["directorate"] = "Adult Social Care"
    response = admin_client.post(
        "/admin/sign-in/mappings/import",
        data={"file": (io.BytesIO(json.dumps(document).encode()), "sign-in-mappings.json")},
    )
    assert response.status_code == 302
    rows = {(m.kind, m.value): m for m in db.exec(select(ClaimMapping)).all()}
    assert set(rows) == {("app_role", "EIA.Officer"), ("group", "2f1d-repairs")}
    assert rows["app_role", "EIA.Officer"].role == "approver"
    assert rows["app_role", "EIA.Officer"].directorate_id == council["adults"].id
    record = db.exec(
        select(AuditRecord).where(AuditRecord.event == "claim_mappings_imported")
    ).one()
    details = json.loads(record.details)
    assert len(details["before"]) == 2 and details["after"][0]["role"] == "approver"


@pytest.mark.parametrize(
    "content, problem",
    [
        (b"", "Choose a file of sign-in mappings"),
        (b"not json", "not an export of sign-in mappings"),
        (b'{"schema": "something else", "mappings": []}', "not an export of sign-in mappings"),
        (
            json.dumps(
                {
                    "schema": "eia-sign-in-mappings/1",
                    "mappings": [{"kind": "app_role", "value": "A", "role": "king"}],
                }
            ).encode(),
            "no role called king",
        ),
        (
            json.dumps(
                {
                    "schema": "eia-sign-in-mappings/1",
                    "mappings": [
                        {
                            "kind": "group",
                            "value": "g",
                            "role": None,
                            "service": {
                                "name": "Nowhere",
                                "directorate": "Homes and Neighbourhoods",
                            },
                        }
                    ],
                }
            ).encode(),
            "no such service",
        ),
        (
            json.dumps(
                {
                    "schema": "eia-sign-in-mappings/1",
                    "mappings": [
                        {"kind": "app_role", "value": "A", "role": "officer"},
                        {"kind": "app_role", "value": "A", "role": "admin"},
                    ],
                }
            ).encode(),
            "mapped twice",
        ),
    ],
)
def test_a_bad_import_changes_nothing_and_says_why(admin_client, council, db, content, problem):
    db.add(ClaimMapping(kind="app_role", value="EIA.Keep", role="officer"))
    db.commit()
    response = admin_client.post(
        "/admin/sign-in/mappings/import", data={"file": (io.BytesIO(content), "mappings.json")}
    )
    assert response.status_code == 400
    assert problem in words(response) and "There is a problem" in words(response)
    assert [m.value for m in db.exec(select(ClaimMapping)).all()] == ["EIA.Keep"]


def test_only_administrators_manage_sign_in(app, make):
    for role in ("officer", "approver", "equality_officer"):
        client = app.test_client()
        sign_in(client, make.user(role))
        assert client.get("/admin/sign-in").status_code == 403
        assert client.get("/admin/sign-in/mappings.json").status_code == 403


def test_the_settings_page_without_an_identity_provider(admin_client):
    page = admin_client.get("/admin/sign-in")
    assert page.status_code == 200
    assert "The council's identity provider is not set up" in words(page)


# --- how claims resolve --------------------------------------------------------------------


@pytest.fixture
def mapped(db, council):
    for kind, value, role, service, directorate in [
        ("app_role", "EIA.Officer", "officer", None, None),
        ("app_role", "EIA.Approver", "approver", None, council["housing"].id),
        ("app_role", "EIA.Admin", "admin", None, None),
        ("group", "g-repairs", None, council["repairs"].id, None),
        ("group", "g-adults", "officer", None, council["adults"].id),
    ]:
        db.add(
            ClaimMapping(
                kind=kind, value=value, role=role, service_id=service, directorate_id=directorate
            )
        )
    db.commit()
    return council


def test_the_highest_role_wins_and_teams_come_from_the_highest_first(db, mapped):
    r = resolve(db, ["EIA.Officer", "EIA.Approver"], ["g-repairs"])
    # Approver of Housing, in Repairs (which is in Housing: the directorate is said once).
    assert (r.role, r.service_id, r.directorate_id, r.ok) == (
        "approver",
        mapped["repairs"].id,
        None,
        True,
    )
    r = resolve(db, ["EIA.Approver"], ["g-adults"])  # the approver's directorate comes first
    assert (r.role, r.directorate_id) == ("approver", mapped["housing"].id)
    r = resolve(db, ["EIA.Admin", "EIA.Officer"], [])
    assert (r.role, r.ok) == ("admin", True)
    r = resolve(db, [], ["g-adults"])  # a group may give a role too
    assert (r.role, r.directorate_id, r.problem) == ("officer", mapped["adults"].id, "no service")


def test_claims_that_match_nothing_give_no_role(db, mapped):
    assert resolve(db, ["Other.App"], ["g-unknown"]).problem == "no role"
    assert resolve(db, None, None).problem == "no role"
    assert resolve(db, "EIA.Officer", "g-repairs").ok  # a single string, as some send
    assert resolve(db, [{"not": "a string"}], [7]).problem == "no role"

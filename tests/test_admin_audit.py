"""Every administration change (people and their roles, directorates, services,
characteristics and their guidance), from the admin pages, the command line or the demo
loader, writes a hash-chained audit record in the same transaction as the change: old and
new values, never a password or its hash. The audit page shows them in plain words, filters
them, and downloads them."""

import csv
import io
import json

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from sqlmodel import select

from eia import admin_operations, audit
from eia.imports import register, uploads
from eia.models import AuditRecord, Characteristic, ClaimMapping, Directorate, User
from eia.models.enums import CharacteristicKind
from eia.passwords import hash_password

from .support.html import parse, words
from .support.people import sign_in
from .support.registers import HEADERS, as_csv, row

PASSWORD = "a long enough password"


def records_after(db, seq: int) -> list[AuditRecord]:
    db.expire_all()
    return list(
        db.exec(select(AuditRecord).where(AuditRecord.seq > seq).order_by(AuditRecord.seq)).all()
    )


def last_seq(db) -> int:
    return db.exec(select(sa.func.coalesce(sa.func.max(AuditRecord.seq), 0))).one()


@pytest.fixture
def world(app, client, make, db):
    admin = make.user("admin", name="Ada Admin")
    sign_in(client, admin)
    used = make.directorate(name="Community Wealth")
    libraries = make.service(used, name="Libraries")
    parks = make.service(used, name="Parks")
    spare_service = make.service(used, name="Spare service")
    spare_directorate = make.directorate(name="Spare directorate")
    officer = make.user("officer", service=libraries, name="Olu Officer")
    officer.password_hash = hash_password("the officer's password")
    carers = Characteristic(
        key="carers", name="Carers", kind=CharacteristicKind.local, position=500
    )
    mapping = ClaimMapping(kind="group", value="group-parks", service_id=parks.id)
    spare_mapping = ClaimMapping(kind="app_role", value="EIA.Spare", role="officer")
    db.add_all([officer, carers, mapping, spare_mapping])
    db.commit()
    register_file = as_csv(
        [
            row(
                "W-1",
                "Inclusive Economy",  # the directorate's name by then (edit_directorate)
                "Libraries",
                lead_officer=officer.email,
                approved_by="Anna Approver",
            )
        ]
    )
    table = register.read("register.csv", register_file)
    upload = uploads.keep(db, admin, "register.csv", register_file, table)
    uploads.set_mapping(db, upload, register.guess_mapping(table.columns))
    db.commit()
    return {
        "register_file": register_file,
        "upload": upload,
        "admin": admin,
        "officer": officer,
        "directorate": used,
        "parks": parks,
        "mapping": mapping,
        "spare_mapping": spare_mapping,
        "spare_service": spare_service,
        "spare_directorate": spare_directorate,
        "carers": carers,
        "age": db.exec(select(Characteristic).where(Characteristic.key == "age")).one(),
    }


def cases(w) -> dict[str, list[tuple[str, dict, set[str]]]]:
    """Every admin POST route: (url, form, the audit events it must write)."""
    officer, carers = w["officer"], w["carers"]
    return {
        "admin.new_user": [
            (
                "/admin/users/new",
                {
                    "name": "Nia New",
                    "email": "nia@islington.gov.uk",
                    "role": "equality_officer",
                    "service_id": "",
                    "directorate_id": "",
                    "password": PASSWORD,
                },
                {"user_created"},
            )
        ],
        "admin.edit_user": [
            (
                f"/admin/users/{officer.id}",
                {
                    "name": "Olu Officer-Smith",
                    "role": "approver",
                    "service_id": str(w["parks"].id),
                    "directorate_id": str(w["directorate"].id),
                    "active": "y",
                },
                {"user_renamed", "user_role_changed", "user_team_changed"},
            )
        ],
        "admin.reset_password": [
            (
                f"/admin/users/{officer.id}/password",
                {"password": "another long password"},
                {"user_password_reset"},
            )
        ],
        "admin.deactivate_user": [
            (f"/admin/users/{officer.id}/deactivate", {}, {"user_deactivated"})
        ],
        "admin.reactivate_user": [
            (f"/admin/users/{officer.id}/reactivate", {}, {"user_reactivated"})
        ],
        "admin.new_directorate": [
            ("/admin/directorates/new", {"name": "Environment"}, {"directorate_created"})
        ],
        "admin.edit_directorate": [
            (
                f"/admin/directorates/{w['directorate'].id}",
                {"name": "Inclusive Economy"},
                {"directorate_renamed"},
            )
        ],
        "admin.delete_directorate": [
            (f"/admin/directorates/{w['spare_directorate'].id}/delete", {}, {"directorate_deleted"})
        ],
        "admin.new_service": [
            (
                f"/admin/directorates/{w['directorate'].id}/services/new",
                {"name": "Employment"},
                {"service_created"},
            )
        ],
        "admin.edit_service": [
            (
                f"/admin/services/{w['parks'].id}",
                {"name": "Parks and Open Spaces"},
                {"service_renamed"},
            )
        ],
        "admin.delete_service": [
            (f"/admin/services/{w['spare_service'].id}/delete", {}, {"service_deleted"})
        ],
        "admin.new_characteristic": [
            (
                "/admin/characteristics/new",
                {
                    "name": "Care leavers",
                    "guidance": "Young people leaving care.",
                    "borough_profile": "",
                },
                {"characteristic_created"},
            )
        ],
        "admin.edit_characteristic": [
            (
                f"/admin/characteristics/{w['age'].id}",
                {"guidance": "Use the ward age profile.", "borough_profile": "A young borough."},
                {"characteristic_changed"},
            )
        ],
        "admin.deactivate_characteristic": [
            (f"/admin/characteristics/{carers.id}/deactivate", {}, {"characteristic_deactivated"})
        ],
        "admin.reactivate_characteristic": [
            (f"/admin/characteristics/{carers.id}/reactivate", {}, {"characteristic_reactivated"})
        ],
        "admin.move_characteristic": [
            (
                f"/admin/characteristics/{carers.id}/move",
                {"direction": "up"},
                {"characteristic_moved"},
            )
        ],
        # Signing in with the council's account (Manage > Sign-in).
        "admin.sign_in_settings": [
            (
                "/admin/sign-in",
                {"password_sign_in": "off", "link_by_email": "on"},
                {"sign_in_setting_changed"},
            )
        ],
        "admin.new_mapping": [
            (
                "/admin/sign-in/mappings/new",
                {
                    "kind": "app_role",
                    "value": "EIA.Approver",
                    "role": "approver",
                    "service_id": "",
                    "directorate_id": str(w["directorate"].id),
                },
                {"claim_mapping_created"},
            )
        ],
        "admin.edit_mapping": [
            (
                f"/admin/sign-in/mappings/{w['mapping'].id}",
                {
                    "kind": "group",
                    "value": "group-parks",
                    "role": "officer",
                    "service_id": str(w["parks"].id),
                    "directorate_id": "",
                },
                {"claim_mapping_changed"},
            )
        ],
        "admin.delete_mapping": [
            (
                f"/admin/sign-in/mappings/{w['spare_mapping'].id}/delete",
                {},
                {"claim_mapping_deleted"},
            )
        ],
        # Importing a register (Manage > Import a register): the upload and the columns
        # change no record; the import adds people (admin records), EIAs (import records)
        # and says what file was imported.
        "admin.import_register": [
            ("/admin/import", {"file": (io.BytesIO(w["register_file"]), "register.csv")}, set())
        ],
        "admin.import_columns": [
            (
                f"/admin/import/{w['upload'].id}/columns",
                {h.lower().replace(" ", "_"): str(i) for i, h in enumerate(HEADERS)},
                set(),
            )
        ],
        "admin.import_check": [
            (
                f"/admin/import/{w['upload'].id}/check",
                {},
                {"user_imported", "register_imported", "imported"},
            )
        ],
        "admin.import_mappings": [
            (
                "/admin/sign-in/mappings/import",
                {
                    "file": (
                        io.BytesIO(
                            json.dumps(
                                {
                                    "schema": "eia-sign-in-mappings/1",
                                    "mappings": [
                                        {"kind": "app_role", "value": "EIA.Admin", "role": "admin"}
                                    ],
                                }
                            ).encode()
                        ),
                        "mappings.json",
                    )
                },
                {"claim_mappings_imported"},
            )
        ],
        # Last: the officer is pseudonymised (tests/test_personal_data.py for the rest).
        "admin.pseudonymise_user": [
            (f"/admin/users/{officer.id}/pseudonymise", {"understood": "y"}, {"user_pseudonymised"})
        ],
    }


def test_every_admin_change_route_is_in_the_table(app, world):
    posts = {
        r.endpoint
        for r in app.url_map.iter_rules()
        if r.endpoint.startswith("admin.") and "POST" in r.methods
    }
    assert posts == set(cases(world)), "add the new admin route to cases() with its events"


def test_every_admin_change_writes_its_audit_record(client, db, world, unaudited_commits):
    secrets = {PASSWORD, "another long password"}
    for endpoint, steps in cases(world).items():
        for url, form, events in steps:
            before = last_seq(db)
            response = client.post(url, data=form)
            assert response.status_code in (200, 302), (endpoint, response.status_code)
            added = records_after(db, before)
            assert {r.event for r in added} == events, endpoint
            for record in added:
                if record.action == "import":  # an EIA imported: its own record
                    assert record.event == "imported" and record.eia_id is not None
                    continue
                assert (record.action, record.eia_id) == ("admin", None)
                assert (record.actor_id, record.actor_name) == (world["admin"].id, "Ada Admin")
                details = json.loads(record.details)
                assert details, endpoint
                for secret in secrets:
                    assert secret not in record.details
                assert "$argon2" not in record.details and "password_hash" not in details
    assert unaudited_commits == []
    assert audit.verify(db).ok


def test_old_and_new_values_are_kept(client, db, world):
    officer = world["officer"]
    before = last_seq(db)
    client.post(
        f"/admin/users/{officer.id}",
        data={
            "name": officer.name,
            "role": "approver",
            "service_id": str(officer.service_id),
            "directorate_id": "",
            "active": "y",
        },
    )
    (record,) = records_after(db, before)
    assert record.event == "user_role_changed"
    details = json.loads(record.details)
    assert details["role"] == ["officer", "approver"]
    assert details["user"] == {"id": officer.id, "name": "Olu Officer", "email": officer.email}

    before, old_guidance = last_seq(db), world["age"].guidance
    client.post(
        f"/admin/characteristics/{world['age'].id}",
        data={"guidance": "New guidance.", "borough_profile": ""},
    )
    (record,) = records_after(db, before)
    details = json.loads(record.details)
    assert details["guidance"] == [old_guidance, "New guidance."]
    assert details["characteristic"]["key"] == "age"


def test_nothing_changed_writes_nothing(client, db, world):
    officer = world["officer"]
    before = last_seq(db)
    client.post(
        f"/admin/users/{officer.id}",
        data={
            "name": officer.name,
            "role": "officer",
            "service_id": str(officer.service_id),
            "directorate_id": "",
            "active": "y",
        },
    )
    client.post(f"/admin/users/{officer.id}/reactivate")  # already active
    client.post(
        f"/admin/directorates/{world['directorate'].id}", data={"name": world["directorate"].name}
    )
    age = world["age"]
    client.post(f"/admin/characteristics/{age.id}/move", data={"direction": "up"})  # first
    client.post(
        f"/admin/characteristics/{age.id}",
        data={"guidance": age.guidance, "borough_profile": age.borough_profile},
    )
    assert records_after(db, before) == []


def test_refused_changes_write_nothing(client, db, world, make):
    before = last_seq(db)
    race = db.exec(select(Characteristic).where(Characteristic.key == "race")).one()
    assert client.post(f"/admin/characteristics/{race.id}/deactivate").status_code == 409
    assert client.post(f"/admin/directorates/{world['directorate'].id}/delete").status_code == 409
    assert (
        client.post("/admin/directorates/new", data={"name": "community wealth"}).status_code == 400
    )
    assert client.post(f"/admin/users/{world['admin'].id}/deactivate").status_code == 400
    assert records_after(db, before) == []


# --- The change and its record: together or not at all --------------------------------------


def _failing_after_the_record(monkeypatch):
    real = audit.append

    def append_then_fail(*args, **kwargs):
        real(*args, **kwargs)
        raise RuntimeError("the database went away after the audit record was written")

    monkeypatch.setattr(admin_operations.audit, "append", append_then_fail)


def _failing_record(monkeypatch):
    def refuse(*args, **kwargs):
        raise RuntimeError("the audit record could not be written")

    monkeypatch.setattr(admin_operations.audit, "append", refuse)


@pytest.mark.parametrize("failure", [_failing_after_the_record, _failing_record])
def test_a_failure_rolls_back_the_change_and_its_record(client, db, world, monkeypatch, failure):
    officer = world["officer"]
    before, count = last_seq(db), audit.count(db)
    failure(monkeypatch)
    with pytest.raises(RuntimeError):
        client.post(
            f"/admin/users/{officer.id}",
            data={
                "name": officer.name,
                "role": "admin",
                "service_id": str(officer.service_id),
                "directorate_id": "",
                "active": "y",
            },
        )
    with pytest.raises(RuntimeError):
        client.post("/admin/directorates/new", data={"name": "Half made"})
    monkeypatch.undo()
    db.expire_all()
    assert db.get(User, officer.id).role == "officer"
    assert db.exec(select(Directorate).where(Directorate.name == "Half made")).first() is None
    assert (last_seq(db), audit.count(db)) == (before, count)
    assert audit.verify(db).ok


def test_a_failure_on_the_command_line_leaves_nothing_either(app, db, world, monkeypatch):
    _failing_after_the_record(monkeypatch)
    result = app.test_cli_runner().invoke(
        args=[
            "users",
            "create",
            "--email",
            "half@example.gov.uk",
            "--name",
            "Half Made",
            "--role",
            "admin",
            "--password",
            PASSWORD,
        ]
    )
    assert result.exit_code != 0
    monkeypatch.undo()
    db.expire_all()
    assert db.exec(select(User).where(User.email == "half@example.gov.uk")).first() is None


# --- The command line and the demo loader go through the same operations --------------------


def test_the_command_line_is_audited(app, db, world):
    before = last_seq(db)
    runner = app.test_cli_runner()
    created = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "cli@example.gov.uk",
            "--name",
            "Cli Person",
            "--role",
            "admin",
            "--password",
            PASSWORD,
        ]
    )
    assert created.exit_code == 0, created.output
    reset = runner.invoke(
        args=[
            "users",
            "set-password",
            "--email",
            "cli@example.gov.uk",
            "--password",
            "another long password",
        ]
    )
    assert reset.exit_code == 0, reset.output
    assert "Password set for Cli Person <cli@example.gov.uk>" in reset.output
    added = records_after(db, before)
    assert [r.event for r in added] == ["user_created", "user_password_reset"]
    for record in added:
        assert record.actor_id is None and record.actor_name.startswith("Command line")
        assert PASSWORD not in record.details and "another long" not in record.details
    unknown = runner.invoke(
        args=[
            "users",
            "set-password",
            "--email",
            "nobody@example.gov.uk",
            "--password",
            "another long password",
        ]
    )
    assert unknown.exit_code == 2 and "There is no user with the email" in unknown.output


@pytest.mark.slow  # loads the demo council twice
def test_the_demo_loader_is_audited_and_stays_idempotent(db, monkeypatch):
    from argon2 import PasswordHasher

    from eia import demo_data
    from eia.demo_content import DIRECTORATES, PEOPLE

    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(demo_data, "hash_password", cheap.hash)
    demo_data.load_demo(db)
    admin = db.exec(select(AuditRecord).where(AuditRecord.action == "admin")).all()
    events = [r.event for r in admin]
    assert events.count("user_created") == len(PEOPLE)
    assert events.count("directorate_created") == len(DIRECTORATES)
    assert events.count("service_created") == sum(len(s) for s in DIRECTORATES.values())
    assert {r.actor_name for r in admin} == {admin_operations.DEMO_DATA}
    count = audit.count(db)
    demo_data.load_demo(db)
    assert audit.count(db) == count


# --- The audit page ---------------------------------------------------------------------------


def test_the_audit_page_shows_admin_changes_in_plain_words(client, db, world):
    officer = world["officer"]
    client.post(
        f"/admin/users/{officer.id}",
        data={
            "name": officer.name,
            "role": "approver",
            "service_id": str(officer.service_id),
            "directorate_id": "",
            "active": "y",
        },
    )
    client.post(f"/admin/users/{officer.id}/password", data={"password": ""})
    client.post("/admin/directorates/new", data={"name": "Environment"})
    client.post(
        f"/admin/characteristics/{world['age'].id}",
        data={"guidance": "New guidance.", "borough_profile": ""},
    )

    page = client.get("/audit", query_string={"event": "admin"})
    assert page.status_code == 200
    shown = words(page)
    assert f"Role of Olu Officer ({officer.email}) changed from Officer to Approver" in shown
    assert f"Password of Olu Officer ({officer.email}) reset" in shown
    assert "Directorate Environment added" in shown
    assert "Characteristic Age changed: guidance" in shown
    assert "Ada Admin" in shown

    roles = words(client.get("/audit", query_string={"event": "admin:user_role_changed"}))
    assert "1 record match your search" in roles and "Role of Olu Officer" in roles
    assert "Directorate Environment added" not in roles
    options = parse(page).select("#event option")
    labels = {o["value"]: o.get_text().strip() for o in options}
    assert labels["admin"] == "Any administration change"
    assert labels["admin:user_role_changed"] == "Administration: role changed"


def test_admin_changes_are_in_the_downloads(client, db, world):
    officer = world["officer"]
    client.post(f"/admin/users/{officer.id}/deactivate")
    query = {"event": "admin", "format": "csv"}
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get("/audit/download", query_string=query).get_data().decode("utf-8-sig")
            )
        )
    )
    assert [(r["Person"], r["Kind"], r["Event"]) for r in rows] == [
        ("Ada Admin", "admin", "user_deactivated")
    ]
    assert rows[0]["What happened"] == f"Olu Officer ({officer.email}) deactivated"
    assert json.loads(rows[0]["Details"])["user"]["id"] == officer.id
    book = load_workbook(
        io.BytesIO(
            client.get("/audit/download", query_string={**query, "format": "xlsx"}).get_data()
        )
    )
    values = list(book.active.iter_rows(values_only=True))
    assert values[1][5] == f"Olu Officer ({officer.email}) deactivated"

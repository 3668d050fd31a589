"""Managing the product in the browser: who may, people, the council's structure, the
characteristics and their guidance; and that nothing typed into these forms gives a 500."""

import logging

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from eia.models import Characteristic, Directorate, Service, User
from eia.passwords import verify_password
from workflows.guards import in_scope_characteristics

from .support.html import parse, words
from .support.people import sign_in

PASSWORD = "a long enough password"


def banner(response) -> str:
    found = parse(response).select_one(".govuk-notification-banner--success")
    return " ".join(found.get_text().split()) if found else ""


def error_links(response) -> dict[str, str]:
    """The error summary: {message: the field it links to}."""
    summary = parse(response).select_one(".govuk-error-summary")
    assert summary is not None, "no error summary"
    return {" ".join(a.get_text().split()): a["href"] for a in summary.select("a")}


def assert_one_h1(response) -> None:
    assert len(parse(response).find_all("h1")) == 1


@pytest.fixture
def admin(client, make):
    person = make.user("admin", name="Ada Admin")
    sign_in(client, person)
    return person


def characteristic(db, key: str) -> Characteristic:
    return db.exec(select(Characteristic).where(Characteristic.key == key)).one()


# --- Who may -------------------------------------------------------------------------------

ADMIN_ONLY = ["/admin/users", "/admin/users/new", "/admin/directorates", "/admin/directorates/new"]
CHARACTERISTIC_PAGES = ["/admin/characteristics", "/admin/characteristics/new"]


def test_admin_reaches_everything(client, admin):
    index = client.get("/admin")
    assert index.status_code == 200
    assert_one_h1(index)
    for heading in ("Users", "Directorates and services", "Characteristics and guidance"):
        assert heading in words(index)
    for url in ADMIN_ONLY + CHARACTERISTIC_PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_one_h1(response)
        assert "<script>" not in response.text and " style=" not in response.text


def test_equality_officer_manages_characteristics_only(client, make):
    sign_in(client, make.user("equality_officer"))
    index = client.get("/admin")
    assert index.status_code == 200
    assert "Characteristics and guidance" in words(index)
    assert "/admin/users" not in index.text and "/admin/directorates" not in index.text
    for url in CHARACTERISTIC_PAGES:
        assert client.get(url).status_code == 200, url
    for url in ADMIN_ONLY:
        assert client.get(url).status_code == 403, url
    assert client.post("/admin/users/new", data={"name": "X"}).status_code == 403


@pytest.mark.parametrize("role", ["officer", "approver"])
def test_officers_and_approvers_get_the_no_access_page(client, make, role):
    sign_in(client, make.user(role))
    for url in ["/admin"] + ADMIN_ONLY + CHARACTERISTIC_PAGES:
        response = client.get(url)
        assert response.status_code == 403, url
        assert "You do not have access to this page" in words(response)
    age = client.post("/admin/characteristics/1/move", data={"direction": "down"})
    assert age.status_code == 403


def test_anonymous_people_are_sent_to_sign_in(client):
    for url in ["/admin"] + ADMIN_ONLY + CHARACTERISTIC_PAGES:
        response = client.get(url)
        assert response.status_code == 302
        assert response.location.startswith("/sign-in?next=")


# --- People --------------------------------------------------------------------------------


def test_create_a_user_who_then_signs_in_with_the_typed_password(app, client, admin, make):
    service = make.service(name="Libraries")
    response = client.post(
        "/admin/users/new",
        data={
            "name": "Olu Officer",
            "email": "Olu.Officer@Islington.gov.uk",
            "role": "officer",
            "service_id": str(service.id),
            "directorate_id": "",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 200
    assert "Olu Officer (olu.officer@islington.gov.uk) added as officer" in banner(response)
    assert PASSWORD not in response.text  # they typed it: it is not shown back
    assert response.headers["Cache-Control"] == "no-store"
    listing = words(client.get("/admin/users"))
    assert "olu.officer@islington.gov.uk" in listing and "Libraries" in listing

    other = app.test_client()
    signed_in = other.post(
        "/sign-in", data={"email": "olu.officer@islington.gov.uk", "password": PASSWORD}
    )
    assert (signed_in.status_code, signed_in.location) == (302, "/")


def test_a_made_up_password_is_shown_once_and_works(app, client, admin, make):
    response = client.post(
        "/admin/users/new",
        data={
            "name": "Pat Unit",
            "email": "pat@islington.gov.uk",
            "role": "equality_officer",
            "service_id": "",
            "directorate_id": "",
            "password": "",
        },
    )
    assert response.status_code == 200
    password = parse(response).select_one("#password").get_text().strip()
    assert len(password) >= 12
    assert "only time the password is shown" in words(response)
    assert (
        app.test_client()
        .post("/sign-in", data={"email": "pat@islington.gov.uk", "password": password})
        .status_code
        == 302
    )
    # Never shown again: not on the list, not on the person's page.
    person_id = parse(client.get("/admin/users")).select_one(
        "tr:-soup-contains('pat@islington.gov.uk') a"
    )["href"]
    assert password not in client.get("/admin/users").text
    assert password not in client.get(person_id).text


def test_duplicate_email_is_refused_whatever_its_case(client, admin, make, db):
    existing = make.user("officer")
    response = client.post(
        "/admin/users/new",
        data={
            "name": "Someone Else",
            "email": existing.email.upper(),
            "role": "equality_officer",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 400
    assert error_links(response) == {"There is already a user with this email address": "#email"}
    assert 'value="Someone Else"' in response.text  # what was typed is kept
    assert db.exec(select(User).where(User.name == "Someone Else")).first() is None


def test_an_officer_needs_a_service_and_an_approver_a_directorate(client, admin, make):
    response = client.post(
        "/admin/users/new",
        data={
            "name": "No Service",
            "email": "ns@islington.gov.uk",
            "role": "officer",
            "service_id": "",
            "directorate_id": "",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 400
    links = error_links(response)
    assert links["Select a service: an officer writes EIAs for a service"] == "#service_id"
    assert parse(response).select_one("#role")["value"] == "officer"
    assert parse(response).select_one("#role").has_attr("checked")

    response = client.post(
        "/admin/users/new",
        data={
            "name": "No Directorate",
            "email": "nd@islington.gov.uk",
            "role": "approver",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 400
    assert "#directorate_id" in error_links(response).values()

    service = make.service()  # a head of service: the service's directorate is used
    response = client.post(
        "/admin/users/new",
        data={
            "name": "Head Of Service",
            "email": "hos@islington.gov.uk",
            "role": "approver",
            "service_id": str(service.id),
            "password": PASSWORD,
        },
    )
    assert response.status_code == 200


def test_short_password_and_missing_fields_get_an_error_summary(client, admin):
    response = client.post("/admin/users/new", data={"password": "short"})
    assert response.status_code == 400
    links = error_links(response)
    assert links["Enter their full name"] == "#name"
    assert links["Enter their email address"] == "#email"
    assert links["Select a role"] == "#role"
    assert any(message.startswith("Password must be between 12") for message in links)
    assert parse(response).title.get_text().startswith("Error: ")


def test_edit_a_user(client, admin, make, db):
    person = make.user("officer", name="Before Name")
    directorate = make.directorate(name="Children's Services")
    response = client.post(
        f"/admin/users/{person.id}",
        data={
            "name": "After Name",
            "role": "approver",
            "service_id": "",
            "directorate_id": str(directorate.id),
            "active": "y",
        },
    )
    assert response.status_code == 302
    db.refresh(person)
    assert (person.name, person.role, person.directorate_id, person.service_id) == (
        "After Name",
        "approver",
        directorate.id,
        None,
    )
    listing = client.get(response.location)
    assert "Changes to After Name" in banner(listing)
    assert len(parse(listing).select(".govuk-notification-banner")) == 1  # said once
    assert banner(client.get(response.location)) == ""  # and only once


def test_an_admin_cannot_deactivate_themselves_or_drop_their_own_role(client, admin, db):
    response = client.post(f"/admin/users/{admin.id}/deactivate")
    assert response.status_code == 400
    assert "You cannot deactivate your own account" in " ".join(error_links(response))

    response = client.post(
        f"/admin/users/{admin.id}",
        data={"name": admin.name, "role": "officer", "service_id": "", "directorate_id": ""},
    )
    assert response.status_code == 400
    messages = " ".join(error_links(response))
    assert "You cannot deactivate your own account" in messages  # "active" was unticked
    assert "You cannot remove your own administrator role" in messages
    db.refresh(admin)
    assert admin.active and admin.role == "admin"


def test_a_deactivated_user_cannot_sign_in_and_can_be_reactivated(app, client, admin, make, db):
    client.post(
        "/admin/users/new",
        data={
            "name": "Leaver",
            "email": "leaver@islington.gov.uk",
            "role": "equality_officer",
            "password": PASSWORD,
        },
    )
    leaver = db.exec(select(User).where(User.email == "leaver@islington.gov.uk")).one()
    theirs = app.test_client()
    assert (
        theirs.post("/sign-in", data={"email": leaver.email, "password": PASSWORD}).status_code
        == 302
    )

    response = client.post(f"/admin/users/{leaver.id}/deactivate")
    assert response.status_code == 302
    assert "Leaver (leaver@islington.gov.uk) deactivated" in banner(client.get(response.location))
    assert theirs.get("/").status_code == 302  # their session ends too
    refused = app.test_client().post("/sign-in", data={"email": leaver.email, "password": PASSWORD})
    assert refused.status_code == 400
    assert db.get(User, leaver.id) is not None  # never deleted

    client.post(f"/admin/users/{leaver.id}/reactivate")
    assert (
        app.test_client()
        .post("/sign-in", data={"email": leaver.email, "password": PASSWORD})
        .status_code
        == 302
    )


def test_reset_a_password(app, client, admin, make, db):
    person = make.user("officer")
    response = client.post(f"/admin/users/{person.id}/password", data={"password": ""})
    assert response.status_code == 200
    password = parse(response).select_one("#password").get_text().strip()
    db.refresh(person)
    assert verify_password(person.password_hash, password)
    assert (
        app.test_client()
        .post("/sign-in", data={"email": person.email, "password": password})
        .status_code
        == 302
    )

    typed = client.post(f"/admin/users/{person.id}/password", data={"password": PASSWORD})
    assert typed.status_code == 200 and PASSWORD not in typed.text
    db.refresh(person)
    assert verify_password(person.password_hash, PASSWORD)


def test_a_reset_lifts_a_lockout(app, client, admin, make):
    """The sign-in page tells a locked-out person to ask for a reset: it works at once."""
    person = make.user("officer")
    theirs = app.test_client()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        theirs.post("/sign-in", data={"email": person.email, "password": "wrong"})
    client.post(f"/admin/users/{person.id}/password", data={"password": PASSWORD})
    assert (
        theirs.post("/sign-in", data={"email": person.email, "password": PASSWORD}).status_code
        == 302
    )


def test_the_buttons_carry_a_csrf_token(app, client, admin, db):
    app.config["WTF_CSRF_ENABLED"] = True
    listing = parse(client.get("/admin/characteristics"))
    button = listing.select_one(f"#characteristic-{characteristic(db, 'age').id} form")
    fields = {i["name"]: i["value"] for i in button.select("input")}
    assert client.post(button["action"], data={"direction": "down"}).status_code == 400
    assert client.post(button["action"], data=fields).status_code == 302


def test_changes_are_logged_with_who_made_them(client, admin, caplog):
    """By the person's id (eia/logs.py): never their email or name; the audit trail says
    what changed."""
    with caplog.at_level(logging.INFO):
        client.post("/admin/directorates/new", data={"name": "Environment"})
    changes = [r for r in caplog.records if getattr(r, "event", "") == "configuration_changed"]
    assert [(r.user_id, r.getMessage()) for r in changes] == [
        (admin.id, "Configuration changed (admin.new_directorate)")
    ]
    assert not any(admin.email in r.getMessage() for r in caplog.records)


# --- Directorates and services -------------------------------------------------------------


def test_add_and_rename_directorates_and_services(client, admin, db):
    response = client.post("/admin/directorates/new", data={"name": "  Community Wealth  "})
    assert response.status_code == 302
    listing = client.get(response.location)
    assert "Directorate Community Wealth added" in banner(listing)
    directorate = db.exec(select(Directorate).where(Directorate.name == "Community Wealth")).one()

    duplicate = client.post("/admin/directorates/new", data={"name": "community wealth"})
    assert duplicate.status_code == 400
    assert error_links(duplicate) == {"There is already a directorate with this name": "#name"}

    url = f"/admin/directorates/{directorate.id}/services/new"
    assert client.post(url, data={"name": "Employment"}).status_code == 302
    again = client.post(url, data={"name": "EMPLOYMENT"})
    assert again.status_code == 400
    assert "There is already a service with this name in this directorate" in error_links(again)
    other = client.post("/admin/directorates/new", data={"name": "Other"})
    assert other.status_code == 302
    elsewhere = db.exec(select(Directorate).where(Directorate.name == "Other")).one()
    assert (
        client.post(
            f"/admin/directorates/{elsewhere.id}/services/new", data={"name": "Employment"}
        ).status_code
        == 302
    )  # fine elsewhere

    service = db.exec(select(Service).where(Service.directorate_id == directorate.id)).one()
    renamed = client.post(f"/admin/services/{service.id}", data={"name": "Jobs and Skills"})
    assert renamed.status_code == 302
    assert "Service Employment renamed to Jobs and Skills" in banner(client.get(renamed.location))
    clash = client.post(f"/admin/directorates/{directorate.id}", data={"name": "Other"})
    assert clash.status_code == 400
    assert 'value="Other"' in clash.text


def test_nothing_in_use_is_deleted(client, admin, make, db):
    eia = make.eia("draft")
    service, directorate = eia.service, eia.directorate
    # 409: what uses it refuses the deletion, which no field on the page can change (so
    # the error summary says so in words, linking to nothing).
    refused = client.post(f"/admin/services/{service.id}/delete")
    assert refused.status_code == 409
    assert "because it still has 1 person and 1 EIA" in words(refused)
    refused = client.post(f"/admin/directorates/{directorate.id}/delete")
    assert refused.status_code == 409
    assert "because it still has 1 service, 1 person and 1 EIA" in words(refused)
    assert db.get(Service, service.id) is not None

    unused = make.directorate(name="Unused")
    db.commit()
    assert client.post(f"/admin/directorates/{unused.id}/delete").status_code == 302
    assert db.exec(select(Directorate).where(Directorate.name == "Unused")).first() is None


# --- Characteristics and guidance ----------------------------------------------------------


def test_a_local_characteristic_joins_screening(client, make, db):
    sign_in(client, make.user("equality_officer"))
    eia = make.eia("draft")
    response = client.post(
        "/admin/characteristics/new",
        data={
            "name": "Care leavers",
            "guidance": "Think about young people leaving care.",
            "borough_profile": "About 300 care leavers live in Islington.",
        },
    )
    assert response.status_code == 302
    assert "Local characteristic Care leavers added" in banner(client.get(response.location))
    added = characteristic(db, "care_leavers")
    assert (added.kind, added.active) == ("local", True)
    assert added in in_scope_characteristics(eia, db)
    assert in_scope_characteristics(eia, db)[-1] == added  # added at the end

    twin = client.post("/admin/characteristics/new", data={"name": "care leavers"})
    assert twin.status_code == 400
    assert error_links(twin) == {"There is already a characteristic with this name": "#name"}

    assert client.post(f"/admin/characteristics/{added.id}/deactivate").status_code == 302
    db.refresh(added)
    assert not added.active and added not in in_scope_characteristics(eia, db)


def test_keys_are_made_from_names_and_unique(client, admin, db):
    client.post("/admin/characteristics/new", data={"name": "Armed Forces community!"})
    assert characteristic(db, "armed_forces_community").name == "Armed Forces community!"
    db.get(Characteristic, characteristic(db, "armed_forces_community").id)
    client.post("/admin/characteristics/new", data={"name": "Armed forces  community"})
    assert characteristic(db, "armed_forces_community_2").kind == "local"


def test_statutory_characteristics_cannot_be_deactivated_or_renamed(client, admin, db):
    race = characteristic(db, "race")
    response = client.post(f"/admin/characteristics/{race.id}/deactivate")
    assert response.status_code == 409  # the law refuses it, not anything typed
    summary = parse(response).select_one(".govuk-error-summary")
    assert (
        "Race cannot be deactivated: it is one of the nine characteristics protected "
        "by the Equality Act 2010" in " ".join(summary.get_text().split())
    )
    socio = characteristic(db, "socio_economic")
    response = client.post(f"/admin/characteristics/{socio.id}/deactivate")
    assert response.status_code == 409 and "socio-economic duty" in words(response)

    edit = client.get(f"/admin/characteristics/{race.id}")
    assert parse(edit).select_one("input#name") is None
    client.post(
        f"/admin/characteristics/{race.id}", data={"name": "Ethnicity", "guidance": race.guidance}
    )
    db.refresh(race)
    assert race.name == "Race" and race.active


def test_guidance_and_profile_are_saved_and_escaped(client, make, db):
    sign_in(client, make.user("equality_officer"))
    age = characteristic(db, "age")
    guidance = "<script>alert('x')</script> Use the ward age profile & service data."
    profile = (
        "Islington's population is 42% from Black, Asian and other minority "
        "ethnic groups (2021 Census)"
    )
    response = client.post(
        f"/admin/characteristics/{age.id}", data={"guidance": guidance, "borough_profile": profile}
    )
    assert response.status_code == 302
    db.refresh(age)
    assert (age.guidance, age.borough_profile) == (guidance, profile)
    assert "Characteristic Age saved: guidance, borough profile changed" in banner(
        client.get(response.location)
    )
    form = client.get(f"/admin/characteristics/{age.id}")
    assert "<script>alert" not in form.text
    assert "&lt;script&gt;alert(" in form.text


def test_long_text_is_refused_and_kept(client, admin, db):
    age = characteristic(db, "age")
    response = client.post(
        f"/admin/characteristics/{age.id}", data={"guidance": "x" * 5001, "borough_profile": "kept"}
    )
    assert response.status_code == 400
    assert error_links(response) == {"Guidance must be 5,000 characters or fewer": "#guidance"}
    assert ">kept</textarea>" in response.text


def test_reorder_characteristics(client, admin, db):
    def order():
        return [
            c.key
            for c in db.exec(
                select(Characteristic).order_by(Characteristic.position, Characteristic.id)
            ).all()
        ]

    before = order()
    assert before[:2] == ["age", "disability"]
    disability = characteristic(db, "disability")
    response = client.post(f"/admin/characteristics/{disability.id}/move", data={"direction": "up"})
    assert response.status_code == 302
    assert "Characteristic Disability moved up" in banner(client.get(response.location))
    db.expire_all()
    assert order()[:2] == ["disability", "age"]
    client.post(f"/admin/characteristics/{disability.id}/move", data={"direction": "down"})
    db.expire_all()
    assert order() == before
    # The first cannot go up, the last cannot go down: nothing changes.
    age = characteristic(db, "age")
    client.post(f"/admin/characteristics/{age.id}/move", data={"direction": "up"})
    db.expire_all()
    assert order() == before
    listing = parse(client.get("/admin/characteristics"))
    first_row = listing.select_one(f"#characteristic-{age.id}")
    assert "Move up" not in first_row.get_text() and "Move down" in first_row.get_text()
    assert (
        client.post(
            f"/admin/characteristics/{age.id}/move", data={"direction": "sideways"}
        ).status_code
        == 400
    )


# --- Nothing typed gives a 500 -------------------------------------------------------------

GARBAGE = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "0",
            "-1",
            "99999999999999999999",
            "1e9",
            "officer",
            "admin",
            "y",
            "up",
            "down",
            "x" * 400,
            "<b>&amp;</b>",
            "ünïcødé",
            "a@b.c",
            "A@EXAMPLE.GOV.UK",
        ]
    ),
)
FIELDS = [
    "name",
    "email",
    "role",
    "service_id",
    "directorate_id",
    "password",
    "active",
    "guidance",
    "borough_profile",
    "direction",
]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.dictionaries(st.sampled_from(FIELDS), GARBAGE, max_size=8),
    target=st.sampled_from(
        [
            "/admin/users/new",
            "/admin/users/{user}",
            "/admin/users/{user}/password",
            "/admin/users/{user}/deactivate",
            "/admin/directorates/new",
            "/admin/directorates/{directorate}",
            "/admin/directorates/{directorate}/delete",
            "/admin/directorates/{directorate}/services/new",
            "/admin/services/{service}",
            "/admin/characteristics/new",
            "/admin/characteristics/{characteristic}",
            "/admin/characteristics/{characteristic}/move",
            "/admin/characteristics/{characteristic}/deactivate",
            "/admin/users/99999999999999999999",
            "/admin/characteristics/0/move",
        ]
    ),
)
def test_garbage_never_gives_a_server_error(
    client, admin, make, db, unaudited_commits, data, target
):
    """...and whatever is accepted is in the audit trail (tests/test_admin_audit.py)."""
    service = make.service()
    ids = {
        "user": make.user("officer", service=service).id,
        "service": service.id,
        "directorate": service.directorate_id,
        "characteristic": characteristic(db, "age").id,
    }
    db.commit()
    response = client.post(target.format(**ids), data=data)
    assert response.status_code < 500, response.text[:500]
    assert unaudited_commits == []
    with client.session_transaction() as flask_session:
        flask_session.pop("_flashes", None)  # keep the cookie small

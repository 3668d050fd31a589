"""Ending sessions: a copy of someone's session cookie (Flask keeps the session in a signed
cookie on the browser) stops working as soon as they sign out, their password is changed or
reset, their role, directorate or service changes, or they are deactivated. Whoever holds
the old cookie lands on the sign-in page with a message saying why; nothing saved is lost."""

import pytest

from eia.models import Eia
from eia.passwords import hash_password

from .support.html import words
from .support.people import PASSWORD, sign_in

SIGNED_OUT = "You have been signed out"


@pytest.fixture
def admin_client(app, make):
    client = app.test_client()
    sign_in(client, make.user("admin", name="Ada Admin"))
    return client


def signed_in(app, user):
    """A browser signed in through the real sign-in form."""
    client = app.test_client()
    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.text
    return client


def copy_of(app, client):
    """A second browser holding a copy of the first one's session cookie."""
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    assert other.get("/").status_code == 200  # the copy works, for now
    return other


def assert_signed_out(client, where: str = "/"):
    response = client.get(where)
    assert response.status_code == 302
    assert response.location.startswith("/sign-in?next=")
    page = words(client.get(response.location))
    assert SIGNED_OUT in page and "nothing you saved is lost" in page
    assert client.get(where).status_code == 302  # and stays signed out
    assert SIGNED_OUT not in words(client.get("/sign-in"))  # said once


def test_sign_out_ends_every_session_of_that_person(app, person):
    user = person()
    browser = signed_in(app, user)
    copied = copy_of(app, browser)
    elsewhere = signed_in(app, user)  # the same person on another computer
    assert browser.post("/sign-out").status_code == 302
    assert browser.get("/").status_code == 302
    assert_signed_out(copied)
    assert_signed_out(elsewhere)
    assert signed_in(app, user).get("/").status_code == 200  # signing in again works


def test_a_password_reset_by_an_admin_ends_their_sessions(app, person, admin_client):
    user = person()
    copied = copy_of(app, signed_in(app, user))
    response = admin_client.post(
        f"/admin/users/{user.id}/password", data={"password": "a brand new password"}
    )
    assert response.status_code == 200
    assert_signed_out(copied)


def test_a_password_set_on_the_command_line_ends_their_sessions(app, person, db):
    user = person()
    copied = copy_of(app, signed_in(app, user))
    result = app.test_cli_runner().invoke(
        args=["users", "set-password", "--email", user.email, "--password", "a brand new password"]
    )
    assert result.exit_code == 0, result.output
    assert_signed_out(copied)
    db.expire_all()
    browser = app.test_client()
    assert (
        browser.post(
            "/sign-in", data={"email": user.email, "password": "a brand new password"}
        ).status_code
        == 302
    )


def test_a_role_change_ends_their_sessions(app, person, admin_client):
    user = person("officer")
    copied = copy_of(app, signed_in(app, user))
    response = admin_client.post(
        f"/admin/users/{user.id}",
        data={
            "name": user.name,
            "role": "approver",
            "service_id": str(user.service_id),
            "directorate_id": "",
            "active": "y",
        },
    )
    assert response.status_code == 302
    assert_signed_out(copied)


def test_a_service_change_ends_their_sessions(app, person, admin_client, make):
    user = person("officer")
    elsewhere = make.service(name="Somewhere else")
    copied = copy_of(app, signed_in(app, user))
    response = admin_client.post(
        f"/admin/users/{user.id}",
        data={
            "name": user.name,
            "role": "officer",
            "service_id": str(elsewhere.id),
            "directorate_id": "",
            "active": "y",
        },
    )
    assert response.status_code == 302
    assert_signed_out(copied)


def test_a_directorate_change_ends_their_sessions(app, person, admin_client, make):
    user = person("approver")
    other = make.directorate(name="Another directorate")
    copied = copy_of(app, signed_in(app, user))
    response = admin_client.post(
        f"/admin/users/{user.id}",
        data={
            "name": user.name,
            "role": "approver",
            "service_id": "",
            "directorate_id": str(other.id),
            "active": "y",
        },
    )
    assert response.status_code == 302
    assert_signed_out(copied)


@pytest.mark.parametrize("how", ["button", "form"])
def test_deactivation_ends_their_sessions(app, person, admin_client, how):
    user = person("officer")
    copied = copy_of(app, signed_in(app, user))
    if how == "button":
        response = admin_client.post(f"/admin/users/{user.id}/deactivate")
    else:
        response = admin_client.post(
            f"/admin/users/{user.id}",
            data={
                "name": user.name,
                "role": "officer",
                "service_id": str(user.service_id),
                "directorate_id": "",
            },
        )  # "active" unticked
    assert response.status_code == 302
    assert_signed_out(copied)


def test_a_change_of_name_alone_keeps_them_signed_in(app, person, admin_client):
    user = person("officer")
    browser = signed_in(app, user)
    response = admin_client.post(
        f"/admin/users/{user.id}",
        data={
            "name": "A New Name",
            "role": "officer",
            "service_id": str(user.service_id),
            "directorate_id": "",
            "active": "y",
        },
    )
    assert response.status_code == 302
    assert browser.get("/").status_code == 200


def test_an_admin_resetting_their_own_password_stays_signed_in_here_only(app, make, db):
    admin = make.user("admin")
    admin.password_hash = hash_password(PASSWORD)
    db.add(admin)
    db.commit()
    here = signed_in(app, admin)
    there = signed_in(app, admin)
    response = here.post(
        f"/admin/users/{admin.id}/password", data={"password": "a brand new password"}
    )
    assert response.status_code == 200
    assert here.get("/admin/users").status_code == 200  # the browser that made the change
    assert_signed_out(there)


def test_the_person_signed_out_finds_their_work_where_they_left_it(app, person, make, db):
    user = person("officer")
    eia = make.eia("draft", owner=user, title="Kept title")
    db.commit()
    copied = copy_of(app, signed_in(app, user))
    signed_in(app, user).post("/sign-out")
    # A save sent after the session ended changes nothing and asks them to sign in...
    response = copied.post(f"/eias/{eia.reference}/proposal", data={"title": "Lost title"})
    assert response.status_code == 302 and response.location.startswith("/sign-in?next=")
    db.expire_all()
    assert db.get(Eia, eia.id).title == "Kept title"
    # ...and after signing in they are taken back to the page they were on.
    page = copied.get(f"/eias/{eia.reference}")
    assert page.status_code == 302
    back = copied.post(page.location, data={"email": user.email, "password": PASSWORD})
    assert back.location == f"/eias/{eia.reference}"
    assert "Kept title" in words(copied.get(back.location))

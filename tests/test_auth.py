"""Signing in, who sees what, CSRF, and the "you do not have access" page."""

import re

import pytest

from .support.html import words
from .support.people import PASSWORD, sign_in


def test_every_page_needs_sign_in(client, make):
    eia = make.eia("draft")
    for url in ("/", f"/eias/{eia.reference}"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.location.startswith("/sign-in?next=")


def test_sign_in_and_out(client, person):
    user = person()
    response = client.post(
        "/sign-in?next=/", data={"email": user.email.upper(), "password": PASSWORD}
    )
    assert (response.status_code, response.location) == (302, "/")
    page = client.get("/")
    assert page.status_code == 200 and user.name in words(page)
    client.post("/sign-out")
    assert client.get("/").status_code == 302


def test_wrong_password_says_what_to_do_without_saying_which_was_wrong(client, person):
    user = person()
    for email in (user.email, "nobody@example.gov.uk"):
        response = client.post("/sign-in", data={"email": email, "password": "wrong"})
        assert response.status_code == 400
        assert "Enter a correct email address and password" in words(response)
        assert 'href="#email"' in response.text


def test_empty_and_malformed_input_get_an_error_summary(client):
    response = client.post("/sign-in", data={"email": "not-an-email", "password": ""})
    assert response.status_code == 400
    page = words(response)
    assert "There is a problem" in page
    assert "Enter an email address in the correct format" in page
    assert "Enter your password" in page
    assert 'value="not-an-email"' in response.text  # what was typed is kept


def test_inactive_person_cannot_sign_in(client, person, db):
    user = person()
    user.active = False
    db.add(user)
    db.commit()
    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"]
)
def test_next_never_leaves_the_site(client, person, target):
    user = person()
    response = client.post(
        f"/sign-in?next={target}", data={"email": user.email, "password": PASSWORD}
    )
    assert response.location == "/"


def test_officer_sees_only_their_service(client, make):
    officer = make.user("officer")
    mine = make.eia(
        "draft", owner=make.user("officer", service=officer.service), title="Our service's proposal"
    )
    theirs = make.eia("draft", title="Another service's proposal")
    sign_in(client, officer)
    listing = words(client.get("/"))
    assert mine.reference in listing and theirs.reference not in listing
    assert client.get(f"/eias/{mine.reference}").status_code == 200
    denied = client.get(f"/eias/{theirs.reference}")
    assert denied.status_code == 403
    assert "You do not have access to this page" in words(denied)


def test_approver_sees_their_directorate_and_equality_officer_sees_all(client, make):
    eia = make.eia("awaiting_sign_off")
    elsewhere = make.eia("draft")
    approver = make.user("approver", directorate=eia.directorate)
    sign_in(client, approver)
    assert client.get(f"/eias/{eia.reference}").status_code == 200
    assert client.get(f"/eias/{elsewhere.reference}").status_code == 403
    sign_in(client, make.user("equality_officer"))
    assert client.get(f"/eias/{elsewhere.reference}").status_code == 200


def test_csrf_is_enforced(app, person):
    app.config["WTF_CSRF_ENABLED"] = True
    user = person()
    client = app.test_client()
    refused = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert refused.status_code == 400
    assert "Your form could not be sent" in words(refused)
    form = client.get("/sign-in").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    accepted = client.post(
        "/sign-in", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert accepted.status_code == 302


def test_repeated_failures_lock_the_account_for_a_while(app, client, person):
    user = person()
    limit = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit):
        assert (
            client.post("/sign-in", data={"email": user.email, "password": "wrong"}).status_code
            == 400
        )
    locked = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert locked.status_code == 429
    assert "too many attempts to sign in. Wait 15 minutes" in words(locked)
    assert client.get("/").status_code == 302  # the right password did not get in either
    other = person()
    assert (
        client.post("/sign-in", data={"email": other.email, "password": PASSWORD}).status_code
        == 302
    )


def test_sign_in_expires_after_the_longest_day(app, client, person):
    user = person()
    client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert client.get("/").status_code == 200
    with client.session_transaction() as flask_session:
        flask_session["signed_in_at"] -= app.config["SESSION_MAX_HOURS"] * 3600 + 1
    response = client.get("/")
    assert response.status_code == 302
    follow = client.get(response.location)
    assert "signed in for too long" in words(follow)


def test_idle_sessions_expire_with_the_cookie(app):
    assert app.permanent_session_lifetime.total_seconds() == app.config["SESSION_IDLE_MINUTES"] * 60
    assert app.config["SESSION_REFRESH_EACH_REQUEST"]


def test_security_headers(client, person):
    response = client.get("/sign-in")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in response.headers
    secure = client.get("/sign-in", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")


# --- Throttling by account and by place ------------------------------------------------------

A, B = "198.51.100.7", "203.0.113.9"  # two places: an office, home


def _from(app, address: str):
    """A browser signing in from ``address``."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _attempt(client, email: str, password: str = "wrong"):
    return client.post("/sign-in", data={"email": email, "password": password})


def test_failures_from_one_place_do_not_lock_the_person_out_elsewhere(app, person):
    approver = person("approver")
    attacker = _from(app, A)
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert _attempt(attacker, approver.email).status_code == 400
    # The approver, from home, signs in at once...
    home = _from(app, B)
    signed_in = _attempt(home, approver.email, PASSWORD)
    assert (signed_in.status_code, signed_in.location) == (302, "/")
    assert home.get("/").status_code == 200
    # ...while the place the failures came from is paused, right password or not.
    refused = _attempt(attacker, approver.email, PASSWORD)
    assert refused.status_code == 429
    assert "too many attempts to sign in. Wait 15 minutes" in words(refused)


@pytest.mark.slow  # sign-in attempts up to the lock-out, each hashed
def test_a_browser_that_signed_in_before_is_not_locked_out_by_a_neighbour(app, person):
    """Colleagues share the council's address: failures from another browser there do not
    lock out the approver's own browser, which has signed in as them before."""
    approver = person("approver")
    own = _from(app, A)
    assert _attempt(own, approver.email, PASSWORD).status_code == 302
    own.post("/sign-out")
    neighbour = _from(app, A)
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        _attempt(neighbour, approver.email)
    assert _attempt(neighbour, approver.email, PASSWORD).status_code == 429
    assert _attempt(own, approver.email, PASSWORD).status_code == 302
    own.post("/sign-out")
    # The browser's mark is for that person only: it does not help with anyone else.
    other = person()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        _attempt(neighbour, other.email)
    assert _attempt(own, other.email, PASSWORD).status_code == 429


@pytest.mark.slow  # sign-in attempts up to the lock-out, each hashed
def test_one_place_trying_many_accounts_is_paused(app, person):
    app.config["LOGIN_SOURCE_MAX_FAILURES"] = 12
    per_account = app.config["LOGIN_MAX_FAILURES"] - 1
    sprayer = _from(app, A)
    tried = 0
    for n in range(4):
        for _ in range(per_account):
            if tried < 12:
                assert _attempt(sprayer, f"guess{n}@example.gov.uk").status_code == 400
                tried += 1
    fresh = person()
    refused = _attempt(sprayer, fresh.email, PASSWORD)
    assert refused.status_code == 429
    assert "too many attempts to sign in" in words(refused)
    assert _attempt(_from(app, B), fresh.email, PASSWORD).status_code == 302


@pytest.mark.slow  # sign-in attempts up to the lock-out, each hashed
def test_many_places_failing_for_one_account_slow_it_down_without_locking(app, person, db):
    import time_machine

    from eia.models import utcnow

    app.config["LOGIN_ACCOUNT_SLOWDOWN_AFTER"] = 8
    approver = person("approver")
    for n in range(8):  # fewer than the per-place limit from each place
        for _ in range(2):
            _attempt(_from(app, f"192.0.2.{n}"), approver.email)
    # Right after a run of failures, new places must wait a little between attempts...
    waiting = _attempt(_from(app, "192.0.2.200"), approver.email, PASSWORD)
    assert waiting.status_code == 429
    assert "Wait" in words(waiting) and "seconds and try again" in words(waiting)
    # ...but never long: once the pause is over, the right password gets in.
    with time_machine.travel(
        utcnow().timestamp() + app.config["LOGIN_ACCOUNT_MAX_DELAY_SECONDS"] + 1, tick=False
    ):
        assert _attempt(_from(app, "192.0.2.201"), approver.email, PASSWORD).status_code == 302


def test_a_known_browser_is_not_slowed_down_by_failures_elsewhere(app, person):
    app.config["LOGIN_ACCOUNT_SLOWDOWN_AFTER"] = 4
    approver = person("approver")
    own = _from(app, B)
    assert _attempt(own, approver.email, PASSWORD).status_code == 302
    own.post("/sign-out")
    for n in range(6):
        _attempt(_from(app, f"192.0.2.{n}"), approver.email)
    assert _attempt(_from(app, "192.0.2.99"), approver.email, PASSWORD).status_code == 429
    assert _attempt(own, approver.email, PASSWORD).status_code == 302


@pytest.mark.slow  # sign-in attempts up to the lock-out, each hashed
def test_unknown_and_known_emails_are_throttled_alike(app, person, monkeypatch):
    """Nothing tells an unknown email from a wrong password: the same answer, one password
    check each (the same time), and the same pause after the same number of failures."""
    from eia.web import auth as auth_module

    checks = []
    real = auth_module.verify_password

    def counted(password_hash, password):
        checks.append(password_hash)
        return real(password_hash, password)

    monkeypatch.setattr(auth_module, "verify_password", counted)
    user = person()
    answers = {}
    for email in (user.email, "nobody@example.gov.uk"):
        browser = _from(app, A)
        checks.clear()
        statuses = [
            _attempt(browser, email).status_code
            for _ in range(app.config["LOGIN_MAX_FAILURES"] + 1)
        ]
        answers[email] = (statuses, len(checks), words(_attempt(browser, email)))
    assert answers[user.email] == answers["nobody@example.gov.uk"]
    statuses, checked, _ = answers[user.email]
    assert statuses == [400] * app.config["LOGIN_MAX_FAILURES"] + [429]
    assert checked == app.config["LOGIN_MAX_FAILURES"]  # one check per attempt let through

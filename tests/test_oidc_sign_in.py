"""Signing in with the council's account (OpenID Connect), against a real OpenID Provider:
panva's oidc-provider on 127.0.0.1 with Entra-shaped claims (tests/oidc/). The product's
redirect, the provider's own login form, the code exchanged at its token endpoint, the ID
token validated against its keys: nothing is mocked.

Provisioning (a person made from their claims, found again by their link and never by
email alone, their role and team applied at each sign-in, every change audited), the
groups overage through a Graph stand-in, the pages for no role, a closed account and a
provider that is down, sign-out with the provider's end-session endpoint, and passwords as a
break-glass that an administrator switches off.
"""

import json
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from bs4 import BeautifulSoup
from sqlmodel import select

from eia import admin_operations as admin_ops
from eia import audit
from eia.models import AuditRecord, IdentityLink, SignInCode, User
from eia.passwords import hash_password

from .oidc.fixture import (
    OTHER_TENANT,
    TENANT,
    LoginPage,
    app_path,
    follow_to_app,
    open_login_page,
    sign_in_through_provider,
)
from .support.db import session_on
from .support.html import parse, words
from .support.people import sign_in
from .support.services import free_port

pytestmark = pytest.mark.slow  # a real OpenID Provider (Node), round trips to it

CALLBACK = "http://localhost/sign-in/oidc/callback"
SIGNED_OUT = "http://localhost/signed-out?from=provider"
PASSWORD = "a long enough password"
SSO = admin_ops.SINGLE_SIGN_ON


@pytest.fixture(scope="session")
def provider_client(oidc_provider):
    return oidc_provider.register_client(CALLBACK, post_logout=(SIGNED_OUT,))


@pytest.fixture
def sso_config(oidc_provider, provider_client):
    return {
        "OIDC_ISSUER": oidc_provider.issuer,
        "OIDC_CLIENT_ID": provider_client["client_id"],
        "OIDC_CLIENT_SECRET": provider_client["client_secret"],
        "OIDC_TENANT_ID": TENANT,
        "OIDC_GROUPS_URL": f"{oidc_provider.issuer}/graph/v1.0/me/getMemberObjects",
    }


@pytest.fixture
def make_app(connection, tmp_path, sso_config):
    """An app like the suite's ``app``, with the identity provider set up (overridable)."""
    from eia import create_app

    def _make(**overrides):
        return create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "test",
                "DATABASE_URL": "sqlite:///" + str(tmp_path / "unused.db"),
                "SESSION_FACTORY": lambda: session_on(connection),
                "WTF_CSRF_ENABLED": False,
                "CELERY_BROKER_URL": "memory://",
                "CELERY_RESULT_BACKEND": "cache+memory://",
                **sso_config,
                **overrides,
            }
        )

    return _make


@pytest.fixture
def sso_app(make_app):
    return make_app()


@pytest.fixture
def council(make, db):
    """Directorates, services, an administrator, and the mapping: Entra app roles give the
    role, groups the team."""
    housing = make.directorate("Homes and Neighbourhoods")
    repairs = make.service(housing, "Repairs")
    adults = make.directorate("Adult Social Care")
    admin = make.user("admin", name="Ada Administrator")
    for kind, value, role, service, directorate in [
        ("app_role", "EIA.Officer", "officer", None, None),
        ("app_role", "EIA.Approver", "approver", None, None),
        ("app_role", "EIA.Admin", "admin", None, None),
        ("group", "group-repairs", None, repairs.id, None),
        ("group", "group-adults", None, None, adults.id),
    ]:
        admin_ops.create_claim_mapping(
            db,
            admin,
            kind=kind,
            value=value,
            role=role,
            service_id=service,
            directorate_id=directorate,
        )
    db.commit()
    return {"housing": housing, "repairs": repairs, "adults": adults, "admin": admin}


def _user(db, account) -> User | None:
    link = db.exec(select(IdentityLink).where(IdentityLink.subject == account.oid)).first()
    return db.get(User, link.user_id) if link else None


def _admin_events(db, email) -> list[tuple[str, str]]:
    records = db.exec(
        select(AuditRecord).where(AuditRecord.action == "admin").order_by(AuditRecord.seq)
    ).all()
    return [(r.event, r.actor_name) for r in records if email in (r.details or "")]


# --- the sign-in page --------------------------------------------------------------------------


def test_the_sign_in_page_offers_the_council_account_first(sso_app):
    page = sso_app.test_client().get("/sign-in")
    assert page.status_code == 200
    soup = parse(page)
    button = soup.select_one("a#sign-in-with-account")
    assert " ".join(button.get_text().split()) == "Sign in with your Islington Council account"
    assert button["href"] == "/sign-in/oidc"
    assert "If your Islington Council account is not working" in words(page)
    assert soup.select_one("#password") is not None  # the break-glass is still there


def test_without_an_identity_provider_nothing_changes(client):
    """`make run`'s embedded defaults: passwords only, no council-account button."""
    page = client.get("/sign-in")
    assert page.status_code == 200 and "sign-in-with-account" not in page.text
    assert client.get("/sign-in/oidc").status_code == 404
    assert client.get("/sign-in/oidc/callback?code=x&state=y").status_code == 404


# --- provisioning ------------------------------------------------------------------------------


def test_first_sign_in_creates_the_person_with_the_mapped_role_and_team(
    sso_app, oidc_provider, council, db
):
    account = oidc_provider.account(
        name="Priya Approver", roles=["EIA.Approver"], groups=["group-repairs", "unmapped-group"]
    )
    browser = sso_app.test_client()
    response = sign_in_through_provider(browser, account, start="/sign-in/oidc?next=/my-eias")
    assert (response.status_code, response.location) == (302, "/my-eias")
    person = _user(db, account)
    assert person is not None and person.name == "Priya Approver"
    assert person.email == account.email and person.password_hash is None
    assert (person.role, person.service_id) == ("approver", council["repairs"].id)
    page = browser.get("/")
    assert page.status_code == 200 and "Priya Approver" in words(page)
    link = db.exec(select(IdentityLink).where(IdentityLink.user_id == person.id)).one()
    assert (link.issuer, link.subject) == (oidc_provider.issuer, account.oid)
    assert link.last_id_token and link.last_sign_in_at is not None
    assert _admin_events(db, account.email) == [("user_created", SSO), ("identity_linked", SSO)]
    assert audit.verify(db).ok


def test_claims_are_applied_at_each_sign_in_and_audited(sso_app, oidc_provider, council, db):
    account = oidc_provider.account(
        name="Olu Officer", roles=["EIA.Officer"], groups=["group-repairs"]
    )
    first = sso_app.test_client()
    assert sign_in_through_provider(first, account).status_code == 302
    person = _user(db, account)
    assert person.role == "officer"
    # At the provider: promoted, moved to Adult Social Care, renamed, a new email address.
    account.claims.update(
        roles=["EIA.Approver"],
        groups=["group-adults"],
        name="Olu Approver",
        email="olu.approver@council.example",
    )
    oidc_provider.put(account)
    second = sso_app.test_client()
    assert sign_in_through_provider(second, account).status_code == 302
    db.expire_all()
    person = db.get(User, person.id)
    assert (person.name, person.email, person.role) == (
        "Olu Approver",
        "olu.approver@council.example",
        "approver",
    )
    assert (person.service_id, person.directorate_id) == (None, council["adults"].id)
    events = [e for e, actor in _admin_events(db, "olu.approver@council.example") if actor == SSO]
    # The records of the first sign-in show the person as they are now (the audit trail
    # hashes their id, so their name and email follow them: README "Retention and personal
    # data"); then the second sign-in's changes.
    assert events == [
        "user_created",
        "identity_linked",
        "user_email_changed",
        "user_renamed",
        "user_role_changed",
        "user_team_changed",
    ]
    # A new role ends the sessions the person had, as when an administrator changes it.
    assert first.get("/").status_code == 302
    assert second.get("/").status_code == 200
    # Signing in again with nothing changed changes nothing.
    count = len(_admin_events(db, "olu.approver@council.example"))
    assert sign_in_through_provider(sso_app.test_client(), account).status_code == 302
    assert len(_admin_events(db, "olu.approver@council.example")) == count
    assert audit.verify(db).ok


def test_once_linked_a_person_is_found_by_their_link_never_by_email(
    sso_app, oidc_provider, council, db
):
    account = oidc_provider.account(roles=["EIA.Officer"], groups=["group-repairs"])
    assert sign_in_through_provider(sso_app.test_client(), account).status_code == 302
    person = _user(db, account)
    # Another account at the provider claiming the same email address is not that person.
    impostor = oidc_provider.account(email=account.email, roles=["EIA.Admin"])
    response = sign_in_through_provider(sso_app.test_client(), impostor)
    assert response.status_code == 403
    assert "There is already an account with your email address" in words(response)
    assert _user(db, impostor) is None
    db.expire_all()
    assert db.get(User, person.id).role == "officer"


def test_an_existing_account_is_linked_by_email_only_when_an_admin_allows_it(
    sso_app, oidc_provider, council, db, make
):
    existing = make.user("officer", service=council["repairs"], name="Lee Local")
    existing.password_hash = hash_password(PASSWORD)
    db.add(existing)
    db.commit()
    account = oidc_provider.account(
        email=existing.email, roles=["EIA.Officer"], groups=["group-repairs"]
    )
    refused = sign_in_through_provider(sso_app.test_client(), account)
    assert refused.status_code == 403 and "Manage, then Sign-in" in words(refused)
    admin = sso_app.test_client()
    sign_in(admin, council["admin"])
    response = admin.post("/admin/sign-in", data={"password_sign_in": "on", "link_by_email": "on"})
    assert response.status_code == 302
    assert ("sign_in_setting_changed", council["admin"].name) in [
        (r.event, r.actor_name)
        for r in db.exec(select(AuditRecord).order_by(AuditRecord.seq)).all()
    ]
    response = sign_in_through_provider(sso_app.test_client(), account)
    assert response.status_code == 302
    assert _user(db, account).id == existing.id
    linked = db.exec(select(AuditRecord).where(AuditRecord.event == "identity_linked")).all()
    assert json.loads(linked[-1].details)["matched_by_email"] is True


def test_no_mapped_role_gets_a_page_saying_whom_to_ask(sso_app, oidc_provider, council, db):
    account = oidc_provider.account(
        name="Nadia Nobody", roles=["Some.Other.App"], groups=["group-repairs"]
    )
    browser = sso_app.test_client()
    response = sign_in_through_provider(browser, account)
    assert response.status_code == 200  # a page to read, not the "no access" error
    page = words(response)
    assert "You cannot use this service yet" in page
    assert "has not been given a role" in page
    assert "Ada Administrator" in page and council["admin"].email in page
    assert "Some.Other.App" in page
    assert response.headers["Cache-Control"] == "no-store"
    assert _user(db, account) is None  # nobody made
    assert browser.get("/").status_code == 302  # and not signed in


def test_losing_every_role_at_the_provider_ends_the_persons_sessions(
    sso_app, oidc_provider, council, db
):
    account = oidc_provider.account(roles=["EIA.Officer"], groups=["group-repairs"])
    browser = sso_app.test_client()
    assert sign_in_through_provider(browser, account).status_code == 302
    account.claims["roles"] = []
    oidc_provider.put(account)
    response = sign_in_through_provider(sso_app.test_client(), account)
    assert response.status_code == 200 and "You cannot use this service yet" in words(response)
    assert browser.get("/").status_code == 302  # the session they had has ended
    db.expire_all()
    assert _user(db, account).role == "officer"  # their record is kept as it was


def test_an_officer_without_a_service_is_told_what_is_missing(sso_app, oidc_provider, council):
    account = oidc_provider.account(roles=["EIA.Officer"], groups=[])
    response = sign_in_through_provider(sso_app.test_client(), account)
    assert response.status_code == 200
    assert "the officer role without a service" in words(response)


def test_a_deactivated_person_cannot_sign_in_though_the_provider_says_yes(
    sso_app, oidc_provider, council, db
):
    account = oidc_provider.account(roles=["EIA.Officer"], groups=["group-repairs"])
    browser = sso_app.test_client()
    assert sign_in_through_provider(browser, account).status_code == 302
    person = _user(db, account)
    admin_ops.set_user_active(db, council["admin"], person, False)
    db.commit()
    assert browser.get("/").status_code == 302  # their session ended
    http = requests.Session()  # still signed in at the provider: it says yes at once
    fresh = sso_app.test_client()
    response = sign_in_through_provider(fresh, account, http=http)
    assert response.status_code == 403
    assert "Your account in this service has been closed" in words(response)
    assert fresh.get("/").status_code == 302
    db.expire_all()
    assert db.get(User, person.id).active is False  # claims never reactivate


def test_an_account_of_another_tenant_is_refused(sso_app, oidc_provider, council, db):
    account = oidc_provider.account(roles=["EIA.Admin"], tid=OTHER_TENANT)
    browser = sso_app.test_client()
    response = sign_in_through_provider(browser, account)
    assert response.status_code == 403
    assert "does not belong to the council's organisation" in words(response)
    assert _user(db, account) is None and browser.get("/").status_code == 302


def test_a_wrong_password_at_the_provider_never_reaches_the_product(
    sso_app, oidc_provider, council
):
    account = oidc_provider.account(roles=["EIA.Admin"])
    http = requests.Session()
    page = open_login_page(sso_app.test_client(), http)
    response = LoginPage(http, page).submit(account.username, "not the password")
    assert response.status_code == 400 and "not right" in response.text


# --- the protocol's own checks -----------------------------------------------------------------


def test_a_callback_with_a_forged_state_is_refused(sso_app, oidc_provider, council, db):
    account = oidc_provider.account(roles=["EIA.Admin"])
    browser, http = sso_app.test_client(), requests.Session()
    page = open_login_page(browser, http)
    callback = follow_to_app(http, LoginPage(http, page).submit(account.username, account.password))
    query = parse_qs(urlsplit(callback).query)
    forged = f"/sign-in/oidc/callback?code={query['code'][0]}&state=forged-state"
    response = browser.get(forged)
    assert response.status_code == 400 and "Signing in did not work" in words(response)
    # Another browser (without the state in its session) cannot use the code either.
    assert sso_app.test_client().get(app_path(callback)).status_code == 400
    assert browser.get("/").status_code == 302 and _user(db, account) is None


def test_a_code_cannot_be_used_twice(sso_app, oidc_provider, council):
    account = oidc_provider.account(roles=["EIA.Admin"])
    browser, http = sso_app.test_client(), requests.Session()
    page = open_login_page(browser, http)
    callback = follow_to_app(http, LoginPage(http, page).submit(account.username, account.password))
    assert browser.get(app_path(callback)).status_code == 302
    browser.post("/sign-out")
    assert browser.get(app_path(callback)).status_code == 400


def test_pkce_and_nonce_are_sent(sso_app):
    browser = sso_app.test_client()
    response = browser.get("/sign-in/oidc")
    query = parse_qs(urlsplit(response.location).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["nonce"][0] and query["state"][0]
    assert query["scope"] == ["openid profile email"]
    # Starting again forgets the unfinished attempt: the session cookie does not grow.
    for _ in range(5):
        browser.get("/sign-in/oidc")
    serializer = sso_app.session_interface.get_signing_serializer(sso_app)
    kept = serializer.loads(browser.get_cookie("session").value)
    assert len([key for key in kept if key.startswith("_state_")]) == 1


def test_a_client_authenticating_with_a_private_key_jwt(make_app, oidc_provider, council, db):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from joserfc.jwk import RSAKey

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = RSAKey.import_key(pem).as_dict(private=False)
    registered = oidc_provider.register_client(
        CALLBACK,
        token_endpoint_auth_method="private_key_jwt",
        token_endpoint_auth_signing_alg="RS256",
        jwks={"keys": [{**public, "kid": "k1"}]},
    )
    app = make_app(
        OIDC_CLIENT_ID=registered["client_id"],
        OIDC_CLIENT_SECRET="",
        OIDC_CLIENT_PRIVATE_KEY=pem,
        OIDC_CLIENT_KEY_ID="k1",
    )
    account = oidc_provider.account(roles=["EIA.Admin"])
    assert sign_in_through_provider(app.test_client(), account).status_code == 302
    assert _user(db, account).role == "admin"


# --- the groups overage ------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ["me/getMemberObjects", "me/transitiveMemberOf"])
def test_too_many_groups_are_read_from_the_graph_endpoint(
    make_app, oidc_provider, council, db, endpoint
):
    app = make_app(OIDC_GROUPS_URL=f"{oidc_provider.issuer}/graph/v1.0/{endpoint}")
    many = [f"group-{n}" for n in range(250)] + ["group-repairs"]
    account = oidc_provider.account(roles=["EIA.Officer"], overage=True, graph_groups=many)
    response = sign_in_through_provider(app.test_client(), account)
    assert response.status_code == 302, words(response)
    assert _user(db, account).service_id == council["repairs"].id


def test_when_the_groups_cannot_be_read_the_page_says_so(make_app, oidc_provider, council, db):
    app = make_app(OIDC_GROUPS_URL=f"{oidc_provider.issuer}/graph/v1.0/nowhere")
    account = oidc_provider.account(
        roles=["EIA.Officer"], overage=True, graph_groups=["group-repairs"]
    )
    response = sign_in_through_provider(app.test_client(), account)
    assert response.status_code == 503
    assert "We could not find out which groups you are in" in words(response)
    assert _user(db, account) is None


# --- a provider that is down ---------------------------------------------------------------------


def test_a_provider_that_is_down_gets_a_page_and_passwords_still_work(make_app, council, db, make):
    app = make_app(OIDC_ISSUER=f"http://127.0.0.1:{free_port()}")  # nothing listens there
    browser = app.test_client()
    response = browser.get("/sign-in/oidc")
    assert response.status_code == 503
    page = words(response)
    assert (
        "Signing in with your Islington Council account is not working at the moment" in page
        and "sign in with your password" in page
    )
    local = make.user("officer", service=council["repairs"])
    local.password_hash = hash_password(PASSWORD)
    db.add(local)
    db.commit()
    response = browser.post("/sign-in", data={"email": local.email, "password": PASSWORD})
    assert response.status_code == 302 and browser.get("/").status_code == 200


def test_a_token_endpoint_that_is_down_gets_the_same_page(sso_app, oidc_provider, council, db):
    account = oidc_provider.account(roles=["EIA.Admin"])
    oidc_provider.outage("/token")
    try:
        response = sign_in_through_provider(sso_app.test_client(), account)
    finally:
        oidc_provider.outage()
    assert response.status_code == 503 and "not working at the moment" in words(response)
    assert _user(db, account) is None


def test_an_error_from_the_provider_is_explained(sso_app):
    browser = sso_app.test_client()
    response = browser.get("/sign-in/oidc/callback?error=temporarily_unavailable")
    assert response.status_code == 503 and "not working at the moment" in words(response)
    response = browser.get("/sign-in/oidc/callback?error=access_denied")
    assert response.status_code == 400 and "You did not finish signing in" in words(response)


# --- signing out ---------------------------------------------------------------------------------


def test_sign_out_ends_the_session_and_offers_the_providers_sign_out(
    sso_app, oidc_provider, provider_client, council, db
):
    account = oidc_provider.account(roles=["EIA.Admin"])
    browser, http = sso_app.test_client(), requests.Session()
    assert sign_in_through_provider(browser, account, http=http).status_code == 302
    copy = sso_app.test_client()
    copy.set_cookie("session", browser.get_cookie("session").value)
    person = _user(db, account)
    generation = person.session_generation
    response = browser.post("/sign-out")
    assert (response.status_code, response.location) == (302, "/signed-out")
    assert copy.get("/").status_code == 302  # every session ended
    db.expire_all()
    assert db.get(User, person.id).session_generation == generation + 1
    page = browser.get("/signed-out")
    soup = parse(page)
    offer = soup.select_one("a#sign-out-of-account")
    assert offer.get_text(strip=True) == "Sign out of your Islington Council account too"
    response = browser.get(offer["href"])
    end_session = urlsplit(response.location)
    assert f"{end_session.scheme}://{end_session.netloc}" == oidc_provider.issuer
    query = parse_qs(end_session.query)
    link = db.exec(select(IdentityLink).where(IdentityLink.user_id == person.id)).one()
    assert query["id_token_hint"] == [link.last_id_token]
    assert query["post_logout_redirect_uri"] == [SIGNED_OUT]
    assert query["client_id"] == [provider_client["client_id"]]
    # At the provider: confirm, and it sends the browser back to the product.
    confirm = http.get(response.location, timeout=10)
    assert confirm.status_code == 200 and "op.logoutForm" in confirm.text
    form = BeautifulSoup(confirm.text, "html.parser").select_one("form#op\\.logoutForm")
    data = {i["name"]: i.get("value", "") for i in form.select("input[name]")}
    back = follow_to_app(
        http,
        http.post(
            requests.compat.urljoin(confirm.url, form["action"]),
            data={**data, "logout": "yes"},
            allow_redirects=False,
            timeout=10,
        ),
    )
    assert app_path(back).startswith("/signed-out?from=provider")
    assert "and of your Islington Council account" in words(browser.get(app_path(back)))
    # Signed out at the provider too: the next sign-in asks for the password again.
    again = open_login_page(sso_app.test_client(), http)
    assert not isinstance(again, str) and 'name="password"' in again.text


# --- passwords as the break-glass ----------------------------------------------------------


@pytest.fixture
def local_people(make, db, council):
    people = {
        "admin": council["admin"],
        "officer": make.user("officer", service=council["repairs"]),
    }
    for person in people.values():
        person.password_hash = hash_password(PASSWORD)
        db.add(person)
    db.commit()
    return people


def _password_sign_in(app, person, secret=PASSWORD):
    return app.test_client().post("/sign-in", data={"email": person.email, "password": secret})


def test_an_admin_switches_password_sign_in_off_and_on(sso_app, local_people, db):
    admin = sso_app.test_client()
    sign_in(admin, local_people["admin"])
    assert _password_sign_in(sso_app, local_people["officer"]).status_code == 302
    response = admin.post(
        "/admin/sign-in", data={"password_sign_in": "off", "link_by_email": "off"}
    )
    assert response.status_code == 302
    refused = _password_sign_in(sso_app, local_people["officer"])
    assert refused.status_code == 400
    assert "Enter a correct email address and one-time code" in words(refused)
    assert _password_sign_in(sso_app, local_people["admin"]).status_code == 400
    page = sso_app.test_client().get("/sign-in")
    assert "Administrators: sign in with a one-time code" in words(page)
    records = db.exec(
        select(AuditRecord).where(AuditRecord.event == "sign_in_setting_changed")
    ).all()
    assert json.loads(records[-1].details) == {
        "setting": "password_sign_in",
        "value": ["on", "off"],
    }
    admin.post("/admin/sign-in", data={"password_sign_in": "on", "link_by_email": "off"})
    assert _password_sign_in(sso_app, local_people["officer"]).status_code == 302


def test_local_sign_in_off_in_the_environment_refuses_every_password(make_app, local_people):
    app = make_app(LOCAL_SIGN_IN="off")
    assert _password_sign_in(app, local_people["admin"]).status_code == 400
    assert _password_sign_in(app, local_people["officer"]).status_code == 400


def test_a_one_time_code_lets_an_administrator_in_once(make_app, local_people, db):
    app = make_app(LOCAL_SIGN_IN="off")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "break-glass", "--email", local_people["admin"].email])
    assert result.exit_code == 0, result.output
    code = result.output.split("code: ")[1].split()[0]
    assert _password_sign_in(app, local_people["admin"], "wrong-code").status_code == 400
    assert _password_sign_in(app, local_people["admin"], code).status_code == 302
    assert _password_sign_in(app, local_people["admin"], code).status_code == 400  # once
    events = [
        r.event
        for r in db.exec(
            select(AuditRecord).where(AuditRecord.action == "admin").order_by(AuditRecord.seq)
        ).all()
    ]
    assert events[-2:] == ["sign_in_code_issued", "sign_in_code_used"]
    assert db.exec(select(SignInCode)).one().used_at is not None
    refused = runner.invoke(args=["users", "break-glass", "--email", local_people["officer"].email])
    assert refused.exit_code != 0 and "administrators" in refused.output


# --- the ID token's own checks, on a token the provider really issued ---------------------------


def test_the_id_token_is_checked_for_signature_audience_issuer_nonce_and_expiry(
    sso_app, make_app, oidc_provider, council, db
):
    """The product hands the ID token to Authlib with the provider's discovery document and
    keys; here the same client checks a real token from the provider, then altered ones."""
    import base64

    from joserfc import jwt
    from joserfc.errors import JoseError

    from eia.sso.client import client

    account = oidc_provider.account(roles=["EIA.Admin"])
    assert sign_in_through_provider(sso_app.test_client(), account).status_code == 302
    token = (
        db.exec(select(IdentityLink).where(IdentityLink.subject == account.oid)).one().last_id_token
    )
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims["aud"] == sso_app.config["OIDC_CLIENT_ID"] and claims["tid"] == TENANT
    assert claims["iss"] == oidc_provider.issuer and claims["oid"] == account.oid

    def check(app, id_token, nonce=claims["nonce"], leeway=120):
        with app.test_request_context():
            return client().parse_id_token({"id_token": id_token}, nonce, leeway=leeway)

    assert check(sso_app, token)["sub"] == account.id
    other = oidc_provider.register_client(CALLBACK)
    for bad in (
        lambda: check(make_app(OIDC_CLIENT_ID=other["client_id"]), token),  # audience
        lambda: check(sso_app, token, nonce="another nonce"),
        lambda: check(sso_app, token, leeway=-7200),  # as if two hours later: expired
        lambda: check(
            sso_app,
            ".".join(
                [
                    header,
                    base64.urlsafe_b64encode(json.dumps({**claims, "oid": "someone-else"}).encode())
                    .rstrip(b"=")
                    .decode(),
                    signature,
                ]
            ),
        ),  # altered: the signature no longer matches
        lambda: check(sso_app, jwt.encode({"alg": "HS256"}, claims, b"k" * 32)),  # not theirs
    ):
        with pytest.raises((JoseError, ValueError)):
            bad()

"""Signing in with the council's account in a real browser (Debian's Chromium), with the
keyboard alone, through the test OpenID Provider's own login page (tests/oidc/): the person
is made from their Entra-shaped claims with the mapped role, and the change is in the audit
trail; signing out offers the provider's sign-out, which brings them back. With and without
JavaScript. The product with the provider set up is tests/browser/sso.py's."""

from urllib.parse import urlsplit

import pytest
from sqlmodel import select

from eia.admin_operations import SINGLE_SIGN_ON
from eia.models import AuditRecord, IdentityLink, User

from . import keyboard as kb
from .helpers import SIGN_OUT_BUTTON, check_axe, sign_out
from .sso import SSO, sign_in_at_provider, start_sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_sign_in_through_the_providers_login_page_and_out_again(
    request, demo, sso_servers, javascript
):
    page = request.getfixturevalue("page" if javascript else "nojs_page")
    base = SSO["base"]
    account = SSO["provider"].account(
        name=f"Bea Browser {'JS' if javascript else 'NoJS'}", roles=["EIA.Approver"]
    )
    response = start_sign_in(page, base)
    assert urlsplit(page.url).netloc == urlsplit(SSO["provider"].issuer).netloc
    assert page.locator("h1").inner_text() == "Sign in to the test provider"
    response = sign_in_at_provider(page, account)
    assert response.status == 200 and page.url == base + "/", page.url
    assert page.locator("h1").inner_text() == "Equality Impact Assessments"
    assert account.claims["name"] in page.locator("header").inner_text()
    with demo.session() as s:
        link = s.exec(select(IdentityLink).where(IdentityLink.subject == account.oid)).one()
        person = s.get(User, link.user_id)
        assert (person.role, person.email) == ("approver", account.email)
        events = [
            (r.event, r.actor_name)
            for r in s.exec(select(AuditRecord).where(AuditRecord.action == "admin")).all()
            if account.email in r.details
        ]
    assert events == [("user_created", SINGLE_SIGN_ON), ("identity_linked", SINGLE_SIGN_ON)]

    response = sign_out(page)
    assert response.status == 200 and urlsplit(page.url).path == "/signed-out"
    if javascript:
        check_axe(page, "Signed out, offered the council account's sign-out")
    response = kb.activate(page, "#sign-out-of-account")
    assert "Sign out of the test provider?" in page.locator("h1").inner_text()
    response = kb.activate(page, 'button[name="logout"]')
    assert urlsplit(page.url).path == "/signed-out" and "from=provider" in page.url
    assert "and of your Islington Council account" in page.locator("main").inner_text()
    page.goto(base + "/")
    assert urlsplit(page.url).path == "/sign-in", "still signed in after signing out"
    assert page.locator(SIGN_OUT_BUTTON).count() == 0

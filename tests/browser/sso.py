"""Signing in with the council's account in the browser tests: the product served a second
(and a third) time on the same demo database, set up with an identity provider.

- ``SSO["base"]``: the product with the identity provider (the test OpenID Provider of
  tests/oidc/, panva's oidc-provider) set up; its sign-in page has "Sign in with your
  Islington Council account".
- ``SSO["down"]``: the same, with a provider that cannot be reached.
- ``SSO["provider"]``: the provider (``tests.oidc.fixture.TestProvider``), for accounts.

The shared ``live_server`` stays as `make run` has it (passwords only), so the other browser
tests are unchanged. Both servers share the instance folder, hence the secret key and the
database: a session cookie of one works on the other (cookies are per host, not per port).
The fixture ``sso_servers`` (package scope, started for every browser test, in conftest.py)
fills SSO; the PAGES entries' keyboard steps below read it.
"""

import threading

from playwright.sync_api import Response
from sqlmodel import select
from werkzeug.serving import make_server

from eia.models import ClaimMapping, Directorate

from . import keyboard as kb

SSO: dict = {}


def serve(app) -> tuple[str, object, threading.Thread]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="sso-server", daemon=True)
    thread.start()
    return f"http://127.0.0.1:{server.server_port}", server, thread


def ensure_mappings(demo) -> None:
    """The demo council's mapping: app role EIA.Approver gives the approver role in the
    first directorate (added once)."""
    with demo.session() as s:
        if s.exec(select(ClaimMapping).where(ClaimMapping.value == "EIA.Approver")).first():
            return
        directorate = s.exec(select(Directorate).order_by(Directorate.id)).first()
        s.add(
            ClaimMapping(
                kind="app_role",
                value="EIA.Approver",
                role="approver",
                directorate_id=directorate.id,
            )
        )
        s.commit()


def sign_in_at_provider(page, account) -> Response | None:
    """On the provider's login page: type the username and password, press Enter."""
    kb.type_into(page, "#username", account.username)
    kb.type_into(page, "#password", account.password)
    return kb.press_enter(page)


def start_sign_in(page, base: str) -> Response | None:
    """The product's sign-in page, then "Sign in with your Islington Council account"."""
    page.goto(base + "/sign-in")
    return kb.activate(page, "#sign-in-with-account")


# --- keyboard steps for PAGES (tests/browser/pages.py) ----------------------------------


def no_role_page(page) -> Response | None:
    """Sign in with a council account that no mapping gives a role."""
    account = SSO["provider"].account(name="Nadia Nobody", roles=["Another.App"])
    start_sign_in(page, SSO["base"])
    return sign_in_at_provider(page, account)


def provider_down_page(page) -> Response | None:
    """Press "Sign in with your Islington Council account" while the provider is down."""
    return start_sign_in(page, SSO["down"])


def sign_in_page_with_the_council_account(page) -> Response | None:
    return page.goto(SSO["base"] + "/sign-in")

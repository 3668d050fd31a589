"""A real OpenID Provider for the tests: tests/oidc/provider.mjs (panva's oidc-provider,
installed from package.json by `make test`'s set-up) on 127.0.0.1 and a free port, shaped
like Microsoft Entra ID (oid, tid, roles, groups, the groups overage, a Graph stand-in).

``oidc_provider`` (session scope) starts it and waits for its discovery document; it is
killed at the end. Node or the package missing, or a provider that does not start, fails
the run loudly (never a skip: CI must run these tests).

    account = oidc_provider.account(roles=["EIA.Approver"])      # a new person there
    client = oidc_provider.register_client("http://localhost/sign-in/oidc/callback")
    response = sign_in_through_provider(flask_client, account)    # its real login form
"""

import json
import os
import secrets
import shutil
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests

from ..support.services import free_port

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tests" / "oidc" / "provider.mjs"
PACKAGE = ROOT / "node_modules" / "oidc-provider"
TENANT = "5b0d2c1e-7f3a-4c6b-9e21-0c0c1c0a0000"  # the council's tenant (a uuid, as Entra's)
OTHER_TENANT = "0a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9"
PASSWORD = "provider-password-1"
START_SECONDS = 30


@dataclass
class Account:
    id: str
    username: str
    password: str
    claims: dict
    graph_groups: list = field(default_factory=list)
    overage: bool = False

    @property
    def oid(self) -> str:
        return self.claims["oid"]

    @property
    def email(self) -> str:
        return self.claims["email"]


class TestProvider:
    __test__ = False  # not a test class

    def __init__(self, port: int, control_token: str):
        self.port = port
        self.issuer = f"http://127.0.0.1:{port}"
        self._token = control_token

    def _control(self, method: str, path: str, body: dict) -> None:
        response = requests.request(
            method,
            self.issuer + path,
            json=body,
            timeout=10,
            headers={"X-Control-Token": self._token},
        )
        response.raise_for_status()

    def put(self, account: Account) -> Account:
        self._control(
            "PUT",
            f"/test/accounts/{account.id}",
            {
                "username": account.username,
                "password": account.password,
                "claims": account.claims,
                "graph_groups": account.graph_groups,
                "overage": account.overage,
            },
        )
        return account

    def account(
        self,
        *,
        name: str = "Sam Sign-in",
        email: str | None = None,
        roles=(),
        groups=(),
        tid: str = TENANT,
        overage: bool = False,
        graph_groups=(),
        **claims,
    ) -> Account:
        """A new person at the provider, with Entra's claims (signing in there with the
        username ``login-<key>``)."""
        key = uuid.uuid4().hex[:10]
        email = email or f"sam.{key}@council.example"
        account = Account(
            id=f"sub-{key}",
            username=f"login-{key}",
            password=PASSWORD,
            claims={
                "oid": str(uuid.uuid4()),
                "tid": tid,
                "name": name,
                "email": email,
                "preferred_username": email,
                "roles": list(roles),
                "groups": list(groups),
                **claims,
            },
            graph_groups=list(graph_groups),
            overage=overage,
        )
        return self.put(account)

    def outage(self, *paths: str) -> None:
        """Answer 503 on these paths (none: all working again)."""
        self._control("PUT", "/test/outage", {"paths": list(paths)})

    def register_client(self, *redirect_uris: str, post_logout: tuple = (), **metadata) -> dict:
        """A client of the provider (dynamic client registration, RFC 7591)."""
        response = requests.post(
            f"{self.issuer}/reg",
            timeout=10,
            json={
                "redirect_uris": list(redirect_uris),
                "post_logout_redirect_uris": list(post_logout),
                **metadata,
            },
        )
        assert response.status_code == 201, response.text
        return response.json()


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    node = shutil.which("node")
    if node is None:
        pytest.fail(
            "Node.js is needed for the OpenID Provider the sign-in tests run "
            "against: install nodejs and npm, then `make frontend`",
            pytrace=False,
        )
    if not PACKAGE.is_dir():
        pytest.fail("oidc-provider is not installed: run `make frontend` (npm ci)", pytrace=False)
    port, token = free_port(), secrets.token_urlsafe(16)
    log_path = tmp_path_factory.mktemp("oidc-provider") / "provider.log"
    env = {
        **os.environ,
        "OIDC_TEST_PORT": str(port),
        "OIDC_TEST_CONTROL_TOKEN": token,
        "OIDC_TEST_ACCOUNTS": json.dumps({}),
    }
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [node, str(SCRIPT)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    provider = TestProvider(port, token)
    deadline = time.monotonic() + START_SECONDS
    try:
        while True:
            if process.poll() is not None:
                pytest.fail(
                    f"the OpenID Provider stopped at start (exit {process.returncode})"
                    f":\n{log_path.read_text()}",
                    pytrace=False,
                )
            try:
                if (
                    requests.get(
                        f"{provider.issuer}/.well-known/openid-configuration", timeout=2
                    ).status_code
                    == 200
                ):
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"the OpenID Provider did not start within {START_SECONDS} s:"
                    f"\n{log_path.read_text()}",
                    pytrace=False,
                )
            time.sleep(0.1)
        yield provider
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- driving the provider's login page without a browser --------------------------------


class LoginPage:
    """The provider's login page, reached by following the product's redirect."""

    def __init__(self, http: requests.Session, response: requests.Response):
        self.http, self.response = http, response

    def submit(self, username: str, password: str) -> requests.Response:
        return self.http.post(
            self.response.url,
            data={"username": username, "password": password},
            allow_redirects=False,
            timeout=10,
        )


def _follow(http: requests.Session, response: requests.Response, app_base: str):
    """Follow redirects at the provider; stop at a page, or at a redirect back to the
    product (returned as its URL)."""
    for _ in range(10):
        if response.status_code not in (301, 302, 303, 307, 308):
            return response
        target = urljoin(response.url, response.headers["Location"])
        if target.startswith(app_base):
            return target
        response = http.get(target, allow_redirects=False, timeout=10)
    raise AssertionError("too many redirects at the provider")


def follow_to_app(
    http: requests.Session, response: requests.Response, app_base: str = "http://localhost"
) -> str:
    """Follow the provider's redirects until one points back at the product; that URL."""
    found = _follow(http, response, app_base)
    if not isinstance(found, str):
        raise AssertionError(
            f"the provider answered {found.status_code} at {found.url}:\n{found.text[:2000]}"
        )
    return found


def app_path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def open_login_page(
    flask_client,
    http: requests.Session,
    start: str = "/sign-in/oidc",
    app_base: str = "http://localhost",
):
    """Press "Sign in with your council account": the product redirects to the provider,
    which shows its login page (a response), or, signed in there already, sends the
    browser straight back (the URL of the product's callback)."""
    response = flask_client.get(start)
    assert response.status_code == 302, response.text
    assert response.location.startswith("http://127.0.0.1:"), response.location
    return _follow(http, http.get(response.location, allow_redirects=False, timeout=10), app_base)


def sign_in_through_provider(
    flask_client,
    account: Account,
    *,
    start: str = "/sign-in/oidc",
    http: requests.Session | None = None,
    password: str | None = None,
):
    """The whole authorisation code flow, as a browser goes through it: the product's
    redirect, the provider's login form, back to the product's callback. The product's
    response to the callback."""
    http = http if http is not None else requests.Session()
    page = open_login_page(flask_client, http, start)
    if isinstance(page, str):
        return flask_client.get(app_path(page))  # signed in at the provider already
    assert page.status_code == 200 and 'name="password"' in page.text, page.text[:1000]
    callback = follow_to_app(
        http, LoginPage(http, page).submit(account.username, password or account.password)
    )
    return flask_client.get(app_path(callback))

"""Fixtures for the browser tests.

- ``live_server``: the real app (CSRF on, as in production) on a migrated SQLite file with
  the demo council loaded, served by werkzeug on 127.0.0.1 and a free port in a background
  thread; the value is the base URL, e.g. "http://127.0.0.1:40123".
- ``demo``: a ``tests.browser.demo.Demo`` over that database, for building URLs.
- ``browser`` / ``nojs_browser``: persistent Chromium contexts (Debian's /usr/bin/chromium,
  never a downloaded browser), JavaScript on / off.
- ``page`` / ``nojs_page``: a fresh tab in each, signed out (cookies cleared) at the start.

All of these live for the ``tests/browser`` package: one server and one Chromium for every
browser test. Tests that change data should make their own EIA (``demo.new_eia(...)``)
rather than change the shared demo EIAs.

Any exception the server raises while a browser test runs fails that test, with the
traceback, even when the page only showed the friendly error page.
"""

import os
import shutil
import threading
from pathlib import Path

import pytest
from flask import got_request_exception
from sqlmodel import Session
from werkzeug.serving import make_server

from eia.db import make_engine
from eia.demo_data import load_demo
from eia.migrate import upgrade

from .demo import Demo
from .helpers import (
    CHECKED,
    REFLOWED,
    SHOTS,
    clear_artifacts,
    write_checked_pages,
    write_reflow_pages,
    write_screenshot_index,
)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 900}
TIMEOUT_MS = 20_000

_SERVER_ERRORS: list[str] = []


# --- the live server ---------------------------------------------------------------------


@pytest.fixture(scope="package")
def live_instance(tmp_path_factory):
    """An instance folder with a migrated SQLite database holding the demo council."""
    path = tmp_path_factory.mktemp("instance")
    url = f"sqlite:///{path / 'eia.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine, expire_on_commit=False) as session:
        load_demo(session)
        session.commit()
    yield {"path": path, "database_url": url, "engine": engine}
    engine.dispose()


@pytest.fixture(scope="package")
def live_app(live_instance):
    from eia import create_app

    with pytest.MonkeyPatch.context() as env:
        env.setenv("EIA_INSTANCE_PATH", str(live_instance["path"]))
        app = create_app(
            {
                "DATABASE_URL": live_instance["database_url"],
                "CELERY_BROKER_URL": "memory://",
                "CELERY_RESULT_BACKEND": "cache+memory://",
                "SMTP_HOST": "",  # embedded mode: emails land in the local mailbox pages
            }
        )
    assert app.config.get("WTF_CSRF_ENABLED", True), "the live server must check CSRF tokens"

    def record(sender, exception, **extra):
        import traceback

        _SERVER_ERRORS.append("".join(traceback.format_exception(exception)))

    got_request_exception.connect(record, app, weak=False)
    yield app
    got_request_exception.disconnect(record, app)
    app.extensions["eia_engine"].dispose()


@pytest.fixture(scope="package")
def live_server(live_app):
    """The base URL of the running product."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture(scope="package", autouse=True)
def sso_servers(live_instance, live_app, oidc_provider):
    """The product again, with the council's identity provider set up (and once more with
    one that is down), on the same database: see tests/browser/sso.py."""
    from eia import create_app

    from ..support.services import free_port
    from .sso import SSO, ensure_mappings, serve

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    registered = oidc_provider.register_client(
        f"{base}/sign-in/oidc/callback", post_logout=(f"{base}/signed-out?from=provider",)
    )
    settings = {
        "DATABASE_URL": live_instance["database_url"],
        "CELERY_BROKER_URL": "memory://",
        "CELERY_RESULT_BACKEND": "cache+memory://",
        "SMTP_HOST": "",
        "OIDC_CLIENT_ID": registered["client_id"],
        "OIDC_CLIENT_SECRET": registered["client_secret"],
    }
    with pytest.MonkeyPatch.context() as env:
        env.setenv("EIA_INSTANCE_PATH", str(live_instance["path"]))
        apps = {
            "base": create_app({**settings, "OIDC_ISSUER": oidc_provider.issuer}),
            "down": create_app({**settings, "OIDC_ISSUER": f"http://127.0.0.1:{free_port()}"}),
        }
    servers = []
    for name, app in apps.items():
        got_request_exception.connect(_record_server_error, app, weak=False)
        if name == "base":
            server = make_server("127.0.0.1", port, app, threaded=True)
            thread = threading.Thread(target=server.serve_forever, daemon=True)
            thread.start()
            SSO[name] = base
        else:
            SSO[name], server, thread = serve(app)
        servers.append((server, thread, app))
    SSO["provider"] = oidc_provider
    ensure_mappings(Demo(live_instance["engine"], live_app))
    yield SSO
    for server, thread, app in servers:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        got_request_exception.disconnect(_record_server_error, app)
        app.extensions["eia_engine"].dispose()
    SSO.clear()


def _record_server_error(sender, exception, **extra):
    import traceback

    _SERVER_ERRORS.append("".join(traceback.format_exception(exception)))


@pytest.fixture(scope="package")
def demo(live_instance, live_app) -> Demo:
    return Demo(live_instance["engine"], live_app)


@pytest.fixture(autouse=True)
def _no_server_errors(request):
    """Fail a test during which the live server raised an exception (a 500)."""
    if "live_server" not in request.fixturenames:
        yield
        return
    before = len(_SERVER_ERRORS)
    yield
    new = _SERVER_ERRORS[before:]
    if new:
        pytest.fail(
            "the live server raised during this test:\n\n" + "\n\n".join(new), pytrace=False
        )


# --- Chromium ------------------------------------------------------------------------------


@pytest.fixture(scope="package")
def playwright():
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"Debian's Chromium is not installed at {CHROMIUM}: run "
            "`apt-get install -y chromium` (or `make chromium`). Never run "
            "`playwright install`.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


def _launch(playwright, profile: Path, *, javascript: bool):
    context = playwright.chromium.launch_persistent_context(
        str(profile),
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_FLAGS,
        java_script_enabled=javascript,
        viewport=VIEWPORT,
        locale="en-GB",
        timezone_id="Europe/London",
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    return context


def _context_on_fresh_profile(playwright, tmp_path_factory, javascript: bool):
    profile = tmp_path_factory.mktemp("chromium-profile" + ("" if javascript else "-nojs"))
    context = _launch(playwright, profile, javascript=javascript)
    yield context
    context.close()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="package")
def browser(playwright, tmp_path_factory):
    """Chromium with JavaScript on: a persistent context on a fresh profile directory."""
    yield from _context_on_fresh_profile(playwright, tmp_path_factory, javascript=True)


@pytest.fixture(scope="package")
def nojs_browser(playwright, tmp_path_factory):
    """Chromium with JavaScript switched off."""
    yield from _context_on_fresh_profile(playwright, tmp_path_factory, javascript=False)


def _fresh_page(context):
    context.clear_cookies()
    page = context.new_page()
    yield page
    page.close()


@pytest.fixture
def page(browser):
    """A new tab with JavaScript on, signed out."""
    yield from _fresh_page(browser)


@pytest.fixture
def nojs_page(nojs_browser):
    """A new tab with JavaScript off, signed out."""
    yield from _fresh_page(nojs_browser)


@pytest.fixture(scope="package", autouse=True)
def _axe_pages_file():
    """test-artifacts/axe-pages.txt lists every page axe checked (written as checks run and
    once more at the end), reflow-pages.txt every page checked at 320 and 640 px;
    test-artifacts/screenshots/ holds this run's screenshots, listed
    in its index.html and index.txt. An earlier run's are removed first."""
    clear_artifacts()
    yield
    if CHECKED:
        write_checked_pages()
    if REFLOWED:
        write_reflow_pages()
    if SHOTS:
        write_screenshot_index()

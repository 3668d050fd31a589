"""WCAG 2.2 AA: axe-core finds nothing on any page (tests/browser/pages.py lists them), every
page works with the keyboard alone, and the product works with JavaScript switched off.

The pages checked are listed in test-artifacts/axe-pages.txt; screenshots of each are in
test-artifacts/screenshots/.
"""

import re
from urllib.parse import urlsplit

import pytest

from . import keyboard as kb
from .helpers import (
    SIGN_OUT_BUTTON,
    check_axe,
    check_axe_on_snapshot,
    check_reflow,
    screenshot,
    sign_in,
    sign_out,
    slug,
    use_role,
    viewport_width,
)
from .pages import PAGES

pytestmark = pytest.mark.browser

# GET routes that are not pages a person reads.
NOT_PAGES = {
    "govuk.static",
    "govuk_assets.static",
    "app_static.static",
    "ops.healthz",
    "ops.readyz",
    "ops.prometheus",
}
# Pages checked with axe that are not GOV.UK pages (no <main>, no h1 of the layout):
# mailbox.email_html is an email's HTML body, shown in a frame on the email page.
NOT_GOVUK_LAYOUT = {"mailbox.email_html"}
# Files to download (PDF, JSON, CSV, XLSX), not pages: the audit, exports and public register.
NOT_PAGES |= {
    "audit.download_results",
    "exports.register_download",
    "exports.eia_json",
    "exports.eia_pdf",
    "exports.eia_docx",
    "public.register_download",
    "public.eia_pdf",
}
# The sign-in mappings' download (JSON).
NOT_PAGES |= {"admin.export_mappings"}
# The pan-London practice standard's open data (JSON) and the comparison's CSV/XLSX.
NOT_PAGES |= {
    "benchmarks.feed",
    "benchmarks.public_key",
    "benchmarks.schema",
    "benchmarks.download",
}


def load(page, live_server, demo, spec):
    """Sign in as the entry says, open its URL, take its keyboard steps; the response."""
    use_role(page, live_server, demo, spec.role)
    response = page.goto(live_server + spec.path(demo))
    if spec.steps is not None:
        response = spec.steps(page) or response
    assert response is not None, f"{spec.label}: no page loaded"
    assert response.status == spec.status, (
        f"{spec.label}: {page.url} answered {response.status}, expected {spec.status}"
    )
    return response


# --- axe on every page ---------------------------------------------------------------------


@pytest.mark.parametrize("spec", PAGES, ids=lambda spec: slug(spec.label))
def test_page_has_no_axe_violations(page, live_server, demo, spec):
    """axe finds nothing, on a desktop screen and at 320 CSS px (where tables scroll in
    their regions), and the page reflows at 320 and 640 px (helpers.check_reflow: no
    sideways scrolling of the page, chart text large enough). The reflow is checked before
    axe can fail, and fails after it, so a failure names every problem of the page."""
    load(page, live_server, demo, spec)
    screenshot(page, spec.label)
    reflow = check_reflow(page, spec.label, screenshot_at=320)
    check_axe(page, spec.label)
    with viewport_width(page, 320):
        check_axe(page, f"{spec.label} at 320px")
    assert not reflow, reflow


@pytest.mark.parametrize("spec", PAGES, ids=lambda spec: slug(spec.label))
def test_page_without_javascript(nojs_page, page, live_app, live_server, demo, spec):
    """Each page in a browser with JavaScript off: it loads, has its heading and a main
    landmark; axe checks it as that tab has it (see helpers.check_axe_on_snapshot). The
    screenshots are of the pages with JavaScript (test_page_has_no_axe_violations)."""
    load(nojs_page, live_server, demo, spec)
    if endpoint_of(live_app, nojs_page.url) not in NOT_GOVUK_LAYOUT:
        assert nojs_page.locator("main#main-content h1").count() == 1
    else:
        assert nojs_page.locator("body").inner_text().strip(), "the page is empty"
    reflow = check_reflow(nojs_page, spec.label, javascript=False)
    check_axe_on_snapshot(page, nojs_page, spec.label + " (no JavaScript)")
    assert not reflow, reflow


def endpoint_of(app, url: str) -> str | None:
    try:
        endpoint, _ = app.url_map.bind("127.0.0.1").match(urlsplit(url).path, method="GET")
    except Exception:  # noqa: BLE001 - a 404 page matches no route
        return None
    return endpoint


def test_every_page_is_in_the_registry(live_app, live_server, demo):
    """Every GET route of the app is checked by at least one entry of PAGES, so a new page
    (the guided journey's, say) cannot go unchecked: add it to tests/browser/pages.py."""
    adapter = live_app.url_map.bind("127.0.0.1")
    covered = set()
    for spec in PAGES:
        path = urlsplit(spec.path(demo)).path
        try:
            endpoint, _ = adapter.match(path, method="GET")
        except Exception:  # noqa: BLE001 - a 404 entry matches no route, as it should
            continue
        covered.add(endpoint)
    routes = {
        rule.endpoint: rule.rule
        for rule in live_app.url_map.iter_rules()
        if "GET" in rule.methods and rule.endpoint not in NOT_PAGES
    }
    missing = sorted(
        f"{rule} ({endpoint})" for endpoint, rule in routes.items() if endpoint not in covered
    )
    assert not missing, (
        "pages no accessibility check covers: add each to PAGES in "
        "tests/browser/pages.py:\n  " + "\n  ".join(missing)
    )


def test_browser_tests_run_once_not_once_per_database(request):
    """The database tests run once per backend (tests/conftest.py's ``engine``); the browser
    tests have a live server on a SQLite file of their own and must run once."""
    browser = [item for item in request.session.items if "tests/browser/" in str(item.path)]
    assert request.node in browser
    per_backend = [
        item.nodeid
        for item in browser
        if {"engine", "connection", "db", "app"} & set(item.fixturenames)
    ]
    assert not per_backend, f"browser tests parametrized by database backend: {per_backend}"


# --- the keyboard alone ----------------------------------------------------------------------


def test_sign_in_by_keyboard_alone(page, live_server, demo):
    login = demo.login("officer")
    response = sign_in(page, live_server, login.email, login.password)
    assert response.status == 200 and urlsplit(page.url).path == "/"
    assert page.locator("h1").inner_text() == "Equality Impact Assessments"
    assert page.locator(SIGN_OUT_BUTTON).count() == 1
    assert demo.user("officer").name in page.locator("header").inner_text()


def test_sign_in_returns_to_the_page_asked_for(page, live_server, demo):
    reference = demo.eia("awaiting_sign_off", owner="officer").reference
    page.goto(f"{live_server}/eias/{reference}")
    assert urlsplit(page.url).path == "/sign-in"  # sent to sign in first
    kb.type_into(page, "#email", demo.login("officer").email)
    kb.type_into(page, "#password", demo.login("officer").password)
    kb.press_enter(page)
    assert urlsplit(page.url).path == f"/eias/{reference}"


def test_wrong_password_by_keyboard_shows_the_error_summary(page, live_server, demo):
    response = sign_in(page, live_server, "nobody@demo.islington.example", "wrong password")
    assert response.status == 400
    summary = page.locator(".govuk-error-summary")
    assert summary.count() == 1
    assert page.title().startswith("Error: ")
    # GOV.UK Frontend moves focus to the error summary, so a screen reader announces it.
    assert kb.is_focused(page, ".govuk-error-summary")
    # Its link takes the keyboard user to the field.
    kb.activate(page, ".govuk-error-summary a", expect_navigation=False)
    assert kb.is_focused(page, "#email")


def test_sign_out_by_keyboard_alone(page, live_server, demo):
    login = demo.login("approver")
    sign_in(page, live_server, login.email, login.password)
    response = sign_out(page)
    assert response.status == 200 and urlsplit(page.url).path == "/sign-in"
    page.goto(live_server + "/")
    assert urlsplit(page.url).path == "/sign-in", "still signed in after signing out"


@pytest.mark.parametrize("path, role", [("/sign-in", None), ("/", "officer")])
def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(
    page, live_server, demo, path, role
):
    use_role(page, live_server, demo, role)
    page.goto(live_server + path)
    page.keyboard.press("Tab")
    assert kb.is_focused(page, "a.govuk-skip-link"), f"first tab stop is {kb.focused(page)}"
    assert page.locator("a.govuk-skip-link").get_attribute("href") == "#main-content"
    assert page.locator("a.govuk-skip-link").is_visible(), "the skip link shows when focused"
    kb.press_enter(page, expect_navigation=False)
    assert kb.is_focused(page, "main#main-content"), f"focus went to {kb.focused(page)}"


def test_skip_link_works_without_javascript(nojs_page, live_server):
    nojs_page.goto(live_server + "/sign-in")
    nojs_page.keyboard.press("Tab")
    assert kb.is_focused(nojs_page, "a.govuk-skip-link")
    kb.press_enter(nojs_page, expect_navigation=False)
    # Without the GOV.UK script main cannot take focus, but the next Tab starts from it.
    nojs_page.keyboard.press("Tab")
    assert kb.is_focused(nojs_page, "#email"), f"Tab after the skip link: {kb.focused(nojs_page)}"


def test_header_tab_order(page, live_server, demo):
    """Skip link first, then the header (ending with "Sign out"), then the page's own content;
    and restart_tabbing() brings the next Tab back to the skip link."""
    use_role(page, live_server, demo, "officer")
    page.goto(live_server + "/")
    stops = kb.tab_stops(page, 25)
    order = "\n  ".join(stops)
    assert "Skip to main content" in stops[0], order
    sign_out_at = next((i for i, s in enumerate(stops) if "Sign out" in s), None)
    filter_at = next((i for i, s in enumerate(stops) if 'name="status"' in s), None)
    assert sign_out_at is not None and filter_at is not None, order
    assert sign_out_at < filter_at, order
    kb.restart_tabbing(page)
    page.keyboard.press("Tab")
    assert kb.is_focused(page, "a.govuk-skip-link"), kb.focused(page)


@pytest.mark.parametrize("path, role", [("/sign-in", None), ("/", "officer")])
def test_focus_is_visible_on_every_tab_stop(page, live_server, demo, path, role):
    """WCAG 2.4.7: each element focused by Tab looks different from when it is not."""
    use_role(page, live_server, demo, role)
    page.goto(live_server + path)
    for _ in range(25):
        page.keyboard.press("Tab")
        if kb.focused(page) == "(nothing: body)":
            break
        assert kb.focus_is_visible(page), f"no visible focus on {kb.focused(page)}"


def test_filter_and_open_an_eia_by_keyboard(page, live_server, demo):
    use_role(page, live_server, demo, "equality")
    page.goto(live_server + "/")
    kb.choose_option(page, "#status", "approved")
    kb.activate(page, 'main form button[type="submit"]', max_tabs=2)
    assert "status=approved" in page.url
    first = page.locator("main tbody a.govuk-link[href^='/eias/']").first
    reference = first.inner_text().strip()
    kb.activate(page, first, max_tabs=80)
    assert urlsplit(page.url).path == f"/eias/{reference}"
    assert page.locator(".govuk-tag", has_text="Approved").count() >= 1


# --- without JavaScript ------------------------------------------------------------------


def test_sign_in_browse_and_sign_out_without_javascript(nojs_page, live_server, demo):
    page = nojs_page
    login = demo.login("equality")
    response = sign_in(page, live_server, login.email, login.password)
    assert response.status == 200 and urlsplit(page.url).path == "/"
    assert not page.evaluate("() => document.body.classList.contains('js-enabled')")

    kb.choose_option(page, "#status", "awaiting_sign_off")
    kb.activate(page, 'main form button[type="submit"]', max_tabs=2)
    assert "status=awaiting_sign_off" in page.url
    rows = page.locator("main tbody a.govuk-link[href^='/eias/']")
    assert rows.count() >= 1

    reference = rows.first.inner_text().strip()
    kb.activate(page, rows.first, max_tabs=80)
    assert urlsplit(page.url).path == f"/eias/{reference}"
    assert re.search(r"Version \d+", page.locator("main").inner_text())
    screenshot(page, "no-js-eia-page-reached-by-keyboard")

    response = sign_out(page)
    assert response.status == 200 and urlsplit(page.url).path == "/sign-in"

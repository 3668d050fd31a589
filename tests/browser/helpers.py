"""Signing in and out by keyboard, axe-core checks and screenshots.

sign_in(page, live_server, demo.login("officer").email, DEMO_PASSWORD)   # keyboard only
use_role(page, live_server, demo, "approver")     # signed in (keyboard once, then cached)
sign_out(page)                                     # Tab to "Sign out", Enter
check_axe(page, "EIA list as the officer")        # zero WCAG 2.2 AA violations or fail
check_axe_without_js(page, url, "EIA list (no JavaScript)")
screenshot(page, "eia-list-officer")               # test-artifacts/screenshots/<name>.png
"""

import json
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pytest
from playwright.sync_api import Page, Response

from . import keyboard as kb

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_PAGES_FILE = ARTIFACTS / "axe-pages.txt"
REFLOW_PAGES_FILE = ARTIFACTS / "reflow-pages.txt"

SIGN_OUT_BUTTON = 'form[action$="/sign-out"] button'


# --- signing in and out, by keyboard -----------------------------------------------------


def sign_in(
    page: Page, base: str, email: str, password: str, *, next_path: str | None = None
) -> Response | None:
    """Open the sign-in page and sign in with the keyboard alone: Tab to each field from the
    top of the page, type, and press Enter in the password field. Returns the response of the
    page that follows (the EIA list, or the sign-in page again with errors)."""
    url = f"{base}/sign-in" + (f"?next={next_path}" if next_path else "")
    page.goto(url)
    kb.type_into(page, "#email", email)
    kb.type_into(page, "#password", password)
    return kb.press_enter(page)


def sign_out(page: Page) -> Response | None:
    """Tab (from the top of the page) to the "Sign out" button in the header and press
    Enter: the sign-out is a POST form, so this proves it works by keyboard."""
    kb.restart_tabbing(page)
    return kb.activate(page, SIGN_OUT_BUTTON, max_tabs=15)


# The session cookies of each role once it has signed in by keyboard, so later tests need not
# type the password again. Flask's session is in the cookie, so these stay valid (for both
# browser contexts: they are for the same host).
_COOKIES: dict[str, list] = {}


def use_role(page: Page, base: str, demo, role: str | None) -> None:
    """Make ``page``'s browser context signed in as ``role`` (signed out for None). The first
    time for each role is a real keyboard sign-in; after that its cookies are reused."""
    context = page.context
    context.clear_cookies()
    if role is None:
        return
    if role not in _COOKIES:
        login = demo.login(role)
        response = sign_in(page, base, login.email, login.password)
        assert response is not None and response.ok and "/sign-in" not in page.url, (
            f"signing in as {role} ({login.email}) by keyboard failed: {page.url}"
        )
        _COOKIES[role] = context.cookies()
    else:
        context.add_cookies(_COOKIES[role])


def forget_role(role: str) -> None:
    _COOKIES.pop(role, None)


# --- axe-core ----------------------------------------------------------------------------


@dataclass
class CheckedPage:
    label: str
    url: str
    violations: list = field(default_factory=list)
    javascript: bool = True

    def line(self) -> str:
        result = (
            "ok"
            if not self.violations
            else "FAILED: " + ", ".join(v["id"] for v in self.violations)
        )
        return f"{self.label}\t{self.url}\t{'js' if self.javascript else 'no-js'}\t{result}"


# Every page checked this session, in order (written to test-artifacts/axe-pages.txt).
CHECKED: list[CheckedPage] = []


def write_checked_pages() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    lines = [
        "# Pages checked with axe-core " + ", ".join(AXE_TAGS),
        "# label\turl\tjavascript\tresult",
    ]
    lines += [c.line() for c in CHECKED]
    AXE_PAGES_FILE.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return AXE_PAGES_FILE


_RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                          resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target, html: n.html, summary: n.failureSummary})),
  }));
}"""


def format_violations(label: str, url: str, violations: list) -> str:
    out = [f"axe found {len(violations)} WCAG 2.2 AA violation(s) on {label} ({url}):"]
    for v in violations:
        out.append(f"- {v['id']} [{v['impact']}]: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"]:
            out.append(f"    at {' '.join(map(str, node['target']))}")
            out.append(f"       {node['html'][:300]}")
            if node.get("summary"):
                out.append("       " + node["summary"].replace("\n", "\n       "))
    return "\n".join(out)


def run_axe(page: Page) -> list:
    """axe-core's WCAG 2.0/2.1/2.2 A and AA violations on the page as it is now. Needs a page
    with JavaScript on (see ``check_axe_without_js`` for the no-JavaScript view)."""
    if not AXE_JS.is_file():
        pytest.fail(f"axe-core is not installed at {AXE_JS}: run `npm ci` (or `make frontend`)")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated by the DevTools protocol, not added as an inline <script>: the app's
        # Content Security Policy forbids inline scripts, and stays in force in these tests.
        page.evaluate(_axe_source() + "\n;0")
    return page.evaluate(_RUN_AXE, AXE_TAGS)


@lru_cache(maxsize=1)
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def check_axe(page: Page, label: str, *, javascript: bool = True) -> None:
    """Run axe on the page as it is now and fail, listing each violation (rule id, impact,
    help and every failing element with its HTML), unless there are none. The page is
    recorded (label and URL) for test-artifacts/axe-pages.txt either way."""
    if not javascript:
        assert not page.evaluate("() => document.body.classList.contains('js-enabled')"), (
            f"{label}: checking the page without JavaScript, but its scripts ran"
        )
    violations = run_axe(page)
    checked = CheckedPage(label, page.url, violations, javascript)
    CHECKED.append(checked)
    write_checked_pages()
    if violations:
        report = format_violations(label, page.url, violations)
        print(report)
        (ARTIFACTS / "axe-violations").mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "axe-violations" / f"{slug(label)}.json").write_text(
            json.dumps({"label": label, "url": page.url, "violations": violations}, indent=2)
        )
        pytest.fail(report, pytrace=False)


@contextmanager
def scripts_blocked(page: Page):
    """Within this block ``page`` (a JavaScript context) loads no script of the site: pages
    render as they do with JavaScript off (no ``js-enabled`` class, no component scripts),
    while a script the test injects, such as axe, still runs."""

    def block(route):
        route.abort()

    page.route("**/*.js", block)
    page.route("**/*.mjs", block)
    try:
        yield page
    finally:
        page.unroute("**/*.js", block)
        page.unroute("**/*.mjs", block)


def check_axe_without_js(page: Page, url: str, label: str) -> Response | None:
    """axe on ``url`` as it is without JavaScript. axe is itself JavaScript and cannot run in
    a context with JavaScript switched off, so this loads the page in ``page`` (a JavaScript
    context, signed in as needed) with every script of the site blocked, and checks that."""
    with scripts_blocked(page):
        response = page.goto(url)
        check_axe(page, label, javascript=False)
    return response


_VALUES_INTO_DOM = """() => {
  for (const e of document.querySelectorAll("input, textarea, select")) {
    if (e.type === "checkbox" || e.type === "radio") {
      e.checked ? e.setAttribute("checked", "") : e.removeAttribute("checked");
    } else if (e.tagName === "TEXTAREA") {
      e.textContent = e.value;
    } else if (e.tagName === "SELECT") {
      for (const o of e.options) {
        o.selected ? o.setAttribute("selected", "") : o.removeAttribute("selected");
      }
    } else if (!["submit", "button", "hidden", "file"].includes(e.type)) {
      e.setAttribute("value", e.value);
    }
  }
  return "<!DOCTYPE html>\\n" + document.documentElement.outerHTML;
}"""


def check_axe_on_snapshot(checker: Page, page: Page, label: str) -> None:
    """axe on ``page`` (a tab with JavaScript off) exactly as it is now: its DOM, with what
    was typed into it written in, is shown in ``checker`` (a JavaScript tab) at the same
    address, under a Content Security Policy that lets no script of the page run; axe,
    evaluated by the DevTools protocol, checks that. No second request reaches the app."""
    from urllib.parse import urldefrag

    assert not page.evaluate("() => document.body.classList.contains('js-enabled')"), (
        f"{label}: the page to check without JavaScript ran its scripts"
    )
    html = page.evaluate(_VALUES_INTO_DOM)
    url = urldefrag(page.url).url

    def serve(route):
        route.fulfill(
            status=200,
            body=html,
            content_type="text/html; charset=utf-8",
            headers={"Content-Security-Policy": "script-src 'none'"},
        )

    def is_this_page(address: str) -> bool:
        return urldefrag(address).url == url

    checker.route(is_this_page, serve)
    try:
        checker.goto(url)
        check_axe(checker, label, javascript=False)
    finally:
        checker.unroute(is_this_page, serve)


# --- screenshots -------------------------------------------------------------------------


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:120] or "page"


SCREENSHOT_INDEX = SCREENSHOTS / "index.html"

# Every screenshot taken this session: file name -> (what it shows, the page's URL).
SHOTS: dict[str, tuple[str, str]] = {}


def screenshot(page: Page, name: str) -> Path:
    """A full-page PNG at test-artifacts/screenshots/<name>.png, listed in the index
    (test-artifacts/screenshots/index.html and index.txt)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{slug(name)}.png"
    page.screenshot(path=str(path), full_page=True)
    SHOTS[path.name] = (name, page.url)
    write_screenshot_index()
    return path


def write_screenshot_index() -> Path:
    """index.txt (file, what it shows, URL: one a line) and index.html (the same, with each
    picture) in test-artifacts/screenshots/."""
    from html import escape

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    rows = sorted(SHOTS.items())
    (SCREENSHOTS / "index.txt").write_text(
        "# screenshot\twhat it shows\turl\n"
        + "".join(f"{file}\t{label}\t{url}\n" for file, (label, url) in rows),
        encoding="utf-8",
    )
    items = "\n".join(
        f'<li><h2><a href="{escape(file)}">{escape(label)}</a></h2><p>{escape(url)}</p>'
        f'<a href="{escape(file)}"><img src="{escape(file)}" alt="" width="320"></a></li>'
        for file, (label, url) in rows
    )
    SCREENSHOT_INDEX.write_text(
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>Screenshots of the browser tests ({len(rows)})</title></head>\n<body>"
        f"<h1>Screenshots of the browser tests ({len(rows)})</h1>\n<ul>\n{items}\n</ul>"
        "</body></html>\n",
        encoding="utf-8",
    )
    return SCREENSHOT_INDEX


def clear_artifacts() -> None:
    """Remove the screenshots, axe reports and journey lists of an earlier run, so what is
    in test-artifacts/ is this run's (the fuzzer's report is its own business)."""
    import shutil

    for folder in (SCREENSHOTS, ARTIFACTS / "axe-violations"):
        shutil.rmtree(folder, ignore_errors=True)
    for old in [AXE_PAGES_FILE, REFLOW_PAGES_FILE, *ARTIFACTS.glob("journey-pages-*.txt")]:
        old.unlink(missing_ok=True)


# --- reflow: narrow screens and zoom (WCAG 1.4.10), and the charts' text -----------------

# 320 CSS px is WCAG 1.4.10's width (1280 px at 400% zoom); 640 is 1280 px at 200%.
REFLOW_WIDTHS = (320, 640)
REFLOW_HEIGHT = 900
# The smallest text a chart may draw, as rendered (its font size times the SVG's scale).
MIN_CHART_TEXT_PX = 9

# Every page checked for reflow this session: (label, width, js or no-js, url, result).
REFLOWED: list[tuple[str, int, str, str, str]] = []

_REFLOW = """(minText) => {
  const doc = document.documentElement;
  const viewport = doc.clientWidth;
  const describe = (e) => {
    let d = e.tagName.toLowerCase();
    if (e.id) d += "#" + e.id;
    const classes = [...e.classList].filter(c => !c.startsWith("govuk-!-")).slice(0, 3);
    if (classes.length) d += "." + classes.join(".");
    const named = e.querySelector && e.querySelector(":scope > caption, :scope > title");
    const words = ((named && named.textContent) || e.textContent || "").trim()
      .replace(/\\s+/g, " ");
    if (words) d += ` "${words.slice(0, 60)}${words.length > 60 ? "…" : ""}"`;
    return d;
  };
  // Whether an ancestor that scrolls or clips holds e in (then e cannot widen the page). An
  // absolutely positioned element escapes every such ancestor below its containing block.
  const clipped = (e) => {
    const position = getComputedStyle(e).position;
    if (position === "fixed") return false;
    let escaping = position === "absolute";
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      const style = getComputedStyle(a);
      if (escaping && (style.position !== "static" || style.transform !== "none")) escaping = false;
      if (!escaping && style.overflowX !== "visible") return true;
    }
    return false;
  };
  const sticksOut = (r) => r.right > viewport + 0.5 || r.left < -0.5;
  const wide = [];
  if (doc.scrollWidth > viewport) {
    window.scrollTo(0, window.scrollY);
    const out = new Map();  // what sticks out of the window and is not held in
    for (const e of document.body.querySelectorAll("*")) {
      const r = e.getBoundingClientRect();
      if ((r.width || r.height) && sticksOut(r) && !clipped(e)) out.set(e, r);
    }
    for (const [e, r] of out) {
      if (out.has(e.parentElement)) continue;  // name the outermost only
      wide.push({what: describe(e), left: Math.round(r.left), right: Math.round(r.right),
                 width: Math.round(r.width)});
    }
    wide.sort((a, b) => b.right - a.right || b.width - a.width);
  }
  const small = [], cut = [];
  for (const t of document.querySelectorAll("svg text")) {
    if (!t.getClientRects().length || getComputedStyle(t).visibility === "hidden") continue;
    let svg = t.ownerSVGElement;
    while (svg.ownerSVGElement) svg = svg.ownerSVGElement;
    const m = t.getScreenCTM();
    const scale = m ? Math.sqrt(Math.abs(m.a * m.d - m.b * m.c)) : 1;
    const px = parseFloat(getComputedStyle(t).fontSize) * scale;
    const words = t.textContent.trim().replace(/\\s+/g, " ").slice(0, 40);
    const where = "svg" + (svg.id ? "#" + svg.id : "");
    if (px < minText - 0.01) small.push({where, words, px: Math.round(px * 10) / 10});
    const r = t.getBoundingClientRect(), s = svg.getBoundingClientRect();
    if (r.left < s.left - 1 || r.right > s.right + 1
        || r.top < s.top - 1 || r.bottom > s.bottom + 1) {
      cut.push({where, words});
    }
  }
  // Every table in a region of its own that can scroll it, named by its caption.
  const loose = [];
  for (const table of document.querySelectorAll("table.govuk-table")) {
    const region = table.parentElement, caption = table.querySelector(":scope > caption");
    if (!(region.matches(".app-table-container[role=region][tabindex='0']") && caption
          && caption.id && region.getAttribute("aria-labelledby") === caption.id)) {
      loose.push(describe(table));
    }
  }
  return {viewport, scrollWidth: doc.scrollWidth, wide, small, cut, loose};
}"""


def reflow_problems(page: Page, *, width: int, tables: bool = True) -> list[str]:
    """What is wrong with the page at ``width`` CSS px (the tab is resized to it): the
    document scrolls sideways (each element sticking out, widest first), chart text renders
    smaller than MIN_CHART_TEXT_PX, or is cut off at the edge of its SVG; with ``tables``,
    a govuk-table is not in a region of its own that scrolls it (so a new table cannot
    widen a page on a screen or with data the tests do not have)."""
    page.set_viewport_size({"width": width, "height": REFLOW_HEIGHT})
    found = page.evaluate(_REFLOW, MIN_CHART_TEXT_PX)
    problems = []
    if found["scrollWidth"] > found["viewport"]:
        problems.append(
            f"the page scrolls sideways: it is {found['scrollWidth']} px wide in a "
            f"{found['viewport']} px window; widest first:"
            + "".join(
                f"\n      {w['what']} ({w['width']} px wide, {w['left']} to {w['right']})"
                for w in found["wide"][:5]
            )
        )
    if found["small"]:
        problems.append(
            f"{len(found['small'])} chart text(s) smaller than {MIN_CHART_TEXT_PX} px:"
            + "".join(
                f'\n      {s["where"]} "{s["words"]}" at {s["px"]} px' for s in found["small"][:5]
            )
        )
    if tables and found["loose"]:
        problems.append(
            "tables not in a scrolling region of their own (macros.html table_container, "
            "named by the table's caption):" + "".join(f"\n      {t}" for t in found["loose"])
        )
    if found["cut"]:
        problems.append(
            f"{len(found['cut'])} chart text(s) cut off at the edge of the SVG:"
            + "".join(f'\n      {c["where"]} "{c["words"]}"' for c in found["cut"][:5])
        )
    return problems


@contextmanager
def viewport_width(page: Page, width: int):
    """Within this block the tab is ``width`` CSS px wide (REFLOW_HEIGHT high); after it,
    the size it was."""
    before = page.viewport_size
    page.set_viewport_size({"width": width, "height": REFLOW_HEIGHT})
    try:
        yield page
    finally:
        if before:
            page.set_viewport_size(before)


def check_reflow(
    page: Page, label: str, *, javascript: bool = True, screenshot_at: int | None = None
) -> str:
    """Resize the tab to each of REFLOW_WIDTHS and check the page reflows there (see
    ``reflow_problems``); then put the tab back to its size. Returns a report naming the
    page, the width and each problem ("" when there is none), recorded either way in
    test-artifacts/reflow-pages.txt. ``screenshot_at``: also take a screenshot at that width
    ("<label> at 320px")."""
    reports = []
    for width in REFLOW_WIDTHS:
        with viewport_width(page, width):
            problems = reflow_problems(page, width=width, tables=width == REFLOW_WIDTHS[0])
            if screenshot_at == width:
                screenshot(page, f"{label} at {width}px")
        REFLOWED.append(
            (
                label,
                width,
                "js" if javascript else "no-js",
                page.url,
                "ok" if not problems else "FAILED: " + problems[0].split(":")[0],
            )
        )
        if problems:
            reports.append(f"at {width} px:\n  - " + "\n  - ".join(problems))
    write_reflow_pages()
    if not reports:
        return ""
    return (
        f"{label} ({page.url}, {'with' if javascript else 'without'} JavaScript) does not "
        "reflow " + "\n".join(reports)
    )


def write_reflow_pages() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    lines = [
        "# Pages checked for reflow at "
        + " and ".join(f"{w} px" for w in REFLOW_WIDTHS)
        + f": no sideways scrolling, chart text at least {MIN_CHART_TEXT_PX} px",
        "# label\twidth\tjavascript\turl\tresult",
    ]
    lines += ["\t".join(map(str, row)) for row in REFLOWED]
    REFLOW_PAGES_FILE.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return REFLOW_PAGES_FILE

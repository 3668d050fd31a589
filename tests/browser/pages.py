"""PAGES: every page of the product, in each state worth checking. test_accessibility.py
runs axe-core on each (with JavaScript, and as it renders without), screenshots it, and
checks that every GET route of the app is reached by at least one entry here.

Adding a page is one line: a label and a function from the demo data (``tests.browser.demo``)
to its path, optionally who is signed in (default: the demo officer), the HTTP status the
page should have (default 200) and keyboard steps that bring it to the state to check:

    Page("Journey: proposal",
         lambda d: f"/eias/{d.eia('draft', owner='officer').reference}/proposal"),
    Page("Journey: proposal with errors", lambda d: ..., status=400, steps=submit_form),
    ("Journey: screening",
     lambda d: f"/eias/{d.eia('screening', owner='officer').reference}/screening"),

A plain (label, url) or (label, url, role) or (label, url, role, status) tuple works too.
Roles: "officer", "approver", "equality", "admin" (the demo log-ins), an email address, or
None for signed out. A step function gets the Playwright page (already on the URL) and
returns the response of the page it ends on, if it loaded one; use only keyboard helpers.
For a page that changes data, point the URL at a fresh EIA: ``d.new_eia("screening")``.
"""

from collections.abc import Callable
from dataclasses import dataclass

from playwright.sync_api import Response

from eia.models import (
    ActionItem,
    Characteristic,
    ClaimMapping,
    Directorate,
    EngagementRecord,
    IntersectionalImpact,
    Service,
)
from workflows.lifecycle import STATES

from . import keyboard as kb
from . import sso
from .demo import Demo

ROLES = ("officer", "approver", "equality", "admin")


@dataclass(frozen=True)
class Page:
    label: str
    url: Callable[[Demo], str]
    role: str | None = "officer"
    status: int = 200
    steps: Callable[[object], Response | None] | None = None  # gets the Playwright page

    def path(self, demo: Demo) -> str:
        return self.url(demo)


def as_page(entry) -> Page:
    return entry if isinstance(entry, Page) else Page(*entry)


# --- keyboard steps that bring a page to a state ----------------------------------------


def compare_race_by_keyboard(page) -> Response | None:
    """On the comparison page: choose the race measure and press "Compare", by keyboard."""
    kb.choose_option(page, "#measure", "negative:Race")
    response = kb.activate(page, 'main form[method="get"] button[type="submit"]')
    assert "negative%3ARace" in page.url or "negative:Race" in page.url, page.url
    return response


def submit_empty_sign_in(page) -> Response | None:
    """Press the "Sign in" button (by keyboard) with nothing entered."""
    return kb.activate(page, 'main button[type="submit"], main input[type="submit"]')


def submit_wrong_password(page) -> Response | None:
    kb.type_into(page, "#email", "nobody@demo.islington.example")
    kb.type_into(page, "#password", "not the password")
    return kb.press_enter(page)


def submit_malformed_email(page) -> Response | None:
    kb.type_into(page, "#email", "not an email address")
    kb.type_into(page, "#password", "anything")
    return kb.press_enter(page)


def approve_without_attesting(page) -> Response | None:
    """Choose "Approve" and record the decision with the attestation left unticked."""
    kb.choose_radio(page, "decision", "approve", max_tabs=150)
    return kb.activate(page, 'main form button[type="submit"], main form input[type="submit"]')


def save_screening_empty(page) -> Response | None:
    """Press "Save and continue" on the screening page with nothing answered."""
    return kb.activate(
        page,
        'main form input[type="submit"][value="Save and continue"], '
        'main form button:has-text("Save and continue")',
        max_tabs=150,
    )


def _eia_url(status: str | None = None, **conditions) -> Callable[[Demo], str]:
    return lambda d: f"/eias/{d.eia(status, **conditions).reference}"


def _own(status: str, rest: str = "") -> Callable[[Demo], str]:
    """A page of the officer's own EIA in ``status``: ``_own("draft", "/proposal")``."""
    return lambda d: f"/eias/{d.own_eia(status).reference}{rest}"


def _own_child(model, rest: str) -> Callable[[Demo], str]:
    """A page of a row of the officer's own EIA in full assessment: ``rest`` has ``{id}``."""

    def url(d: Demo) -> str:
        reference = d.own_eia("full_assessment").reference
        return f"/eias/{reference}" + rest.format(id=d.child_id(reference, model))

    return url


# --- audit, exports and the public register: steps and URLs ----------------------------


def press_verify_integrity(page) -> Response | None:
    """Press "Verify integrity" (a POST with its CSRF token) by keyboard."""
    return kb.activate(page, 'main form[action="/audit/verify"] button', max_tabs=40)


def _public_eia(d: Demo) -> str:
    """The public page of the first EIA the public register shows."""
    import sqlalchemy as sa

    from eia.exports.public import public_clause
    from eia.models import Eia

    with d.session() as s:
        reference = (
            s.execute(sa.select(Eia.reference).where(public_clause()).order_by(Eia.reference))
            .scalars()
            .first()
        )
    assert reference, "the demo data has no published EIA"
    return f"/public/eias/{reference}"


def _public_eia_under_revision(d: Demo) -> str:
    """The public page of a published EIA being revised: its last approved version."""
    import sqlalchemy as sa

    from eia.exports.public import REVISION_STATES, public_clause
    from eia.models import Eia

    with d.session() as s:
        reference = (
            s.execute(
                sa.select(Eia.reference)
                .where(public_clause(), Eia.status.in_(REVISION_STATES))
                .order_by(Eia.reference)
            )
            .scalars()
            .first()
        )
    assert reference, "the demo data has no published EIA under revision"
    return f"/public/eias/{reference}"


def _too_many_downloads(d: Demo) -> str:
    """A register download asked for past the limit on anonymous downloads: this address's
    count is filled first (for this window and the next, should the minute turn)."""
    from datetime import timedelta

    from eia.models import RateLimitCount, utcnow
    from eia.web.public import DOWNLOADS
    from eia.web.ratelimit import window_start

    seconds = d.app.config["PUBLIC_DOWNLOAD_WINDOW_SECONDS"]
    start = window_start(utcnow(), seconds)
    with d.session() as s:
        for address in ("127.0.0.1", "::1"):
            for window in (start, start + timedelta(seconds=seconds)):
                s.merge(
                    RateLimitCount(bucket=f"{DOWNLOADS}|{address}", window_start=window, hits=10**6)
                )
        s.commit()
    return "/public/register/download?format=csv"


# --- The Policy and Equality Unit's dashboard (its entries are in PAGES below) -----------


def _dashboard_cumulative(d: Demo) -> str:
    """Cumulative impact on disabled residents in the budget round being prepared: several
    signed-off decisions fall on them, so the page shows its warning."""
    from urllib.parse import urlencode

    from eia.demo_data import budget_round
    from eia.models import london_date, utcnow

    with d.session() as s:
        from sqlmodel import select

        disability = s.exec(
            select(Characteristic.id).where(Characteristic.key == "disability")
        ).one()
    return "/dashboard/cumulative?" + urlencode(
        {"characteristic": disability, "round": budget_round(london_date(utcnow()))}
    )


def _groups_in_round(d: Demo) -> str:
    """All groups in the budget round being prepared (several of its decisions fall on
    disabled residents: the round's warning shows)."""
    from urllib.parse import urlencode

    from eia.demo_data import budget_round
    from eia.models import london_date, utcnow

    return "/dashboard/groups?" + urlencode({"round": budget_round(london_date(utcnow()))})


def _last_year() -> int:
    """The last full financial year (the annual report's own when none is chosen)."""
    from eia.models import london_date, utcnow
    from eia.reporting.years import FinancialYear

    return FinancialYear.of(london_date(utcnow())).previous().start_year


PAGES: list[Page] = [
    as_page(entry)
    for entry in [
        # --- signing in
        Page("Sign in", lambda d: "/sign-in", role=None),
        Page(
            "Sign in: nothing entered",
            lambda d: "/sign-in",
            role=None,
            status=400,
            steps=submit_empty_sign_in,
        ),
        Page(
            "Sign in: email not an email address",
            lambda d: "/sign-in",
            role=None,
            status=400,
            steps=submit_malformed_email,
        ),
        Page(
            "Sign in: wrong email or password",
            lambda d: "/sign-in",
            role=None,
            status=400,
            steps=submit_wrong_password,
        ),
        # --- signing in with the council's account (tests/browser/sso.py: another server of
        # the product, set up with the test identity provider; these steps go there)
        Page(
            "Sign in with the council's account offered",
            lambda d: "/sign-in",
            role=None,
            steps=sso.sign_in_page_with_the_council_account,
        ),
        Page(
            "Signed in with a council account that has no role",
            lambda d: "/sign-in/oidc/callback",
            role=None,
            steps=sso.no_role_page,
        ),
        Page(
            "The council's sign-in service is down",
            lambda d: "/sign-in/oidc",
            role=None,
            status=503,
            steps=sso.provider_down_page,
        ),
        Page("Signed out", lambda d: "/signed-out", role=None),
        Page(
            "Signed out: nothing to sign out of at the provider",
            lambda d: "/sign-out/provider",
            role=None,
        ),
        # --- the list of EIAs, as each role sees it
        *[Page(f"EIA list as the {role}", lambda d: "/", role=role) for role in ROLES],
        Page("EIA list filtered to approved EIAs", lambda d: "/?status=approved", role="equality"),
        Page(
            "EIA list filtered to a state with no EIAs",
            lambda d: (
                "/?status="
                + next(s.name for s in STATES if not d.eias(s.name, visible_to="officer"))
            ),
            role="officer",
        ),
        # --- one EIA, in each state of the lifecycle (as the Policy and Equality Unit sees it)
        *[
            Page(f"EIA page: {state.label.lower()}", _eia_url(state.name), role="equality")
            for state in STATES
        ],
        Page(
            "EIA page: approved after a late sign-off",
            _eia_url("approved", late=True),
            role="equality",
        ),
        Page("EIA page: version 2 (revised)", _eia_url(min_version=2), role="equality"),
        Page(
            "EIA page: the officer's own, awaiting sign-off",
            _eia_url("awaiting_sign_off", owner="officer"),
            role="officer",
        ),
        Page(
            "Frozen version page",
            lambda d: "/eias/{}/versions/{}".format(*d.version(min_version=2)),
            role="equality",
        ),
        # --- signing off
        Page("Sign-off inbox", lambda d: "/sign-off", role="approver"),
        Page(
            "Sign-off page",
            lambda d: "/eias/{}/sign-off".format(
                d.eia("awaiting_sign_off", visible_to="approver").reference
            ),
            role="approver",
        ),
        Page(
            "Sign-off page: approval refused without the attestation",
            lambda d: f"/eias/{d.new_eia('awaiting_sign_off')}/sign-off",
            role="approver",
            status=409,
            steps=approve_without_attesting,
        ),
        Page("My EIAs", lambda d: "/my-eias", role="officer"),
        # --- administration
        Page("Admin: home", lambda d: "/admin", role="admin"),
        Page("Admin: users", lambda d: "/admin/users", role="admin"),
        Page("Admin: new user", lambda d: "/admin/users/new", role="admin"),
        Page("Admin: edit user", lambda d: f"/admin/users/{d.user('officer').id}", role="admin"),
        Page(
            "Admin: reset a password",
            lambda d: f"/admin/users/{d.user('officer').id}/password",
            role="admin",
        ),
        Page(
            "Admin: pseudonymise a leaver",
            lambda d: f"/admin/users/{d.user('officer').id}/pseudonymise",
            role="admin",
        ),
        Page(
            "Admin: pseudonymise without confirming",
            lambda d: f"/admin/users/{d.user('officer').id}/pseudonymise",
            role="admin",
            status=400,
            steps=submit_empty_sign_in,
        ),
        Page("Admin: characteristics", lambda d: "/admin/characteristics", role="admin"),
        Page("Admin: new characteristic", lambda d: "/admin/characteristics/new", role="admin"),
        Page(
            "Admin: edit characteristic",
            lambda d: f"/admin/characteristics/{d.first_id(Characteristic)}",
            role="admin",
        ),
        Page("Admin: directorates", lambda d: "/admin/directorates", role="admin"),
        Page("Admin: new directorate", lambda d: "/admin/directorates/new", role="admin"),
        Page(
            "Admin: edit directorate",
            lambda d: f"/admin/directorates/{d.first_id(Directorate)}",
            role="admin",
        ),
        Page(
            "Admin: new service",
            lambda d: f"/admin/directorates/{d.first_id(Directorate)}/services/new",
            role="admin",
        ),
        Page(
            "Admin: edit service", lambda d: f"/admin/services/{d.first_id(Service)}", role="admin"
        ),
        Page("Admin: sign-in settings and mappings", lambda d: "/admin/sign-in", role="admin"),
        Page("Admin: service health", lambda d: "/admin/health", role="admin"),
        Page("Admin: new sign-in mapping", lambda d: "/admin/sign-in/mappings/new", role="admin"),
        Page(
            "Admin: new sign-in mapping with errors",
            lambda d: "/admin/sign-in/mappings/new",
            role="admin",
            status=400,
            steps=lambda p: kb.activate(p, 'main button[type="submit"]'),
        ),
        Page(
            "Admin: edit sign-in mapping",
            lambda d: f"/admin/sign-in/mappings/{d.first_id(ClaimMapping)}",
            role="admin",
        ),
        Page(
            "Admin: import sign-in mappings",
            lambda d: "/admin/sign-in/mappings/import",
            role="admin",
        ),
        Page(
            "Admin: import sign-in mappings with no file",
            lambda d: "/admin/sign-in/mappings/import",
            role="admin",
            status=400,
            steps=lambda p: kb.activate(p, 'main button[type="submit"]'),
        ),
        # --- importing a register of EIAs (administrators)
        Page("Admin: import a register", lambda d: "/admin/import", role="admin"),
        Page(
            "Admin: import a register with no file",
            lambda d: "/admin/import",
            role="admin",
            status=400,
            steps=lambda p: kb.activate(p, 'main button[type="submit"]'),
        ),
        Page(
            "Admin: import, which column is which",
            lambda d: f"/admin/import/{d.register_upload()}/columns",
            role="admin",
        ),
        Page(
            "Admin: import, dry run ready to import",
            lambda d: f"/admin/import/{d.register_upload()}/check",
            role="admin",
        ),
        Page(
            "Admin: import, dry run with problems",
            lambda d: f"/admin/import/{d.register_upload(problems=True)}/check",
            role="admin",
        ),
        Page(
            "EIA page: imported from a register",
            lambda d: f"/eias/{d.imported_eia()}",
            role="admin",
        ),
        # --- the guided journey (the officer's own EIAs, made for these checks)
        Page("Journey: start an EIA", lambda d: "/eias/new"),
        Page("Journey: task list, draft", _own("draft", "/tasks")),
        Page("Journey: task list, full assessment", _own("full_assessment", "/tasks")),
        Page("Journey: proposal", _own("draft", "/proposal")),
        Page("Journey: screening", _own("screening", "/screening")),
        Page(
            "Journey: screening sent with nothing answered (one error per characteristic)",
            lambda d: f"/eias/{d.new_eia('screening')}/screening",
            status=400,
            steps=save_screening_empty,
        ),
        Page("Journey: evidence", _own("full_assessment", "/evidence")),
        Page("Journey: evidence for one characteristic", _own("full_assessment", "/evidence/age")),
        Page("Journey: impacts", _own("full_assessment", "/impacts")),
        Page("Journey: impact on one characteristic", _own("full_assessment", "/impacts/age")),
        Page("Journey: engagement", _own("full_assessment", "/engagement")),
        Page("Journey: new engagement record", _own("full_assessment", "/engagement/new")),
        Page("Journey: edit engagement record", _own_child(EngagementRecord, "/engagement/{id}")),
        Page(
            "Journey: remove engagement record",
            _own_child(EngagementRecord, "/engagement/{id}/remove"),
        ),
        Page("Journey: intersectional impacts", _own("full_assessment", "/intersectional")),
        Page("Journey: new intersectional impact", _own("full_assessment", "/intersectional/new")),
        Page(
            "Journey: edit intersectional impact",
            _own_child(IntersectionalImpact, "/intersectional/{id}"),
        ),
        Page(
            "Journey: remove intersectional impact",
            _own_child(IntersectionalImpact, "/intersectional/{id}/remove"),
        ),
        Page("Journey: action plan", _own("full_assessment", "/actions")),
        Page("Journey: new action", _own("full_assessment", "/actions/new")),
        Page("Journey: edit action", _own_child(ActionItem, "/actions/{id}")),
        Page("Journey: remove action", _own_child(ActionItem, "/actions/{id}/remove")),
        Page("Journey: outcome", _own("full_assessment", "/outcome")),
        Page("Journey: check answers", _own("full_assessment", "/check")),
        Page("Journey: withdraw (an event)", _own("draft", "/events/withdraw")),
        # --- email
        Page("Email preferences", lambda d: "/account/email-preferences"),
        Page("Mailbox", lambda d: "/mailbox"),
        Page("Mailbox: one email", lambda d: f"/mailbox/{d.mailbox_email_id()}", role="admin"),
        # The email's HTML body on its own, as the frame on the page above shows it (not a
        # GOV.UK page: no header, no <main>; no script may run in it).
        Page(
            "Mailbox: one email's HTML body (the frame)",
            lambda d: f"/mailbox/{d.mailbox_email_id()}/html",
            role="admin",
        ),
        Page("Emails that failed", lambda d: "/emails/failed", role="admin"),
        # --- audit, exports and the public register (PDF, JSON, CSV, XLSX are not pages)
        Page("Audit: the whole trail", lambda d: "/audit", role="equality"),
        Page(
            "Audit: search results",
            lambda d: (
                "/audit?event=transition%3Aapprove&person=a&date_from=1&date_from=1&date_from=2020"
            ),
            role="admin",
        ),
        Page(
            "Audit: search with no results",
            lambda d: "/audit?reference=NO-SUCH-EIA",
            role="equality",
        ),
        Page(
            "Audit: search with errors",
            lambda d: (
                "/audit?date_from=31&date_from=2&date_from=2025"
                "&date_to=1&date_to=1&date_to=2020&event=nonsense"
            ),
            role="equality",
            status=400,
        ),
        Page(
            "Audit: integrity verified",
            lambda d: "/audit?reference=NO-SUCH-EIA",
            role="equality",
            steps=press_verify_integrity,
        ),
        Page("Public register", lambda d: "/public/register", role=None),
        Page("Privacy notice", lambda d: "/privacy", role=None),
        Page("Privacy notice, signed in", lambda d: "/privacy"),
        Page("Accessibility statement", lambda d: "/accessibility", role=None),
        Page("Public register: search", lambda d: "/public/register?q=a&state=approved", role=None),
        Page(
            "Public register: search with no results",
            lambda d: "/public/register?q=no-such-words-anywhere",
            role=None,
        ),
        Page(
            "Public register: search with errors",
            lambda d: "/public/register?state=draft",
            role=None,
            status=400,
        ),
        Page("Public register: as the officer", lambda d: "/public/register"),
        Page("Public register: one EIA", _public_eia, role=None),
        Page("Public register: one EIA under revision", _public_eia_under_revision, role=None),
        Page(
            "Public register: too many downloads (429)", _too_many_downloads, role=None, status=429
        ),
        # --- The Policy and Equality Unit's dashboard
        Page("Dashboard", lambda d: "/dashboard", role="equality"),
        Page(
            "Dashboard: filtered to a directorate and a kind of proposal",
            lambda d: (
                f"/dashboard?directorate={d.first_id(Directorate)}&proposal_type=budget_saving"
            ),
            role="equality",
        ),
        Page(
            "Dashboard: bad filters (error summary)",
            lambda d: "/dashboard?from-day=31&from-month=2&from-year=2026&directorate=999999",
            role="equality",
            status=400,
        ),
        Page(
            "Dashboard: the EIAs behind a figure",
            lambda d: "/dashboard/eias?figure=state&value=approved",
            role="equality",
        ),
        Page(
            "Dashboard: the overdue actions behind a figure",
            lambda d: "/dashboard/eias?figure=actions_overdue",
            role="equality",
        ),
        Page(
            "Dashboard: a figure that does not exist",
            lambda d: "/dashboard/eias?figure=nope",
            role="equality",
            status=400,
        ),
        Page(
            "Dashboard: cumulative impact, nothing chosen",
            lambda d: "/dashboard/cumulative",
            role="equality",
        ),
        Page(
            "Dashboard: cumulative impact with its warning", _dashboard_cumulative, role="equality"
        ),
        Page(
            "Dashboard: cumulative impact, bad input",
            lambda d: "/dashboard/cumulative?round=x",
            role="equality",
            status=400,
        ),
        # --- its two questions and the annual equality report
        Page(
            "Which directorates sign off late? (sorted by rate)",
            lambda d: "/dashboard/late-sign-off?sort=rate&order=desc",
            role="equality",
        ),
        Page("Which groups keep getting hit?", lambda d: "/dashboard/groups", role="equality"),
        Page(
            "Which groups keep getting hit? All groups in a budget round",
            _groups_in_round,
            role="equality",
        ),
        Page(
            "Which groups keep getting hit? A decision round that is not one (error summary)",
            lambda d: "/dashboard/groups?round=x",
            role="equality",
            status=400,
        ),
        Page("Annual equality report", lambda d: "/reports/annual", role="equality"),
        Page(
            "Annual equality report: the list behind a number",
            lambda d: f"/reports/annual/list?cell=completion.all.{_last_year()}.due",
            role="equality",
        ),
        Page(
            "Annual equality report: a year that is not one (error summary)",
            lambda d: "/reports/annual?year=20x5",
            role="equality",
            status=400,
        ),
        # --- the pan-London practice comparison
        Page("Compare practice across London", lambda d: "/benchmarking", role="equality"),
        Page(
            "Compare practice across London: race, chosen by keyboard",
            lambda d: "/benchmarking",
            role="admin",
            steps=compare_race_by_keyboard,
        ),
        Page(
            "Compare practice across London: a measure that is not one (error summary)",
            lambda d: "/benchmarking?measure=nonsense",
            role="equality",
            status=400,
        ),
        # --- error pages
        Page(
            "403: another service's EIA",
            _eia_url(hidden_from="officer"),
            role="officer",
            status=403,
        ),
        Page("404: no such EIA", lambda d: "/eias/EIA-NONE-0000", role="officer", status=404),
        Page("404: no such page", lambda d: "/no-such-page", role="officer", status=404),
        Page("404: no such page, signed out", lambda d: "/no-such-page", role=None, status=404),
    ]
]

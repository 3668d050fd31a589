"""Every route × every role (and anonymous) × every EIA state: allowed or forbidden.

The expectations live in one table, ``RULES``. A route the app has that the table does not
name fails the test, so nobody adds a page without deciding who may reach it.

"Allowed" means the person gets past access control: any answer but 403 (and, for a
signed-in person, not the sign-in page); the page may still refuse the change for the
EIA's state (409) or bad input (400). "Forbidden" means 403. Anonymous people are sent to
sign in, except on public routes. Every POST is made inside a savepoint that is rolled back,
so no cell changes what the next one sees.
"""

from dataclasses import dataclass

import pytest

from eia import health
from eia.db import make_engine
from eia.exports.public import PUBLIC_STATES
from eia.migrate import upgrade

from .factories import PATHS
from .support.db import session_on
from .support.matrix import STATE_NAMES, World
from .support.people import sign_in

pytestmark = pytest.mark.slow  # thousands of requests, on a database of its own


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    """SQLite only: who may reach a page does not depend on the database, and the matrix
    is thousands of requests (the rest of the suite covers PostgreSQL)."""
    eng = make_engine(f"sqlite:///{tmp_path_factory.mktemp('matrix') / 'matrix.db'}")
    upgrade(eng)
    yield eng
    eng.dispose()


ACTORS = (
    "anonymous",
    "owner",
    "team_officer",
    "other_officer",
    "directorate_approver",
    "other_approver",
    "equality_officer",
    "admin",
)
# The states the matrix's EIAs reach through an approval and in which the register shows them.
EVER_PUBLISHED = {
    state for state in STATE_NAMES if "approve" in PATHS[state] and state in PUBLIC_STATES
}

VIEWERS = {"owner", "team_officer", "directorate_approver", "equality_officer", "admin"}
TEAM = {"owner", "team_officer"}
STARTERS = {"owner", "team_officer", "other_officer", "directorate_approver", "other_approver"}
APPROVERS = {"directorate_approver", "other_approver"}
FROZEN = {"approved", "under_review", "archived"}  # states with a frozen version 1


def everyone(actor, state):
    return True


def only(group):
    return lambda actor, state: actor in group


NOT_SCREENED = {"draft", "screening", "withdrawn"}  # the factory's EIAs with no answers yet


def assessed(group):
    def rule(actor, state):
        if state in NOT_SCREENED and actor in VIEWERS:
            return "missing"
        return actor in group

    return rule


def viewers_of_frozen_version(actor, state):
    return "missing" if state not in FROZEN else actor in VIEWERS


@dataclass(frozen=True)
class Rule:
    """Who may reach a route: one predicate per method (actor, state) -> True/False/"missing".
    ``per_eia`` routes are tried on an EIA in every state."""

    get: object = None
    post: object = None
    per_eia: bool = False
    public: bool = False


RULES = {
    # Signing in is open to all; signing out needs someone signed in.
    "auth.sign_in": Rule(get=everyone, post=everyone, public=True),
    "auth.sign_out": Rule(post=everyone),
    # Probes and scrapes (eia/web/ops.py): /metrics answers loopback or a token, whoever asks
    # (the matrix's requests come from 127.0.0.1: tests/test_ops.py tries other addresses).
    "ops.healthz": Rule(get=everyone, public=True),
    "ops.readyz": Rule(get=everyone, public=True),
    "ops.prometheus": Rule(get=everyone, public=True),
    # The privacy notice and the accessibility statement (every page's footer): open to all.
    "about.privacy": Rule(get=everyone, public=True),
    "about.accessibility": Rule(get=everyone, public=True),
    "pages.index": Rule(get=everyone),
    "pages.eia_page": Rule(get=only(VIEWERS), per_eia=True),
    "pages.version_page": Rule(get=viewers_of_frozen_version, per_eia=True),
    "signoff.inbox": Rule(get=only(APPROVERS)),
    "signoff.my_eias": Rule(get=everyone),
    "signoff.sign_off": Rule(
        get=only({"directorate_approver"}), post=only({"directorate_approver"}), per_eia=True
    ),
    # The guided journey: those who can see an EIA may open its pages; only its team may
    # change it (the page then refuses by state, 409, where the state locks a section).
    "journey.new_eia": Rule(get=only(STARTERS), post=only(STARTERS)),
    "journey.tasks": Rule(get=only(VIEWERS), per_eia=True),
    "journey.proposal": Rule(get=only(VIEWERS), post=only(TEAM), per_eia=True),
    "journey.screening": Rule(get=only(VIEWERS), post=only(TEAM), per_eia=True),
    "journey.check": Rule(get=only(VIEWERS), post=only(TEAM), per_eia=True),
    "journey.comment": Rule(
        post=only(TEAM | {"directorate_approver", "equality_officer"}), per_eia=True
    ),
    # (tried with "withdraw": its team, the directorate's approvers and admins)
    "journey.event": Rule(
        get=only(TEAM | {"directorate_approver", "admin"}),
        post=only(TEAM | {"directorate_approver", "admin"}),
        per_eia=True,
    ),
    # Evidence and impact pages exist for characteristics screening found relevant (the
    # factory's EIAs: age and disability, once screened).
    **{
        f"journey.{name}": Rule(get=assessed(VIEWERS), post=assessed(TEAM), per_eia=True)
        for name in ("evidence_for", "impact_for")
    },
    **{
        f"journey.{name}": Rule(get=only(VIEWERS), post=only(TEAM), per_eia=True)
        for name in (
            "intersectional",
            "intersectional_new",
            "intersectional_edit",
            "intersectional_remove",
            "engagement",
            "engagement_new",
            "engagement_edit",
            "engagement_remove",
            "actions",
            "action_new",
            "action_remove",
            "outcome",
        )
    },
    **{
        f"journey.{name}": Rule(get=only(VIEWERS), per_eia=True) for name in ("evidence", "impacts")
    },
    # An action's owner may update it too (here the owner is the EIA's owner).
    "journey.action_edit": Rule(get=only(VIEWERS), post=only(TEAM), per_eia=True),
    # Configuration.
    "admin.index": Rule(get=only({"admin", "equality_officer"})),
    "admin.characteristics": Rule(get=only({"admin", "equality_officer"})),
    "admin.new_characteristic": Rule(
        get=only({"admin", "equality_officer"}), post=only({"admin", "equality_officer"})
    ),
    "admin.edit_characteristic": Rule(
        get=only({"admin", "equality_officer"}), post=only({"admin", "equality_officer"})
    ),
    "admin.move_characteristic": Rule(post=only({"admin", "equality_officer"})),
    "admin.deactivate_characteristic": Rule(post=only({"admin", "equality_officer"})),
    "admin.reactivate_characteristic": Rule(post=only({"admin", "equality_officer"})),
    **{
        f"admin.{name}": Rule(get=only({"admin"}), post=only({"admin"}))
        for name in (
            "new_user",
            "edit_user",
            "reset_password",
            "pseudonymise_user",
            "new_directorate",
            "edit_directorate",
            "new_service",
            "edit_service",
        )
    },
    **{
        f"admin.{name}": Rule(get=only({"admin"}))
        for name in ("users", "directorates", "service_health")
    },
    **{
        f"admin.{name}": Rule(post=only({"admin"}))
        for name in ("deactivate_user", "reactivate_user", "delete_directorate", "delete_service")
    },
    # Signing in with the council's account (not set up in this matrix: "not found" to all,
    # signed in or not); the page after signing out is open to all. Its administration
    # (Manage > Sign-in): administrators only.
    **{
        f"sso.{name}": Rule(get=lambda actor, state: "missing", public=True)
        for name in ("start", "callback")
    },
    **{
        f"sso.{name}": Rule(get=everyone, public=True)
        for name in ("signed_out", "provider_sign_out")
    },
    **{
        f"admin.{name}": Rule(get=only({"admin"}), post=only({"admin"}))
        for name in ("sign_in_settings", "new_mapping", "edit_mapping", "import_mappings")
    },
    "admin.export_mappings": Rule(get=only({"admin"})),
    # Importing a register of EIAs (historical records, people added inactive): admins.
    **{
        f"admin.{name}": Rule(get=only({"admin"}), post=only({"admin"}))
        for name in ("import_register", "import_columns", "import_check")
    },
    "admin.delete_mapping": Rule(post=only({"admin"})),
    # Email: everyone chooses how they get reminders; administrators see and resend the
    # emails that failed; the local mailbox (embedded mode) shows each person their own
    # mail (the world's email is the owner's), administrators everyone's.
    "notifications.preferences": Rule(get=everyone, post=everyone),
    "notifications.failed": Rule(get=only({"admin"})),
    "notifications.resend": Rule(post=only({"admin"})),
    "mailbox.inbox": Rule(get=everyone),
    **{
        f"mailbox.{name}": Rule(get=lambda actor, state: actor in {"owner", "admin"} or "missing")
        for name in ("email", "email_html")
    },
    # Audit, exports and the public register: the audit trail for the Policy and Equality
    # Unit and admins; downloads need what viewing needs; the public register is open to
    # all. EIAs are published by default, so the public copy of an EIA that was approved and
    # is still in a public state is open to all; any other is "not found" to all.
    **{
        f"audit.{name}": Rule(get=only({"equality_officer", "admin"}))
        for name in ("search", "download_results")
    },
    "audit.verify": Rule(post=only({"equality_officer", "admin"})),
    "exports.register_download": Rule(get=everyone),
    "exports.eia_json": Rule(get=only(VIEWERS), per_eia=True),
    "exports.eia_pdf": Rule(get=only(VIEWERS), per_eia=True),
    "exports.eia_docx": Rule(get=only(VIEWERS), per_eia=True),
    "public.register": Rule(get=everyone, public=True),
    "public.register_download": Rule(get=everyone, public=True),
    **{
        f"public.{name}": Rule(
            get=lambda actor, state: state in EVER_PUBLISHED or "missing", per_eia=True, public=True
        )
        for name in ("eia_page", "eia_pdf")
    },
    # The Policy and Equality Unit's dashboard: equality officers and administrators only.
    **{
        f"dashboard.{name}": Rule(get=only({"equality_officer", "admin"}))
        for name in ("index", "drilldown", "cumulative")
    },
    # Its two questions and the annual equality report: the same people.
    **{
        f"reports.{name}": Rule(get=only({"equality_officer", "admin"}))
        for name in ("late_signoff", "groups", "annual", "annual_list")
    },
    # The pan-London practice standard: its open data for all; the comparison for the same.
    **{
        f"benchmarks.{name}": Rule(get=everyone, public=True)
        for name in ("feed", "public_key", "schema")
    },
    **{
        f"benchmarks.{name}": Rule(get=only({"equality_officer", "admin"}))
        for name in ("index", "download")
    },
    **{
        f"benchmarks.{name}": Rule(post=only({"equality_officer", "admin"}))
        for name in ("add_council", "refresh")
    },
}


def _expectation(rule: Rule, method: str, actor: str, state: str | None):
    check = rule.get if method == "GET" else rule.post
    if actor == "anonymous" and not rule.public:
        return "sign-in"
    # (public routes: anonymous people get what the rule says too, e.g. "missing" for the
    # public copy of an EIA that is not published; added with the public register)
    verdict = check(actor, state)
    if verdict == "missing":
        return "missing"
    return "allowed" if verdict else "forbidden"


def _outcome(response) -> str:
    if response.status_code == 403:
        return "forbidden"
    if response.status_code == 404:
        return "missing"
    if response.status_code in (301, 302, 303) and "/sign-in?next=" in response.location:
        return "sign-in"
    if response.status_code >= 500:
        return f"error {response.status_code}"
    return "allowed"


def test_every_route_is_in_the_table(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if not r.endpoint.endswith("static")}
    missing = sorted(endpoints - set(RULES))
    assert missing == [], f"add these routes to RULES with who may reach them: {missing}"
    stale = sorted(set(RULES) - endpoints)
    assert stale == [], f"RULES names routes the app no longer has: {stale}"


def _cells(app, chunk: str):
    """(rule, url rule, method, state) of one chunk of the matrix: the site-wide routes, or
    the routes about one EIA for the EIA in one state. The chunks are separate tests so that
    the workers share them (as one test it took ~7 minutes on one worker)."""
    for url_rule in sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint):
        rule = RULES.get(url_rule.endpoint)
        if rule is None:
            continue  # reported by test_every_route_is_in_the_table
        methods = [
            m
            for m in ("GET", "POST")
            if m in url_rule.methods and (rule.get if m == "GET" else rule.post) is not None
        ]
        states = STATE_NAMES if rule.per_eia else (None,)
        for state in states:
            if chunk == (state or SITE_WIDE):
                for method in methods:
                    yield rule, url_rule, method, state


SITE_WIDE = "site-wide"
CHUNKS = (SITE_WIDE, *STATE_NAMES)


def test_the_matrix_covers_every_route_for_every_actor(app):
    sizes = {chunk: len(list(_cells(app, chunk))) * len(ACTORS) for chunk in CHUNKS}
    assert all(sizes.values()), sizes
    assert sum(sizes.values()) > 1000


@pytest.mark.parametrize("chunk", CHUNKS)
def test_permission_matrix(app, make, db, connection, chunk):
    world = World(make, db)
    health.record_beat(db, health.HEARTBEAT)  # a scheduler running: /readyz answers 200
    mismatches, cells = [], 0
    for rule, url_rule, method, state in _cells(app, chunk):
        with app.test_request_context():
            from flask import url_for

            url = url_for(url_rule.endpoint, **world.values(url_rule, state or "draft"))
        for actor in ACTORS:
            cells += 1
            expected = _expectation(rule, method, actor, state)
            got = _request(app, connection, world, actor, method, url)
            if got != expected:
                mismatches.append(
                    f"{method} {url} as {actor}"
                    f"{f' ({state})' if state else ''}: "
                    f"expected {expected}, got {got}"
                )
    assert cells > 0
    assert mismatches == [], f"{len(mismatches)} of {cells} cells differ:\n" + "\n".join(mismatches)


def _request(app, connection, world, actor, method, url) -> str:
    client = app.test_client()
    if actor != "anonymous":
        sign_in(client, world.people[actor])
    savepoint = connection.begin_nested()
    try:
        response = client.get(url) if method == "GET" else client.post(url, data={})
        return _outcome(response)
    finally:
        if savepoint.is_active:
            savepoint.rollback()


@pytest.mark.parametrize("actor", ["owner", "equality_officer"])
def test_the_matrix_can_fail(app, make, db, connection, actor):
    """The harness tells allowed from forbidden (so the matrix cannot pass vacuously)."""
    world = World(make, db)
    reference = world.eias["draft"].reference
    got = _request(app, connection, world, actor, "POST", f"/eias/{reference}/proposal")
    assert got == ("allowed" if actor == "owner" else "forbidden")
    assert _request(app, connection, world, "anonymous", "GET", "/") == "sign-in"


def test_session_on_is_what_the_app_uses(app, connection):
    """The matrix rolls back each cell on this connection; the app must write through it."""
    assert app.config["SESSION_FACTORY"]().bind is session_on(connection).bind

"""Every POST route of the app, real URLs for it, and the forms on the pages that post to it:
what the form fuzzing (tests/test_forms_fuzz.py), the error summaries' crawl
(tests/test_error_summaries.py) and the single-line fields' check
(tests/test_single_line_fields.py) walk through.

1. every URL rule of the app that accepts POST (``POST_RULES``, found in ``app.url_map``
   when this module is imported);
2. ``concrete_urls``: its arguments get real values: an EIA ``reference`` in each state of
   the lifecycle (and one that does not exist), ids of real rows for ``*_id``/``id``/
   ``number`` (a row of the EIA for tables with an ``eia_id``), characteristic keys for
   ``key``/``characteristic``, lifecycle events for ``event``, section names for ``section``;
3. ``discover``: the rule's own page (and the pages above it in the URL, whose buttons may
   post to it) is fetched as each person of the ``World`` (the officer who owns the EIAs, an
   approver, an equality officer, an administrator, no one), and the fields of the forms
   that post to the rule are read with BeautifulSoup (``read_forms``).
"""

import contextlib
import itertools
import tempfile
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup
from sqlmodel import SQLModel, select
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter, Rule

from eia import operations as ops
from eia.models import Characteristic, ClaimMapping, Eia
from workflows.lifecycle import EVENTS
from workflows.lifecycle import SECTIONS as SECTION_NAMES

from ..factories import PATHS
from .people import sign_in

# Statuses a form may answer with. 429: the sign-in page's lock-out after many failures.
ALLOWED = {200, 302, 303, 400, 403, 404, 405, 409, 422, 429}
MISSING_ID = 987654
MISSING_REFERENCE = "EIA-NONE-0000"
MAX_URLS_PER_RULE = 30
PROBED_URLS = 12  # URLs whose pages are fetched to read the forms
MAX_PAGES_FETCHED = 150
IDENTITIES = ("owner", "approver", "equality", "admin", "anonymous")


# --- the rules, found when this module is collected -----------------------------------------


def _app_for_enumeration():
    from eia import create_app

    with tempfile.TemporaryDirectory() as instance, pytest.MonkeyPatch.context() as env:
        env.setenv("EIA_INSTANCE_PATH", instance)
        return create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "enumeration",
                "DATABASE_URL": f"sqlite:///{instance}/unused.db",
                "CELERY_BROKER_URL": "memory://",
                "CELERY_RESULT_BACKEND": "cache+memory://",
            }
        )


def post_rules(app) -> list[tuple[str, str]]:
    return sorted({(r.rule, r.endpoint) for r in app.url_map.iter_rules() if "POST" in r.methods})


POST_RULES = post_rules(_app_for_enumeration())

# --- the world the forms act on --------------------------------------------------------------


@dataclass
class World:
    people: dict  # identity -> User (no "anonymous")
    eias: list[Eia] = field(default_factory=list)  # one per state, a revised one


def build_world(make, db, *, with_eias: bool) -> World:
    owner = make.user("officer", name="Olive Owner")
    approver = make.user("approver", directorate=owner.service.directorate, name="Abe Approver")
    people = {
        "owner": owner,
        "approver": approver,
        "equality": make.user("equality_officer", name="Eve Equality"),
        "admin": make.user("admin", name="Ada Admin"),
    }
    make.user("officer", name="Vic Victim")  # a user the admin forms may change freely
    # A sign-in mapping (Manage > Sign-in) for its change and remove forms.
    db.add(
        ClaimMapping(
            kind="app_role", value="EIA.Fuzzed", role="officer", service_id=owner.service_id
        )
    )
    # A register uploaded to be imported (Manage > Import a register), for its column and
    # dry-run forms: a clean row in the owner's service, so the dry run offers the import.
    from eia.imports import register, uploads
    from tests.support.registers import as_csv, row

    content = as_csv(
        [
            row(
                "FUZZ-1",
                owner.service.directorate.name,
                owner.service.name,
                lead_officer="Olive Owner",
            )
        ]
    )
    table = register.read("register.csv", content)
    upload = uploads.keep(db, people["admin"], "register.csv", content, table)
    uploads.set_mapping(db, upload, register.guess_mapping(table.columns))
    world = World(people)
    if not with_eias:
        db.flush()
        return world
    for state in PATHS:
        world.eias.append(make.eia(state, owner=owner, approver=approver, title=f"Fuzzed {state}"))
    with _attempt(db):  # version 2: revised after its review came round
        revised = make.eia("under_review", owner=owner, approver=approver, title="Revised")
        ops.transition(db, revised, "revise", owner, review_notes="Revised for the fuzzing.")
        world.eias.append(revised)
    # Rows for the child-row forms (engagement records, actions, intersectional impacts).
    open_eia = next(e for e in world.eias if e.status == "full_assessment")
    chars = make.characteristics()
    with _attempt(db):
        ops.add_engagement(
            db,
            open_eia,
            owner,
            {
                "who": "Residents",
                "method": "Survey",
                "what_they_said": "Keep the crossing.",
                "what_changed": "Kept the crossing.",
            },
        )
    with _attempt(db):
        ops.save_action(db, open_eia, owner, {"description": "Publish an easy read summary."})
    with _attempt(db):
        ops.save_intersectional(
            db,
            open_eia,
            owner,
            {"description": "Older disabled people."},
            [chars[0].id, chars[1].id],
        )
    db.flush()
    return world


@contextlib.contextmanager
def _attempt(db):
    """Try to add a row the fuzzing can use; the operations' signatures may change, and a
    refusal only means one fewer row."""
    savepoint = db.begin_nested()
    try:
        yield
        savepoint.commit()
    except Exception:  # noqa: BLE001
        savepoint.rollback()


# --- concrete URLs for a rule ------------------------------------------------------------------


def _tables_for(argument: str, rule: Rule) -> list[sa.Table]:
    """The tables an id argument names: ``action_id`` -> action_item; ``impact_id`` under
    /intersectional/ -> intersectional_impact rather than impact_assessment."""
    stem = argument[:-3] if argument.endswith("_id") else argument
    segments = {s.replace("-", "_") for s in rule.rule.split("/") if s and "<" not in s}
    scored = []
    for table in SQLModel.metadata.sorted_tables:
        if "id" not in table.c:  # association tables
            continue
        parts = table.name.split("_")
        if stem == "id":
            score = 1 if any(p in segments for p in parts) else 0
        else:
            score = 2 * (stem in parts or table.name == stem) + sum(p in segments for p in parts)
            score = score if (stem in parts or table.name == stem) else 0
        if score:
            scored.append((score, table))
    best = max((s for s, _ in scored), default=0)
    return [t for s, t in scored if s == best]


def _ids(db, argument: str, rule: Rule, eia: Eia | None, world: World) -> list[int]:
    if argument == "number":
        if eia is None:
            return [1, MISSING_ID]
        return list(
            db.execute(
                sa.text("SELECT version FROM eia_version WHERE eia_id = :e").bindparams(e=eia.id)
            ).scalars()
        ) + [MISSING_ID]
    actors = {u.id for u in world.people.values()}
    found: list[int] = []
    for table in _tables_for(argument, rule):
        query = sa.select(table.c.id).order_by(table.c.id.desc())
        if eia is not None and "eia_id" in table.c:
            query = query.where(table.c.eia_id == eia.id)
        ids = [
            i
            for i in db.execute(query.limit(20)).scalars()
            if not (table.name == "app_user" and i in actors)
        ]
        found += ids[:3]
    return found + [MISSING_ID]


def _strings(db, argument: str, eia: Eia | None) -> list[str]:
    keys = list(
        db.exec(
            select(Characteristic.key)
            .where(Characteristic.active)
            .order_by(Characteristic.position)
        ).all()
    )
    if eia is not None:  # the EIA's relevant characteristics first
        relevant = [
            a.characteristic.key for a in eia.screening_answers if a.relevance != "not_relevant"
        ]
        keys = relevant + [k for k in keys if k not in relevant]
    if argument in ("key", "characteristic", "characteristic_key"):
        return keys[:4] + ["no-such-characteristic"]
    if argument == "event":
        return list(EVENTS) + ["no-such-event"]
    if argument == "section":
        return list(SECTION_NAMES) + ["no-such-section"]
    return list(SECTION_NAMES)[:3] + list(EVENTS)[:3] + keys[:2] + ["nonsense"]


def concrete_urls(app, db, rule: Rule, world: World) -> list[str]:
    """URLs for ``rule`` built from real values: each EIA (every state) with values for its
    other arguments that fit it, spread so every EIA is used; at most MAX_URLS_PER_RULE."""
    arguments = sorted(rule.arguments)
    eias = world.eias + [None] if "reference" in arguments else [None]
    per_eia = []
    for eia in eias:
        choices = []
        for argument in arguments:
            if argument == "reference":
                choices.append([eia.reference if eia is not None else MISSING_REFERENCE])
            elif (
                isinstance(rule._converters.get(argument), IntegerConverter)
                or argument == "id"
                or argument.endswith("_id")
            ):
                choices.append(_ids(db, argument, rule, eia, world))
            else:
                choices.append(_strings(db, argument, eia))
        combos = list(itertools.product(*choices))
        start = len(per_eia) % max(len(combos), 1)  # each EIA starts at a different value
        per_eia.append(combos[start:] + combos[:start])
    picked = []
    for round_ in itertools.zip_longest(*per_eia):  # round robin over the EIAs
        picked += [combo for combo in round_ if combo is not None]
    urls = []
    with app.test_request_context():
        adapter = app.url_map.bind("localhost")
        for combo in picked[:MAX_URLS_PER_RULE]:
            urls.append(
                adapter.build(
                    rule.endpoint, dict(zip(arguments, combo, strict=True)), method="POST"
                )
            )
    return list(dict.fromkeys(urls))


# --- reading forms -------------------------------------------------------------------------


@dataclass
class FormField:
    kind: str
    options: set = field(default_factory=set)
    defaults: list = field(default_factory=list)
    count: int = 0


def read_forms(
    html: bytes, page_url: str, app, endpoint: str
) -> tuple[dict[str, FormField], list[tuple[str, list]], set[str]]:
    """The fields of the page's POST forms that submit to ``endpoint``; each such form's
    action and data as a browser would send it unchanged; and every URL (form action or
    link) on the page that reaches ``endpoint``."""
    soup = BeautifulSoup(html, "html.parser")
    adapter = app.url_map.bind("localhost")
    fields: dict[str, FormField] = {}
    submissions, urls = [], set()

    def target(url: str) -> str | None:
        parts = urlsplit(urljoin(page_url, url))
        if parts.netloc not in ("", "localhost"):
            return None
        try:
            matched, _ = adapter.match(parts.path, method="POST")
        except HTTPException:
            return None
        return (
            parts.path + (f"?{parts.query}" if parts.query else "") if matched == endpoint else None
        )

    for link in soup.find_all("a", href=True):
        if (url := target(link["href"])) is not None:
            urls.add(url)
    for form in soup.find_all("form"):
        if (form.get("method") or "get").lower() != "post":
            continue
        if (url := target(form.get("action") or page_url)) is None:
            continue
        urls.add(url)
        submission = []
        for element in form.find_all(["input", "select", "textarea", "button"]):
            name = element.get("name")
            if not name:
                continue
            tag = element.name
            kind = (
                (element.get("type") or ("submit" if tag == "button" else "text")).lower()
                if tag in ("input", "button")
                else tag
            )
            f = fields.setdefault(name, FormField(kind))
            f.count += 1
            if tag == "select":
                options = [o.get("value", o.get_text()) for o in element.find_all("option")]
                f.options.update(options)
                chosen = [
                    o.get("value", o.get_text())
                    for o in element.find_all("option")
                    if o.has_attr("selected")
                ] or options[:1]
                submission += [(name, v) for v in chosen]
            elif tag == "textarea":
                f.defaults.append(element.get_text())
                submission.append((name, element.get_text()))
            elif kind in ("radio", "checkbox"):
                f.options.add(element.get("value", "on"))
                if element.has_attr("checked"):
                    submission.append((name, element.get("value", "on")))
            elif kind in ("submit", "image"):
                f.options.add(element.get("value", ""))
            else:
                f.defaults.append(element.get("value", ""))
                submission.append((name, element.get("value", "")))
        submissions.append((url, submission))
    return fields, submissions, urls


def client_as(app, world: World, identity: str):
    client = app.test_client()
    if identity != "anonymous":
        sign_in(client, world.people[identity])
    return client


def check(response, what: str) -> int:
    status = response.status_code
    assert status < 500 and status in ALLOWED, (
        f"{what} answered {status}: {response.get_data(as_text=True)[:800]}"
    )
    return status


@dataclass
class Discovered:
    """What reading the pages found for a rule: the fields of its forms (the strategy for
    random data), where to post and as whom, and the forms as a browser would send them."""

    fields: dict[str, FormField]
    targets: list[tuple[str, str]]  # (url, identity) the pages' forms and links post to
    outsiders: list[tuple[str, str]]  # (url, identity) no page offered that person
    baseline: list[tuple[str, str, list]]  # (url, identity, pairs): forms sent unchanged
    forms_seen: int


def discover(app, rule: Rule, world: World, urls: list[str], coverage: dict) -> Discovered:
    """Fetch the rule's own page (and the pages above it in the URL, whose buttons may post
    to it) as each person, then the pages their links and forms lead to (one level), and
    read the forms that post to the rule."""
    pages = [
        r
        for r in app.url_map.iter_rules()
        if "GET" in r.methods
        and r.arguments <= rule.arguments
        and rule.rule.startswith(r.rule)
        and not r.endpoint.endswith("static")
        and (r.rule != "/" or not rule.arguments)
    ]
    fields: dict[str, FormField] = {}
    targets: list[tuple[str, str]] = []
    seen_targets = set()
    queue = []
    for url in urls[:PROBED_URLS]:
        values = dict(zip(sorted(rule.arguments), arguments_of(app, url, rule), strict=True))
        for page_rule in pages:
            with app.test_request_context():
                page_url = app.url_map.bind("localhost").build(
                    page_rule.endpoint, {k: values[k] for k in page_rule.arguments}
                )
            # Its own page as everyone; the pages above it as those likeliest to have forms.
            for identity in IDENTITIES if page_rule is rule else ("owner", "admin"):
                queue.append((page_url, identity, page_rule is not rule))
    # When those show no form for it (an event's button on the task list, a comment box on a
    # section's page), look on its sibling pages too: same first path segment, no other
    # arguments; for one URL per EIA.
    siblings = [
        r
        for r in app.url_map.iter_rules()
        if "GET" in r.methods
        and r.arguments <= rule.arguments
        and r not in pages
        and r.rule.split("/")[1:2] == rule.rule.split("/")[1:2]
        and not r.endpoint.endswith("static")
    ]
    later = []
    for url in urls[: len(world.eias) + 1]:
        values = dict(zip(sorted(rule.arguments), arguments_of(app, url, rule), strict=True))
        for page_rule in siblings:
            with app.test_request_context():
                page_url = app.url_map.bind("localhost").build(
                    page_rule.endpoint, {k: values[k] for k in page_rule.arguments}
                )
            later += [(page_url, identity, True) for identity in ("owner", "admin")]
    fetched, baseline, forms_seen = set(), [], 0
    while (queue or (later and not forms_seen)) and len(fetched) < MAX_PAGES_FETCHED:
        if not queue:
            queue, later = later, []
        page_url, identity, follow = queue.pop(0)
        if (page_url, identity) in fetched:
            continue
        fetched.add((page_url, identity))
        response = client_as(app, world, identity).get(page_url)
        check(response, f"GET {page_url} as {identity}")
        if response.status_code != 200 or "html" not in response.content_type:
            continue
        found, submissions, found_urls = read_forms(response.data, page_url, app, rule.endpoint)
        if found_urls:
            coverage["form_pages"].add(page_url)
        forms_seen += len(submissions)
        coverage["forms"] += len(submissions)
        for name, f in found.items():
            mine = fields.setdefault(name, FormField(f.kind))
            mine.options |= f.options
            mine.defaults += f.defaults
            mine.count = max(mine.count, f.count)
        if endpoint_of(app, page_url, "GET") == rule.endpoint:
            found_urls = found_urls | {page_url}
        for target_url in found_urls:
            if (target_url, identity) not in seen_targets:
                seen_targets.add((target_url, identity))
                targets.append((target_url, identity))
            if follow and "GET" in rule.methods:  # its own page, reached as people reach it
                queue.insert(0, (target_url, identity, False))
        baseline += [(action, identity, pairs) for action, pairs in submissions[:2]]
    outsiders = [
        (url, identity)
        for url in urls[:3]
        for identity in IDENTITIES
        if (url, identity) not in seen_targets
    ]
    if not targets:  # no page shows a form for it (or none could be read): post anyway
        targets, outsiders = [(url, i) for url in urls for i in IDENTITIES], []
    coverage["fields"] |= set(fields)
    return Discovered(fields, targets, outsiders, baseline, forms_seen)


def endpoint_of(app, url: str, method: str) -> str | None:
    try:
        endpoint, _ = app.url_map.bind("localhost").match(urlsplit(url).path, method=method)
    except HTTPException:
        return None
    return endpoint


def arguments_of(app, url: str, rule: Rule) -> list:
    _, values = app.url_map.bind("localhost").match(urlsplit(url).path, method="POST")
    return [values[k] for k in sorted(rule.arguments)]

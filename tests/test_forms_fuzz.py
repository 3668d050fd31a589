"""Random data posted to every form of the app never makes a 500.

Generic, so forms added later are covered with no change here:

1. every URL rule of the app that accepts POST is a test case (found in ``app.url_map`` when
   this module is collected; the run fails if there are none, rather than passing vacuously);
2. its arguments get real values: an EIA ``reference`` in each state of the lifecycle (and
   one that does not exist), ids of real rows for ``*_id``/``id``/``number`` (a row of the
   EIA for tables with an ``eia_id``), characteristic keys for ``key``/``characteristic``,
   lifecycle events for ``event``, section names for ``section``; plus the URLs that links and
   form actions on the pages actually point at;
3. the rule's own page (and the pages above it in the URL, whose buttons may post to it) is
   fetched as each person (the officer who owns the EIAs, an approver, an equality officer,
   an administrator, no one), and the fields of the forms that post to the rule are read with
   BeautifulSoup (inputs, selects, radios, checkboxes, textareas, named buttons);
4. each form is posted as the browser would send it, and empty; then Hypothesis posts
   dictionaries where each field is left out, empty, random text (any unicode, NUL, up to
   5,000 characters, markup), a random integer, or one of its own options, with a few unknown
   field names, and sometimes a body of random bytes.

Steps 1 to 3 are tests/support/formcrawl.py (the error summaries' crawl walks the same way).
Every response must be one of ``ALLOWED``. A rule whose form no page shows (so the fuzzer
could only guess its fields) fails too, unless ``NO_FORM_PAGE`` says why it has none. CSRF
is off in the ``app`` fixture, so the posts reach the real handlers. The rules covered, the
URLs and fields used and the statuses seen are written to test-artifacts/fuzzed-forms.txt.
``EIA_FUZZ_EXAMPLES`` sets the number of random posts per rule (default 10).
"""

import os
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.routing import Rule

from .support.formcrawl import (
    ALLOWED,
    POST_RULES,
    Discovered,
    FormField,
    build_world,
    check,
    client_as,
    concrete_urls,
    discover,
)
from .support.formdata import multi

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "test-artifacts" / "fuzzed-forms.txt"

EXAMPLES = int(os.environ.get("EIA_FUZZ_EXAMPLES", "10"))
MAX_PLAIN_POSTS = 30  # the forms as shown, and empty: at most this many of each per rule

# What each rule's fuzzing did, for the report written at the end of the module.
COVERAGE: dict[str, dict] = {}


@pytest.fixture(scope="module", autouse=True)
def _write_report():
    yield
    if not COVERAGE:
        return
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        f"# POST rules fuzzed: {len(COVERAGE)} of {len(POST_RULES)} found in app.url_map",
        f"# allowed statuses: {sorted(ALLOWED)}",
        "",
    ]
    for rule in sorted(COVERAGE):
        c = COVERAGE[rule]
        lines.append(
            f"POST {rule}  ({c['endpoint']}): {c['posts']} posts, statuses "
            + ", ".join(f"{s}x{n}" for s, n in sorted(c["statuses"].items()))
        )
        lines.append(
            f"    forms read: {c['forms']}; their fields: "
            f"{', '.join(sorted(c['fields'])) or '(none with a name)'}"
        )
        pages = sorted(c["form_pages"])
        lines.append(
            f"    forms/links found on {len(pages)} pages: {', '.join(pages[:8]) or '-'}"
            + (" ..." if len(pages) > 8 else "")
        )
        for url in sorted(c["urls"])[:12]:
            lines.append(f"    url: {url}")
        if len(c["urls"]) > 12:
            lines.append(f"    ... and {len(c['urls']) - 12} more URLs")
    REPORT.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_enumeration_finds_the_post_rules():
    """The fuzzing cannot pass vacuously: it finds POST rules, the sign-in and sign-out
    forms among them."""
    print(
        "POST rules fuzzed:", *(f"  {rule} ({endpoint})" for rule, endpoint in POST_RULES), sep="\n"
    )
    assert POST_RULES, "app.url_map has no rule accepting POST: the enumeration is broken"
    assert {"/sign-in", "/sign-out"} <= {rule for rule, _ in POST_RULES}


# --- random form data ----------------------------------------------------------------------

NASTY = [
    "<script>alert(1)</script>",
    "\x00",
    "a\x00b",
    "' OR '1'='1",
    "%s%n%x",
    "../../etc/passwd",
    "-1",
    "0",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "true",
    "null",
    "[]",
    "{}",
    "2026-02-30",
    "31 02 2026",
    "\u202eevil",
    "🦄" * 10,
    " ",
    "\r\n",
    "Ω≈ç√∫",
]

scalar = st.one_of(
    st.just(""),
    st.text(max_size=60),
    st.text(max_size=600),
    st.builds(lambda c, n: c * n, st.characters(), st.integers(1000, 5000)),  # very long
    st.sampled_from(NASTY),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)


def field_value(f: FormField):
    choices = [scalar]
    if f.options:
        choices += [st.sampled_from(sorted(f.options))] * 3  # mostly its own options
    value = st.one_of(*choices)
    if f.count > 1 or f.kind in ("checkbox", "select"):  # multi-valued (checkboxes, dates)
        return st.one_of(value, st.lists(value, min_size=0, max_size=max(f.count, 3)))
    return value


def form_data(fields: dict[str, FormField]):
    known = st.fixed_dictionaries(
        {}, optional={name: field_value(f) for name, f in sorted(fields.items())}
    )
    unknown = st.dictionaries(
        st.one_of(
            st.sampled_from(
                [
                    "unknown_field",
                    "id",
                    "eia_id",
                    "owner_id",
                    "status",
                    "reference",
                    "role",
                    "version",
                    "__proto__",
                ]
            ),
            st.text(min_size=1, max_size=30),
        ),
        scalar,
        max_size=3,
    )
    return st.builds(lambda a, b: {**b, **a}, known, unknown)


# --- the test ------------------------------------------------------------------------------

# POST rules that no page has a form for, and why. For every other rule the fuzzer's strategy
# for the fields is the form it finds on the rule's page (or a page above it or beside it);
# a new form route whose form it cannot find fails (``missing_strategy``) rather than being
# fuzzed with guesses alone.
NO_FORM_PAGE: dict[str, str] = {
    # Buttons with no field but the CSRF token, shown only in a state the fuzzing's world does
    # not have; the rules are posted to all the same (empty, and with random fields).
    "/admin/characteristics/<int:characteristic_id>/deactivate": (
        "shown only for a council's own active characteristic; the world has the statutory "
        "ten, which cannot be deactivated"
    ),
    "/admin/characteristics/<int:characteristic_id>/reactivate": (
        "shown only for a deactivated characteristic; the world has none"
    ),
    "/admin/directorates/<int:directorate_id>/delete": (
        "shown only for a directorate nothing uses; the world's are in use"
    ),
    "/benchmarking/councils/<int:council_id>/refresh": (
        "a button beside each council in the practice comparison; the fuzzing's world has none"
    ),
    "/admin/services/<int:service_id>/delete": (
        "shown only for a service nothing uses; the world's are in use"
    ),
    "/admin/users/<int:user_id>/reactivate": (
        "shown only for a deactivated person; the world has none"
    ),
    "/emails/<int:outbox_id>/resend": "shown only beside an email that failed; the world has none",
}


def missing_strategy(rule: str, found: Discovered) -> str | None:
    """Why the fuzzing of ``rule`` is blind (no form found to learn its fields from), or
    None."""
    if found.forms_seen or rule in NO_FORM_PAGE:
        return None
    return (
        f"POST {rule}: no page the fuzzer read has a form that posts to it, so it has no "
        "strategy for the rule's fields and only posted guesses. Put the form on the "
        "rule's own page or a page above it in the URL, or add the rule to NO_FORM_PAGE "
        "in tests/test_forms_fuzz.py with the reason."
    )


def _coverage(rule: Rule) -> dict:
    return COVERAGE.setdefault(
        rule.rule,
        {
            "endpoint": rule.endpoint,
            "posts": 0,
            "forms": 0,
            "statuses": Counter(),
            "fields": set(),
            "form_pages": set(),
            "urls": set(),
        },
    )


@pytest.mark.slow  # every form of the rule, as everyone, then Hypothesis
@pytest.mark.parametrize(
    "rule_endpoint", POST_RULES or [None], ids=lambda r: f"POST {r[0]}" if r else "no-post-rules"
)
def test_random_posts_never_make_a_500(rule_endpoint, app, make, db):
    assert rule_endpoint is not None, "app.url_map has no rule accepting POST"
    rule = next(r for r in app.url_map.iter_rules() if (r.rule, r.endpoint) == rule_endpoint)
    world = build_world(make, db, with_eias="reference" in rule.arguments)
    urls = concrete_urls(app, db, rule, world)
    coverage = _coverage(rule)
    found = discover(app, rule, world, urls, coverage)

    def post(url, identity, data, what):
        if isinstance(data, bytes):  # a body of random bytes, sent as a form would be
            response = client_as(app, world, identity).post(
                url, data=data, content_type="application/x-www-form-urlencoded"
            )
        else:
            response = client_as(app, world, identity).post(url, data=data)
        status = check(response, f"POST {url} as {identity} with {what}")
        coverage["posts"] += 1
        coverage["statuses"][status] += 1
        coverage["urls"].add(url)

    # The forms as a browser sends them unchanged, and empty.
    for url, identity, pairs in found.baseline[:MAX_PLAIN_POSTS]:
        post(url, identity, multi(pairs), "the form as shown")
    for url, identity in (found.targets + found.outsiders)[:MAX_PLAIN_POSTS]:
        post(url, identity, {}, "nothing")

    # Mostly as the people the page served, sometimes as people it would not have.
    target = st.sampled_from(found.targets)
    if found.outsiders:
        target = st.one_of(target, target, target, st.sampled_from(found.outsiders))

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        print_blob=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        target=target,
        body=st.one_of(
            form_data(found.fields),
            form_data(found.fields),
            form_data(found.fields),
            st.binary(max_size=300),
        ),
    )
    def random_post(target, body):
        url, identity = target
        post(url, identity, body, f"{body!r:.300}")

    random_post()
    problem = missing_strategy(rule.rule, found)
    assert problem is None, problem


@pytest.mark.slow  # crawls the pages for two rules
def test_a_new_form_route_without_a_strategy_fails(app, make, db):
    """The guard above can fail: a POST route added with no page showing its form has no
    strategy, and is reported; the sign-in form, found on its page, has one."""
    app.add_url_rule(
        "/__unread-form/<reference>",
        "unread_form",
        lambda reference: ("thanks", 200),
        methods=["POST"],
    )
    world = build_world(make, db, with_eias=True)
    results = {}
    for wanted in ("/__unread-form/<reference>", "/sign-in"):
        rule = next(r for r in app.url_map.iter_rules() if r.rule == wanted)
        coverage = {"forms": 0, "fields": set(), "form_pages": set()}
        results[wanted] = discover(
            app, rule, world, concrete_urls(app, db, rule, world)[:2], coverage
        )
    problem = missing_strategy("/__unread-form/<reference>", results["/__unread-form/<reference>"])
    assert problem is not None and "no strategy" in problem
    assert results["/__unread-form/<reference>"].targets, "it is posted to all the same"
    assert missing_strategy("/sign-in", results["/sign-in"]) is None
    assert {"email", "password"} <= set(results["/sign-in"].fields)


def test_rules_set_aside_as_having_no_form_still_exist():
    stale = set(NO_FORM_PAGE) - {rule for rule, _ in POST_RULES}
    assert not stale, f"NO_FORM_PAGE names POST rules that no longer exist: {sorted(stale)}"

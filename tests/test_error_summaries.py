"""Every error summary links each error to its field, and every field it names shows the
error beside it (issue #13, point 4), over every form of every page, like the fuzzing.

The forms are found as the form fuzzing finds them (tests/support/formcrawl.py: each POST
rule's page, fetched as each person), then posted as a person would send them wrongly:

- empty: every field the person fills in blanked, radios and checkboxes left unticked, the
  hidden fields the page carries kept;
- with "x" typed in every box (an unknown, well-formed address in an email box);
- empty but for one option of one radio group (the decision "Approve" with nothing else:
  the attestation and the late reason are then missing; "Return" with no comment; "Yes, I
  have completed this section" with the section unfinished);
- with no data at all.

The search and filter forms (GET: the EIA list, the dashboard, the audit trail, the public
register) are sent with each field blank, with nonsense and with an option no list offers.

Each page answered with an error summary must satisfy ``summary_problems``:

1. an entry that links, links to ``#id`` of a field on the page: an input, textarea or
   select (never a hidden input, a heading or a button); for radios and checkboxes, the
   first input of the group; for a date, a box of the date, the first in error if any is
   marked — or to another page of this site, where the answer is given (the check-your-
   answers page links each unfinished section to its page);
2. that field shows an inline ``govuk-error-message`` in its form group, and the message
   is announced with the field (its id is in the field's, or its fieldset's,
   ``aria-describedby``);
3. an entry that does not link is allowed only in an answer about the person (403) or the
   state of what is acted on (409), which no field on the page can fix (``UNLINKED_ALLOWED``);
   and never when its words are what a lifecycle need (an input the person gives: the
   attestation, a comment, a reason) says when it is missing — those always link to their
   input;
4. a page with inline errors has an error summary. (Not every inline error has words of
   its own in the summary: the screening page sums up a characteristic with neither answer
   in one entry, point 5 of the issue.)
"""

from datetime import date, timedelta
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from werkzeug.exceptions import HTTPException

from eia.models import utcnow
from workflows.guards import NEEDS, GuardContext

from .support.formcrawl import (
    IDENTITIES,
    POST_RULES,
    build_world,
    client_as,
    concrete_urls,
    discover,
)
from .support.formdata import multi
from .support.html import parse
from .support.people import sign_in

# Answers in which a refusal may stand without a link, and why: nothing on the page fixes it.
# (The one other unlinked kind is not crawled: an error in the address rather than a field,
# "Page must be a whole number" for a ?page= typed by hand, a 400 with no field to link to;
# tests/test_audit_pages.py checks it.)
UNLINKED_ALLOWED = {
    403: "about the person: their role, or their part in writing the EIA",
    409: "about the state of what is acted on: the EIA's state or what it lacks on other "
    "pages, a directorate or service still in use, a characteristic the law requires",
    429: "about too many attempts: nothing to correct, only to wait",
}
# The need whose input the person never sees: the page carries it (the fingerprint of what
# the decision-maker read), so a refusal of it is about the EIA having changed.
NOT_AN_INPUT = {"content_seen"}
FIELD_TAGS = ("input", "textarea", "select")
MAX_POSTS_PER_RULE = 80
MAX_VARIANTS_PER_FORM = 12


# --- the checker ---------------------------------------------------------------------------


def _text(element) -> str:
    return " ".join(element.get_text(" ").split())


def _form_group(element):
    """The outermost GOV.UK form group around a field (a date's boxes sit in inner groups
    of their own)."""
    groups = [p for p in element.parents if "govuk-form-group" in (p.get("class") or [])]
    return groups[-1] if groups else None


def _field_problem(soup, target) -> str | None:
    """Why the element an error links to is not a field showing that error, or None."""
    if target.name not in FIELD_TAGS or target.get("type") in ("hidden", "submit", "button"):
        return f"links to a <{target.name}>, not a field"
    kind = target.get("type")
    fieldset = target.find_parent("fieldset")
    if kind in ("radio", "checkbox") and fieldset is not None:
        first = fieldset.find("input", attrs={"type": kind})
        if first is not target:
            return "links to a radio or checkbox that is not the first of its group"
    if "govuk-date-input__input" in (target.get("class") or []) and fieldset is not None:
        boxes = fieldset.select("input.govuk-date-input__input")
        marked = [b for b in boxes if "govuk-input--error" in (b.get("class") or [])]
        if marked and target is not marked[0]:
            return "links to a box of the date that is not the first in error"
    group = _form_group(target)
    message = group.select_one(".govuk-error-message") if group is not None else None
    if message is None:
        return "the field shows no inline error (no govuk-error-message in its form group)"
    described = set((target.get("aria-describedby") or "").split())
    if fieldset is not None:
        described |= set((fieldset.get("aria-describedby") or "").split())
    if not message.get("id") or message["id"] not in described:
        return "the inline error is not tied to the field (aria-describedby)"
    return None


def summary_problems(
    html: bytes | str, status: int, need_messages: set[str] = frozenset()
) -> list[str]:
    """What is wrong with the page's error summary and inline errors (see the module's
    docstring); empty when all is well or there is no summary."""
    soup = BeautifulSoup(html, "html.parser")
    summaries = soup.select(".govuk-error-summary")
    inline = [_text(m).removeprefix("Error:").strip() for m in soup.select(".govuk-error-message")]
    if not summaries:
        return [f"inline errors with no error summary: {inline}"] if inline else []
    problems = []
    if len(summaries) > 1:
        problems.append(f"{len(summaries)} error summaries on one page")
    entries = [li for s in summaries for li in s.select("li")]
    if not entries:
        problems.append("an error summary with no entries (a hand-written one?)")
    for li in entries:
        words = _text(li)
        link = li.find("a", href=True)
        if link is None:
            if status not in UNLINKED_ALLOWED:
                problems.append(f"“{words}” does not link to its field (answer {status})")
            elif words in need_messages:
                problems.append(
                    f"“{words}” is about an input the person gives, but does not link to it"
                )
            continue
        href = link["href"]
        if not href.startswith("#"):
            if not (href.startswith("/") and not href.startswith("//")):
                problems.append(f"“{words}” links off the site: {href}")
            continue
        target = soup.find(id=href[1:]) if len(href) > 1 else None
        if target is None:
            problems.append(f"“{words}” links to {href}, which is not on the page")
            continue
        problem = _field_problem(soup, target)
        if problem:
            problems.append(f"“{words}” ({href}): {problem}")
    return problems


def test_the_checker_finds_what_issue_13_reports():
    """The sign-off page on main: a hand-written summary in plain text, no inline error."""
    plain = """<div class="govuk-error-summary"><h2>This decision cannot be recorded</h2>
      <ul class="govuk-error-summary__list"><li>Confirm that you have read the impacts.</li>
      </ul></div>
      <div class="govuk-form-group"><div class="govuk-checkboxes">
      <input id="attested" name="attested" type="checkbox"></div></div>"""
    need = {"Confirm that you have read the impacts."}
    assert summary_problems(plain, 409, need) == [
        "“Confirm that you have read the impacts.” is about an input the person gives, but "
        "does not link to it"
    ]
    assert summary_problems(plain, 400) == [
        "“Confirm that you have read the impacts.” does not link to its field (answer 400)"
    ]
    linked = plain.replace(
        "<li>Confirm that you have read the impacts.</li>",
        '<li><a href="#attested">Confirm</a></li>',
    )
    assert summary_problems(linked, 400) == [
        "“Confirm” (#attested): the field shows no inline error (no govuk-error-message in "
        "its form group)"
    ]
    to_heading = linked.replace('href="#attested"', 'href="#nowhere"')
    assert summary_problems(to_heading, 400) == [
        "“Confirm” links to #nowhere, which is not on the page"
    ]
    good = """<div class="govuk-error-summary"><ul class="govuk-error-summary__list">
      <li><a href="#when-month">When must include a month</a></li></ul></div>
      <div class="govuk-form-group govuk-form-group--error">
      <fieldset class="govuk-fieldset" aria-describedby="when-error">
      <p class="govuk-error-message" id="when-error"><span>Error:</span> When must include a
      month</p><div class="govuk-date-input">
      <div class="govuk-form-group"><input class="govuk-date-input__input" id="when-day"></div>
      <div class="govuk-form-group"><input class="govuk-date-input__input govuk-input--error"
       id="when-month"></div></div></fieldset></div>"""
    assert summary_problems(good, 400) == []
    assert summary_problems(good.replace('href="#when-month"', 'href="#when-day"'), 400) == [
        "“When must include a month” (#when-day): links to a box of the date that is not "
        "the first in error"
    ]


# --- the world, and the words each need says when its input is missing --------------------


def error_world(make, db, *, with_eias: bool):
    """The fuzzing's world (an EIA in each state), plus one awaiting sign-off whose decision
    date has passed, so approving it needs the late reason."""
    world = build_world(make, db, with_eias=with_eias)
    if with_eias:
        late = make.eia(
            "awaiting_sign_off",
            owner=world.people["owner"],
            approver=world.people["approver"],
            title="Late decision",
        )
        late.decision_date = date.today() - timedelta(days=3)
        db.add(late)
        db.flush()
        world.eias.append(late)
    return world


def need_messages(world) -> set[str]:
    """What every need that is a field of a form says when nothing was given for it."""
    messages = set()
    for eia in world.eias:
        for actor in world.people.values():
            ctx = GuardContext(eia=eia, actor=actor, inputs={}, now=utcnow())
            for name, (check, _) in NEEDS.items():
                if name not in NOT_AN_INPUT:
                    messages |= set(check(ctx))
    return messages


# --- posting each form wrongly -------------------------------------------------------------


def _blank(pairs, fields) -> list[tuple[str, str]]:
    """The form as shown with everything the person fills in left blank."""
    out = []
    for name, value in pairs:
        kind = fields[name].kind if name in fields else "text"
        if kind == "hidden":
            out.append((name, value))
        elif kind in ("radio", "checkbox"):
            continue
        else:
            out.append((name, ""))
    return out


def _nonsense(pairs, fields) -> list[tuple[str, str]]:
    """The form as shown with "x" in everything typed (a well-formed address nobody has in
    an email box): wrong, but not empty."""
    out = []
    for name, value in pairs:
        kind = fields[name].kind if name in fields else "text"
        if kind in ("hidden", "radio", "checkbox", "select"):
            out.append((name, value))
        else:
            out.append((name, "nobody@example.gov.uk" if kind == "email" else "x"))
    return out


def wrong_submissions(pairs, fields) -> list[tuple[str, list]]:
    """(what, data) for the ways of sending one form wrongly."""
    blank = _blank(pairs, fields)
    variants = [
        ("the form left empty", blank),
        ("nonsense typed in every box", _nonsense(pairs, fields)),
    ]
    for name, f in fields.items():
        if f.kind != "radio":
            continue
        for option in sorted(f.options):
            variants.append(
                (
                    f"empty but {name}={option}",
                    [(n, v) for n, v in blank if n != name] + [(name, option)],
                )
            )
    return variants[:MAX_VARIANTS_PER_FORM]


@pytest.mark.slow  # crawls the pages, posts every form wrongly
@pytest.mark.parametrize("rule_endpoint", POST_RULES, ids=lambda r: f"POST {r[0]}")
def test_every_error_links_to_its_field_which_shows_it(rule_endpoint, app, make, db):
    rule = next(r for r in app.url_map.iter_rules() if (r.rule, r.endpoint) == rule_endpoint)
    world = error_world(make, db, with_eias="reference" in rule.arguments)
    needs = need_messages(world)
    coverage = {"forms": 0, "fields": set(), "form_pages": set()}
    found = discover(app, rule, world, concrete_urls(app, db, rule, world), coverage)

    posts = []
    seen_forms = set()
    for url, identity, pairs in found.baseline:
        # A form of the same fields, for the same person, on another EIA (another key, another
        # section) adds nothing; the posts of nothing below still go to every URL.
        key = (identity, tuple(sorted({n for n, _ in pairs})))
        if key in seen_forms:
            continue
        seen_forms.add(key)
        posts += [
            (url, identity, what, data) for what, data in wrong_submissions(pairs, found.fields)
        ]
    posts += [(url, identity, "nothing", []) for url, identity in found.targets]

    problems, summaries = [], 0
    for url, identity, what, pairs in posts[:MAX_POSTS_PER_RULE]:
        response = client_as(app, world, identity).post(url, data=multi(pairs))
        if "html" not in response.content_type:
            continue
        summaries += b"govuk-error-summary" in response.data
        problems += [
            f"POST {url} as {identity}, {what} ({response.status_code}): {p}"
            for p in summary_problems(response.data, response.status_code, needs)
        ]
    print(
        f"{rule.rule}: {min(len(posts), MAX_POSTS_PER_RULE)} posts, "
        f"{summaries} error summaries checked"
    )
    assert not problems, "\n".join(dict.fromkeys(problems))


# --- the search and filter forms (GET) -----------------------------------------------------


def get_form_pages(app) -> list[str]:
    """Pages with no argument in their URL: the lists, searches and dashboards."""
    return sorted(
        {
            r.rule
            for r in app.url_map.iter_rules()
            if "GET" in r.methods and not r.arguments and not r.endpoint.endswith("static")
        }
    )


def get_forms(html: bytes, page_url: str) -> list[tuple[str, dict[str, tuple[str, list]]]]:
    """(action, {name: (kind, options)}) for each GET form on the page."""
    soup = BeautifulSoup(html, "html.parser")
    forms = []
    for form in soup.find_all("form"):
        if (form.get("method") or "get").lower() != "get":
            continue
        fields: dict[str, tuple[str, list]] = {}
        for element in form.find_all(["input", "select", "textarea"]):
            name = element.get("name")
            if not name:
                continue
            kind = element.get("type", "text") if element.name == "input" else element.name
            options = (
                [o.get("value", o.get_text()) for o in element.find_all("option")]
                if element.name == "select"
                else [element.get("value", "on")]
            )
            known = fields.setdefault(name, (kind, []))
            known[1].extend(options)
        forms.append((urljoin(page_url, form.get("action") or page_url), fields))
    return forms


def wrong_queries(fields: dict[str, tuple[str, list]]) -> list[tuple[str, list]]:
    """Searches sent wrongly: each field nonsense, a date that is not one, an option no list
    offers, and every field blank."""
    nonsense = []
    for name, (kind, _) in fields.items():
        if kind in ("submit", "hidden"):
            continue
        nonsense.append((name, "31" if name.endswith("-day") else "x"))
    unknown = [
        (name, "999999")
        for name, (kind, _) in fields.items()
        if kind in ("select", "radio", "checkbox")
    ]
    blank = [(name, "") for name, (kind, _) in fields.items() if kind != "submit"]
    return [
        ("nonsense in every field", nonsense),
        ("options no list offers", unknown),
        ("every field blank", blank),
    ]


@pytest.mark.slow  # every search form as everyone
def test_search_and_filter_forms_link_each_error_to_its_field(app, make, db):
    world = error_world(make, db, with_eias=True)
    problems, checked, forms = [], 0, 0
    for path in get_form_pages(app):
        for identity in IDENTITIES:
            client = client_as(app, world, identity)
            page = client.get(path)
            if page.status_code != 200 or "html" not in page.content_type:
                continue
            for action, fields in get_forms(page.data, path):
                target = urlsplit(action)
                if target.netloc not in ("", "localhost"):
                    continue
                try:
                    app.url_map.bind("localhost").match(target.path, method="GET")
                except HTTPException:
                    continue
                forms += 1
                for what, pairs in wrong_queries(fields):
                    url = f"{target.path}?{urlencode(pairs)}"
                    response = client.get(url)
                    if "html" not in response.content_type:
                        continue
                    checked += b"govuk-error-summary" in response.data
                    problems += [
                        f"GET {url} as {identity}, {what} ({response.status_code}): {p}"
                        for p in summary_problems(response.data, response.status_code)
                    ]
    assert forms, "no search or filter form was found: the crawl is broken"
    assert checked, "no search or filter form answered with an error summary"
    assert not problems, "\n".join(dict.fromkeys(problems))


# --- the cases the issue names -------------------------------------------------------------


def _summary(response) -> list[tuple[str, str | None]]:
    """(words, href or None) for each entry of the page's one error summary."""
    page = parse(response)
    summaries = page.select(".govuk-error-summary")
    assert len(summaries) == 1, f"{len(summaries)} error summaries"
    return [(_text(li), li.a["href"] if li.a else None) for li in summaries[0].select("li")]


def _inline(response, field_id: str) -> str:
    """The inline error shown with the field ``field_id``."""
    page = parse(response)
    group = _form_group(page.find(id=field_id))
    message = group.select_one(".govuk-error-message") if group is not None else None
    assert message is not None, f"#{field_id} shows no inline error"
    return _text(message).removeprefix("Error:").strip()


def _decide(client, url, **data):
    seen = parse(client.get(url)).select_one("input[name=seen]")
    return client.post(url, data={"seen": seen["value"], **data})


def test_approving_without_the_attestation_links_to_the_checkbox(client, make, db):
    """Issue #13, point 4: the summary's entry is a link to the checkbox, which says it too;
    the late reason likewise; the summary is GOV.UK's, not a hand-written one."""
    eia = make.eia("awaiting_sign_off")
    eia.decision_date = date.today() - timedelta(days=2)
    db.add(eia)
    db.commit()
    sign_in(client, make.user("approver", directorate=eia.directorate))
    url = f"/eias/{eia.reference}/sign-off"
    refused = _decide(client, url, decision="approve")
    assert refused.status_code == 409
    entries = dict(_summary(refused))
    attestation = "Confirm that you have read the impacts on each group and had regard to them."
    assert entries[attestation] == "#attested"
    assert _inline(refused, "attested") == attestation
    late = next(words for words in entries if "give the reason sign-off is late" in words)
    assert entries[late] == "#late_reason" and _inline(refused, "late_reason") == late
    assert (
        "There is a problem" in refused.text
        and "This decision cannot be recorded" not in refused.text
    )
    assert summary_problems(refused.data, refused.status_code) == []


def test_returning_without_a_comment_links_to_the_comment(client, make, db):
    eia = make.eia("awaiting_sign_off")
    sign_in(client, make.user("approver", directorate=eia.directorate))
    refused = _decide(client, f"/eias/{eia.reference}/sign-off", decision="return")
    assert _summary(refused) == [("Say what the officer needs to change.", "#comment")]
    assert _inline(refused, "comment") == "Say what the officer needs to change."


def test_refusals_about_the_person_or_the_state_are_plain_entries(client, make, db):
    """Nothing on the page fixes them, so they link nowhere; and the form the person is not
    shown is not what is wrong (no "Select approve or return" linking to a missing form)."""
    directorate = make.directorate()
    author = make.user("approver", directorate=directorate, service=make.service(directorate))
    eia = make.eia("awaiting_sign_off", owner=author)
    sign_in(client, author)
    page = client.get(f"/eias/{eia.reference}/sign-off")
    assert page.status_code == 200 and b"govuk-error-summary" not in page.data
    assert "You cannot record a decision on this EIA" in _text(parse(page))
    refused = client.post(f"/eias/{eia.reference}/sign-off", data={})
    assert refused.status_code == 403
    assert [href for _, href in _summary(refused)] == [None]
    assert "You wrote this EIA" in _summary(refused)[0][0]

    approved = make.eia("approved", owner=author)
    sign_in(client, make.user("approver", directorate=approved.directorate))
    refused = client.post(f"/eias/{approved.reference}/sign-off", data={})
    assert refused.status_code == 409
    assert _summary(refused) == [("“Approve” is not possible while the EIA is approved.", None)]


def test_screening_sent_empty_has_one_entry_per_characteristic(client, make, db):
    """Issue #13, point 5: ten short entries, not twenty; each links to the characteristic's
    first radio; both of its fields still say what is missing."""
    eia = make.eia("screening")
    sign_in(client, eia.owner)
    response = client.post(f"/eias/{eia.reference}/screening", data={})
    assert response.status_code == 400
    entries = _summary(response)
    keys = [c.key for c in make.characteristics()]
    assert [href for _, href in entries] == [f"#{key}-relevance" for key in keys]
    assert entries[0][0] == "Age: say whether the proposal is relevant, and why"
    for key in keys:
        assert _inline(response, f"{key}-relevance").startswith("Select whether")
        assert _inline(response, f"{key}-reason").startswith("Give a reason")
    assert summary_problems(response.data, 400) == []

    # A characteristic half answered keeps the one error it has, on its own field.
    data = {f"{key}-relevance": "not_relevant" for key in keys}
    data |= {f"{key}-reason": "Nobody is affected differently." for key in keys[:-1]}
    response = client.post(f"/eias/{eia.reference}/screening", data=data)
    last = make.characteristics()[-1]
    assert _summary(response) == [
        (f"Give a reason for your answer on {last.name.lower()}", f"#{last.key}-reason")
    ]


def test_every_need_names_the_input_that_gives_it():
    """One place maps a lifecycle need to its input (guards.NEED_INPUTS); the event forms
    are built from it and the sign-off form has a field of each name."""
    from forms.events import event_form
    from forms.signoff import SignOffForm
    from workflows.guards import NEED_INPUTS
    from workflows.lifecycle import TRANSITIONS

    assert set(NEED_INPUTS) == set(NEEDS)
    for row in TRANSITIONS:
        needs = tuple(n for n in row.needs if n not in NOT_AN_INPUT)
        if row.event in ("approve", "return"):
            fields = {name for name, _ in SignOffForm.__dict__.items()}
            assert {NEED_INPUTS[n] for n in row.needs} <= fields, row
        else:
            form = event_form(row.event, needs, row.label)
            assert form.input_names == tuple(NEED_INPUTS[n] for n in needs), row


def test_a_refused_event_shows_each_need_on_its_field(app):
    """The event pages: a reason a need gave links to its field and is shown there; the
    others stand as words."""
    from eia.web.journey.editing import transition_errors
    from forms.events import event_form
    from workflows import TransitionRefused

    with app.test_request_context(method="POST", data={}):
        form = event_form("confirm_review", ("review_notes", "next_review_date"), "Confirm")()
        refused = TransitionRefused(
            "confirm_review",
            [
                "Only an approver for the EIA's directorate can do this.",
                "Write your review notes.",
                "Give the date of the next review.",
            ],
            needs={
                "review_notes": ["Write your review notes."],
                "next_review_date": ["Give the date of the next review."],
            },
        )
        assert transition_errors(refused, form) == [
            {"text": "Only an approver for the EIA's directorate can do this."},
            {"text": "Write your review notes.", "href": "#review_notes"},
            {"text": "Give the date of the next review.", "href": "#next_review_date-day"},
        ]
        assert form.review_notes.errors == ["Write your review notes."]
        assert form.next_review_date.errors == ["Give the date of the next review."]


def test_a_refused_event_names_the_needs_it_lacks(make, db):
    from eia import operations
    from workflows import TransitionRefused

    eia = make.eia("awaiting_sign_off")
    approver = make.user("approver", directorate=eia.directorate)
    with pytest.raises(TransitionRefused) as refused:
        operations.transition(db, eia, "return", approver, comment="  ")
    assert refused.value.needs == {"comment": ["Say what the officer needs to change."]}

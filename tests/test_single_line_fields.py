"""Every single-line field refuses line breaks, tabs and other control characters, with a
GOV.UK error that says what to do, and nothing is saved.

A line break saved in a title (or a name) used to stop every email about that EIA being
built ("Header values may not contain linefeed"). Two walks make sure no single-line field
is missed, now or when one is added:

1. every WTForms form class the product defines (the ``forms`` package and the web pages'
   own forms): each field that draws a one-line box (a ``StringField`` that is not a
   textarea) is checked on its own with each control character;
2. like the forms fuzzer, every POST rule of the app: its pages are read as each person,
   and each one-line box (``<input type=text|email|search|...>``) of each form posting to it
   is sent, the rest of the form as shown, with a line break in it: the answer must be the
   page again with the error, and the text must be found nowhere in the database.
"""

import importlib
import pkgutil

import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup
from sqlmodel import SQLModel
from werkzeug.datastructures import MultiDict
from wtforms import Form, HiddenField, StringField, TextAreaField

import forms
from forms.auth import SignInForm

from .support import formcrawl
from .support.formdata import multi

# Characters no one-line answer may hold: line breaks of every kind str.splitlines knows
# (the email package splits headers with it), tab, NUL, escape, DEL and a C1 control.
CONTROL = [
    "\n",
    "\r\n",
    "\r",
    "\x0b",
    "\x0c",
    "\x1c",
    "\x85",
    "\u2028",
    "\u2029",
    "\t",
    "\x00",
    "\x1b",
    "\x7f",
    "\x9b",
]
# Text that must still be accepted: accents, dashes, emoji, right-to-left marks, joiners.
FINE = ["Café – “Ωmega” 🦄", "Budget 2027/28", "\u202eevil", "👩\u200d👩\u200d👧", "a  b"]

# Single-line fields deliberately without the check, and why.
EXEMPT = {
    (SignInForm, "password"): "a secret compared with its hash, never shown or emailed; "
    "refusing characters here could lock out a password set "
    "before the check existed",
}


def _form_classes() -> list[type[Form]]:
    for module in pkgutil.iter_modules(forms.__path__):
        importlib.import_module(f"forms.{module.name}")
    importlib.import_module("eia.web")  # the pages' own small forms
    found, todo = [], [Form]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith(("forms.", "eia.")):
                found.append(sub)
    return found


def _single_line_fields(cls) -> list[tuple[str, object]]:
    """The class's one-line text fields (unbound)."""
    fields = []
    for name in dir(cls):
        unbound = getattr(cls, name, None)
        field_class = getattr(unbound, "field_class", None)
        if (
            isinstance(field_class, type)
            and issubclass(field_class, StringField)
            and not issubclass(field_class, TextAreaField | HiddenField)
        ):
            fields.append((name, unbound))
    return fields


def _check_alone(name: str, unbound, value: str) -> list[str]:
    """Validate ``value`` in the field on its own (a form of just that field)."""
    single = type("JustOneField", (Form,), {name: unbound, "is_save_for_later": lambda self: False})
    form = single(MultiDict({name: value}))
    form.validate()
    return getattr(form, name).errors


FORM_CLASSES = _form_classes()
ALL_FIELDS = [
    (cls, name, unbound) for cls in FORM_CLASSES for name, unbound in _single_line_fields(cls)
]
CASES = [(cls, name, unbound) for cls, name, unbound in ALL_FIELDS if (cls, name) not in EXEMPT]


def test_the_walk_finds_the_single_line_fields():
    names = {(cls.__name__, name) for cls, name, _ in ALL_FIELDS}
    assert {
        ("ProposalForm", "title"),
        ("ProposalForm", "decision_maker"),
        ("ProposalForm", "decision_round"),
        ("NewEiaForm", "title"),
        ("EngagementForm", "who"),
        ("EngagementForm", "method"),
        ("NewUserForm", "name"),
        ("NewUserForm", "email"),
        ("DirectorateForm", "name"),
        ("ServiceForm", "name"),
        ("CharacteristicForm", "name"),
        ("AuditSearchForm", "person"),
        ("PublicSearchForm", "q"),
    } <= names
    assert ("ProposalForm", "summary") not in names  # a textarea: line breaks are welcome


@pytest.mark.parametrize(
    "cls, name, unbound", CASES, ids=[f"{c.__name__}.{n}" for c, n, _ in CASES]
)
def test_every_single_line_field_refuses_control_characters(app, cls, name, unbound):
    with app.test_request_context():
        for ch in CONTROL:
            errors = _check_alone(name, unbound, f"Line one{ch}line two")
            assert errors, f"{cls.__name__}.{name} accepted {ch!r}"
            assert len(errors) == 1 and (
                "must be on one line: remove any line breaks or tabs" in errors[0]
                or "invisible character that cannot be used: type it again" in errors[0]
            ), errors
        for text in FINE:
            assert not any(
                "one line" in e or "invisible" in e for e in _check_alone(name, unbound, text)
            ), (cls, name, text)


def test_the_messages_say_what_to_do(app):
    from forms.proposal import ProposalForm

    with app.test_request_context():
        assert _check_alone("title", ProposalForm.title, "School\nStreets") == [
            "Title must be on one line: remove any line breaks or tabs"
        ]
        assert _check_alone("decision_maker", ProposalForm.decision_maker, "Exec\x1butive") == [
            "Decision maker contains an invisible character that cannot be used: type it "
            "again rather than pasting it"
        ]


def test_the_exemptions_still_exist_and_accept_what_was_set_before(app):
    stale = [key for key in EXEMPT if key not in {(c, n) for c, n, _ in ALL_FIELDS}]
    assert not stale, f"EXEMPT names fields that no longer exist: {stale}"
    with app.test_request_context():
        assert _check_alone("password", SignInForm.password, "old\tpassword") == []


# --- through the pages, as a browser posts -------------------------------------------------

MARKER = "Zqx line one"
BROKEN = MARKER + "\nZqx line two"
ONE_LINE_INPUTS = {"text", "email", "search", "tel", "url", "password"}
# Inputs of this kind whose refusal is a different page (the password of the sign-in form
# is exempt above).
NOT_REFUSED = {("/sign-in", "password")}


def _stored_anywhere(db, needle: str) -> list[str]:
    """Every table and column holding ``needle`` (text and JSON columns)."""
    found = []
    for table in SQLModel.metadata.sorted_tables:
        for column in table.c:
            if not isinstance(column.type, sa.String | sa.Text | sa.JSON):
                continue
            as_text = sa.cast(column, sa.Text) if isinstance(column.type, sa.JSON) else column
            hit = db.execute(
                sa.select(sa.func.count()).select_from(table).where(as_text.contains(needle))
            ).scalar_one()
            if hit:
                found.append(f"{table.name}.{column.name}")
    return found


class _PagesOnce:
    """The fuzzer's client, fetching each page once per person: every post below is
    refused, so no page changes between rules."""

    def __init__(self, make_client):
        self.make_client = make_client
        self.pages = {}

    def __call__(self, app, world, identity):
        client = self.make_client(app, world, identity)
        pages = self.pages

        class Cached:
            def get(self, url):
                if (identity, url) not in pages:
                    pages[(identity, url)] = client.get(url)
                return pages[(identity, url)]

            def post(self, *args, **kwargs):
                return client.post(*args, **kwargs)

        return Cached()


@pytest.mark.slow  # crawls every POST rule
def test_each_pages_one_line_boxes_refuse_a_line_break(app, make, db, monkeypatch):
    """One world for every rule: each post below is refused, so none changes it."""
    monkeypatch.setattr(formcrawl, "client_as", _PagesOnce(formcrawl.client_as))
    world = formcrawl.build_world(make, db, with_eias=True)
    tried: dict[str, int] = {}
    for rule_text, endpoint in formcrawl.POST_RULES:
        rule = next(
            r for r in app.url_map.iter_rules() if (r.rule, r.endpoint) == (rule_text, endpoint)
        )
        urls = formcrawl.concrete_urls(app, db, rule, world)
        coverage = {"forms": 0, "fields": set(), "form_pages": set()}
        found = formcrawl.discover(app, rule, world, urls, coverage)
        for url, identity, pairs in found.baseline:
            names = [
                n
                for n, _ in pairs
                if found.fields.get(n)
                and found.fields[n].kind in ONE_LINE_INPUTS
                and (rule.rule, n) not in NOT_REFUSED
            ]
            for name in dict.fromkeys(names):
                _post_refused(app, world, url, identity, pairs, name, found.fields[name])
                tried[rule.rule] = tried.get(rule.rule, 0) + 1
    print(
        "One-line boxes refused a line break:",
        *(f"  {rule}: {n}" for rule, n in sorted(tried.items())),
        sep="\n",
    )
    assert {
        "/eias/new",
        "/eias/<reference>/proposal",
        "/eias/<reference>/engagement/new",
        "/admin/users/new",
        "/admin/directorates/new",
        "/sign-in",
    } <= set(tried)
    assert not _stored_anywhere(db, MARKER)


def _post_refused(app, world, url, identity, pairs, name, field) -> None:
    data = multi([(n, BROKEN if n == name else v) for n, v in pairs])
    response = formcrawl.client_as(app, world, identity).post(url, data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400, (
        f"POST {url} as {identity} with a line break in {name!r} answered "
        f"{response.status_code}: {page[:600]}"
    )
    summary = BeautifulSoup(page, "html.parser").select(".govuk-error-summary a")
    if field.count > 1:  # a date's day, month and year boxes
        wanted = "must be a real date"
    else:
        wanted = "must be on one line: remove any line breaks or tabs"
    assert any(wanted in a.get_text() for a in summary), (
        url,
        name,
        [a.get_text() for a in summary],
    )

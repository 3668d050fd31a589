"""Two people editing the same section (eia.edit_conflicts): a save over changes someone
else made since the page was opened merges the fields the person did not touch, and refuses
a field both changed, showing both answers with the person's typed values kept."""

from bs4 import BeautifulSoup
from sqlmodel import select

from eia import operations as ops
from eia.edit_conflicts import EditBase, EditConflict, mark, merge
from eia.models import AuditRecord, Characteristic

from .support.html import parse, words
from .support.people import sign_in


def browser_form(html) -> dict[str, list[str]]:
    """The page's section form as a browser would send it: every field, radios and
    checkboxes only when checked, no buttons."""
    page = BeautifulSoup(html, "html.parser")
    form = next(f for f in page.find_all("form") if f.find("input", {"name": "since"}))
    data: dict[str, list[str]] = {}
    for element in form.find_all(["input", "textarea", "select"]):
        name, kind = element.get("name"), (element.get("type") or "").lower()
        if (
            not name
            or kind == "submit"
            or (kind in ("radio", "checkbox") and not element.has_attr("checked"))
        ):
            continue
        if element.name == "textarea":
            value = element.get_text()
            value = value[1:] if value.startswith("\n") else value  # HTML drops one newline
        elif element.name == "select":
            chosen = element.find("option", selected=True) or element.find("option")
            value = chosen.get("value", "") if chosen else ""
        else:
            value = element.get("value", "")
        data.setdefault(name, []).append(value)
    return data


def opened(client, url) -> tuple[str, dict]:
    """Open a page: its URL and its form, to post later."""
    return url, browser_form(client.get(url).data)


def post(client, form: tuple[str, dict], **changes):
    url, data = form
    data = {**data, **{k: [v] if isinstance(v, str) else v for k, v in changes.items()}}
    return client.post(url, data=data)


def two_editors(app, make, db, state="draft"):
    officer = make.user("officer")
    colleague = make.user("officer", service=officer.service, name="Sam Colleague")
    eia = make.eia(state, owner=officer, title="Bus lane on Holloway Road")
    db.commit()
    mine, theirs = app.test_client(), app.test_client()
    sign_in(mine, officer)
    sign_in(theirs, colleague)
    return eia, mine, theirs


def test_saves_of_different_fields_merge(app, make, db):
    eia, mine, theirs = two_editors(app, make, db)
    url = f"/eias/{eia.reference}/proposal"
    my_page, their_page = opened(mine, url), opened(theirs, url)
    assert (
        post(
            theirs, their_page, title="Bus lane and cycle track on Holloway Road", later="y"
        ).status_code
        == 302
    )
    assert (
        post(
            mine, my_page, summary="Add a bus lane from the Nag's Head to Archway.", later="y"
        ).status_code
        == 302
    )
    db.refresh(eia)
    assert eia.title == "Bus lane and cycle track on Holloway Road"  # not put back
    assert eia.summary == "Add a bus lane from the Nag's Head to Archway."


def test_a_field_both_changed_is_refused_with_both_answers_and_yours_kept(app, make, db):
    eia, mine, theirs = two_editors(app, make, db)
    url = f"/eias/{eia.reference}/proposal"
    my_page, their_page = opened(mine, url), opened(theirs, url)
    post(theirs, their_page, title="Their title", later="y")
    before = db.exec(select(AuditRecord.seq).order_by(AuditRecord.seq.desc())).first()
    refused = post(
        mine, my_page, title="My title", summary="A summary I typed at the same time.", later="y"
    )
    assert refused.status_code == 409
    text = words(refused)
    assert (
        "Sam Colleague changed “Title of the proposal” after you opened this page: "
        "their answer is “Their title”. Yours, “My title”, is kept below."
    ) in text
    page = parse(refused)
    assert page.select_one("input[name=title]")["value"] == "My title"  # typed values kept
    assert (
        "A summary I typed at the same time."
        in page.select_one("textarea[name=summary]").get_text()
    )
    assert page.select_one(".govuk-error-summary a[href='#title']") is not None
    assert page.select_one("#title-error") is not None  # and beside the field
    db.refresh(eia)
    assert eia.title == "Their title" and eia.summary == ""  # nothing of mine saved
    assert db.exec(select(AuditRecord.seq).order_by(AuditRecord.seq.desc())).first() == before
    # Saving the page shown again keeps mine, knowingly.
    assert post(mine, (url, _form_of(refused)), later="y").status_code == 302
    db.refresh(eia)
    assert eia.title == "My title" and eia.summary == "A summary I typed at the same time."


def test_a_third_change_after_the_conflict_was_shown_is_a_new_conflict(app, make, db):
    eia, mine, theirs = two_editors(app, make, db)
    url = f"/eias/{eia.reference}/proposal"
    my_page, their_page = opened(mine, url), opened(theirs, url)
    post(theirs, their_page, title="Their title", later="y")
    refused = post(mine, my_page, title="My title", later="y")
    post(theirs, opened(theirs, url), title="Their second title", later="y")
    again = post(mine, (url, _form_of(refused)), later="y")
    assert again.status_code == 409 and "“Their second title”" in words(again)
    db.refresh(eia)
    assert eia.title == "Their second title"


def test_screening_answers_merge_by_characteristic(app, make, db):
    eia, mine, theirs = two_editors(app, make, db, state="screening")
    url = f"/eias/{eia.reference}/screening"
    my_page, their_page = opened(mine, url), opened(theirs, url)
    post(
        theirs,
        their_page,
        **{"age-relevance": "relevant", "age-reason": "Older residents use the buses most."},
        later="y",
    )
    post(
        mine,
        my_page,
        **{
            "disability-relevance": "relevant",
            "disability-reason": "Step-free access at the stops.",
        },
        later="y",
    )
    db.refresh(eia)
    answers = {a.characteristic.key: (a.relevance, a.reason) for a in eia.screening_answers}
    assert answers["age"] == ("relevant", "Older residents use the buses most.")
    assert answers["disability"] == ("relevant", "Step-free access at the stops.")


def test_two_characteristics_impacts_saved_at_once_do_not_conflict(app, make, db):
    officer = make.user("officer")
    colleague = make.user("officer", service=officer.service)
    eia = make.eia("full_assessment", owner=officer)
    db.commit()
    mine, theirs = app.test_client(), app.test_client()
    sign_in(mine, officer)
    sign_in(theirs, colleague)
    my_page = opened(mine, f"/eias/{eia.reference}/impacts/age")
    their_page = opened(theirs, f"/eias/{eia.reference}/impacts/disability")
    post(
        theirs,
        their_page,
        mitigation="Level boarding at every stop.",
        direction="negative",
        save_for_later="y",
    )
    response = post(
        mine, my_page, mitigation="Seats at every stop.", direction="negative", save_for_later="y"
    )
    assert response.status_code in (200, 302) and "after you opened this page" not in words(
        response
    )
    db.refresh(eia)
    saved = {i.characteristic.key: i.mitigation for i in eia.impacts}
    assert saved == {"age": "Seats at every stop.", "disability": "Level boarding at every stop."}


def test_an_engagement_record_changed_by_both(app, make, db):
    eia, mine, theirs = two_editors(app, make, db, state="full_assessment")
    from datetime import date

    ops.add_engagement(
        db,
        eia,
        eia.owner,
        {
            "who": "Older people's forum",
            "method": "Meeting",
            "held_on": date(2026, 10, 1),
            "what_they_said": "",
            "what_changed": "",
        },
    )
    db.commit()
    record = eia.engagements[0]
    url = f"/eias/{eia.reference}/engagement/{record.id}"
    my_page, their_page = opened(mine, url), opened(theirs, url)
    assert (
        post(
            theirs,
            their_page,
            what_they_said="Worried about fewer seats.",
            what_changed="Nothing yet.",
        ).status_code
        == 302
    )
    refused = post(
        mine,
        my_page,
        what_they_said="Want more seats.",
        what_changed="More seats on the new buses.",
    )
    assert refused.status_code == 409
    assert "their answer is “Worried about fewer seats.”" in words(refused)
    assert "their answer is “Nothing yet.”" in words(refused)
    db.refresh(record)
    assert (record.what_they_said, record.what_changed) == (
        "Worried about fewer seats.",
        "Nothing yet.",
    )


def test_your_own_earlier_save_is_yours_to_change(make, db):
    """A page saved in part and shown again keeps the position it was opened at; the
    person's own saves since are not someone else's."""
    eia = make.eia("draft")
    since = mark(db, eia.id)
    ops.update_eia(db, eia, "proposal", eia.owner, {"title": "First try"}, base=EditBase(since))
    ops.update_eia(db, eia, "proposal", eia.owner, {"title": "Second try"}, base=EditBase(since))
    assert eia.title == "Second try"


def test_merge_reads_the_audit_trail_by_field(make, db):
    eia = make.eia("screening")
    colleague = make.user("officer", service=eia.service)
    age = db.exec(select(Characteristic).where(Characteristic.key == "age")).one()
    since = mark(db, eia.id)
    ops.save_screening(db, eia, colleague, {age.id: ("relevant", "Older bus users.")})
    base = EditBase(since)
    # Left as found: keep theirs. Same as theirs: nothing to decide. Different: conflict.
    assert merge(
        db, eia.id, "screening", base, {("age", "relevance"): None}, actor_id=eia.owner_id
    ) == {("age", "relevance")}
    assert (
        merge(
            db, eia.id, "screening", base, {("age", "relevance"): "relevant"}, actor_id=eia.owner_id
        )
        == set()
    )
    try:
        merge(
            db,
            eia.id,
            "screening",
            base,
            {("age", "relevance"): "not_relevant"},
            actor_id=eia.owner_id,
        )
    except EditConflict as conflict:
        (c,) = conflict.conflicts
        assert (c.change.old, c.change.new, c.yours) == (None, "relevant", "not_relevant")
        token = c.change.token
    else:
        raise AssertionError("a field both changed must conflict")
    assert (
        merge(
            db,
            eia.id,
            "screening",
            EditBase(since, frozenset({token})),
            {("age", "relevance"): "not_relevant"},
            actor_id=eia.owner_id,
        )
        == set()
    )
    # Without a base (no page: the demo loader, the CLI) nothing is compared.
    assert (
        merge(
            db,
            eia.id,
            "screening",
            None,
            {("age", "relevance"): "not_relevant"},
            actor_id=eia.owner_id,
        )
        == set()
    )


def _form_of(response) -> dict:
    """The refused page's form, to save again."""
    return {**browser_form(response.data), "later": ["y"]}

"""The approver's inbox and sign-off page, and My EIAs."""

import importlib
from datetime import date, timedelta

from sqlmodel import select

from eia.dates import long_date
from eia.models import SignOff, User

from .support.db import audit_count
from .support.html import parse, words
from .support.people import sign_in
from .support.signoff import decide


def test_inbox_lists_the_directorates_eias_nearest_decision_first(client, make, db):
    later = make.eia(
        "awaiting_sign_off", title="Later decision", decision_date=date.today() + timedelta(days=90)
    )
    make.eia(
        "awaiting_sign_off",
        owner=make.user("officer", service=later.service),
        title="Sooner decision",
        decision_date=date.today() + timedelta(days=5),
    )
    elsewhere = make.eia("awaiting_sign_off", title="Other directorate")
    approver = make.user("approver", directorate=later.directorate)
    sign_in(client, approver)
    page = words(client.get("/sign-off"))
    assert page.index("Sooner decision") < page.index("Later decision")
    assert "Other directorate" not in page and elsewhere.reference not in page


def test_a_long_inbox_comes_a_page_at_a_time_in_the_same_order(client, make, monkeypatch):
    monkeypatch.setattr(importlib.import_module("eia.web.signoff"), "INBOX_PAGE_SIZE", 2)
    first = make.eia(
        "awaiting_sign_off",
        title="Decision in 1 days",
        decision_date=date.today() + timedelta(days=1),
    )
    for days in (2, 3, 4, 5):
        make.eia(
            "awaiting_sign_off",
            owner=make.user("officer", service=first.service),
            title=f"Decision in {days} days",
            decision_date=date.today() + timedelta(days=days),
        )
    sign_in(client, make.user("approver", directorate=first.directorate))
    seen = []
    for n in (1, 2, 3):
        response = client.get(f"/sign-off?page={n}")
        assert response.status_code == 200
        page = parse(response)
        assert "5 waiting" in page.caption.get_text()
        seen += [a.get_text(" ", strip=True).split(" (")[0] for a in page.select("tbody th a")]
        nav = page.select_one("nav.govuk-pagination")
        assert nav is not None and nav["aria-label"] == "Pages of EIAs waiting"
    assert seen == [f"Decision in {d} days" for d in (1, 2, 3, 4, 5)]
    assert "3 to 4 shown" in words(client.get("/sign-off?page=2"))
    for bad in ("4", "0", "two"):
        assert client.get(f"/sign-off?page={bad}").status_code == 404


def test_officers_have_no_inbox(client, make):
    sign_in(client, make.user("officer"))
    assert client.get("/sign-off").status_code == 403


def test_sign_off_page_shows_the_impacts_before_the_form(client, make):
    eia = make.eia("awaiting_sign_off")
    sign_in(client, make.user("approver", directorate=eia.directorate))
    html = client.get(f"/eias/{eia.reference}/sign-off").text
    assert html.index("Negative impacts that remain") < html.index("Your decision")
    text = words(client.get(f"/eias/{eia.reference}/sign-off"))
    assert "Exemptions and an accessible alternative route." in text  # the mitigation
    assert "Low Possible × Moderate = 4" in text  # residual band in words
    assert "No engagement or consultation was recorded" in text


def test_approve_needs_the_attestation_then_records_it(client, make, db):
    eia = make.eia("awaiting_sign_off")
    sign_in(client, make.user("approver", directorate=eia.directorate))
    url = f"/eias/{eia.reference}/sign-off"
    refused = decide(client, url, decision="approve")
    assert refused.status_code == 409
    assert "Confirm that you have read the impacts" in words(refused)
    done = decide(client, url, decision="approve", attested="y")
    assert done.status_code == 302
    sign_off = db.exec(select(SignOff).where(SignOff.eia_id == eia.id)).one()
    assert sign_off.attested and sign_off.decision == "approved" and not sign_off.late
    page = client.get(done.location)
    assert "You approved this EIA." in words(page)


def test_author_cannot_sign_off_even_by_posting_directly(client, make, db):
    directorate = make.directorate()
    author = make.user("approver", directorate=directorate, service=make.service(directorate))
    eia = make.eia("awaiting_sign_off", owner=author)
    sign_in(client, author)
    assert "You wrote this EIA" in words(client.get(f"/eias/{eia.reference}/sign-off"))
    before = audit_count(db)
    response = client.post(
        f"/eias/{eia.reference}/sign-off", data={"decision": "approve", "attested": "y"}
    )
    assert response.status_code == 403
    assert "You wrote this EIA, so you cannot decide on it" in words(response)
    db.refresh(eia)
    assert eia.status == "awaiting_sign_off" and audit_count(db) == before


def test_approver_outside_the_directorate_cannot_sign_off(client, make, db):
    eia = make.eia("awaiting_sign_off")
    sign_in(client, make.user("approver"))
    assert client.get(f"/eias/{eia.reference}/sign-off").status_code == 403
    response = client.post(
        f"/eias/{eia.reference}/sign-off", data={"decision": "approve", "attested": "y"}
    )
    assert response.status_code == 403
    db.refresh(eia)
    assert eia.status == "awaiting_sign_off"


def test_late_sign_off_needs_a_reason_and_is_flagged(client, make, db):
    eia = make.eia("awaiting_sign_off")
    eia.decision_date = date.today() - timedelta(days=2)
    db.add(eia)
    db.commit()
    sign_in(client, make.user("approver", directorate=eia.directorate))
    url = f"/eias/{eia.reference}/sign-off"
    assert "The decision date has passed" in words(client.get(url))
    refused = decide(client, url, decision="approve", attested="y")
    assert refused.status_code == 409
    assert "give the reason sign-off is late" in words(refused)
    decide(client, url, decision="approve", attested="y", late_reason="Papers went early.")
    sign_off = db.exec(select(SignOff).where(SignOff.eia_id == eia.id)).one()
    assert sign_off.late and sign_off.late_reason == "Papers went early."
    assert "Signed after the decision date" in words(client.get(f"/eias/{eia.reference}"))


def test_return_goes_back_to_the_right_section_with_the_comment(client, make, db):
    eia = make.eia("awaiting_sign_off")
    sign_in(client, make.user("approver", directorate=eia.directorate))
    url = f"/eias/{eia.reference}/sign-off"
    refused = decide(client, url, decision="return")
    assert "Say what the officer needs to change." in words(refused)
    decide(
        client,
        url,
        decision="return",
        comment="Add evidence for disability.",
        section="evidence",
        return_to="full_assessment",
    )
    db.refresh(eia)
    assert eia.status == "full_assessment"
    comment = eia.comments[-1]
    assert (comment.section, comment.body) == ("evidence", "Add evidence for disability.")
    history = words(client.get(f"/eias/{eia.reference}"))
    assert "Add evidence for disability." in history


def test_my_eias_says_what_to_do_next(client, make, db):
    officer = make.user("officer")
    approver = make.user("approver", directorate=officer.service.directorate, name="Ann Approver")
    make.eia("draft", owner=officer, title="My draft", approver=approver)
    waiting = make.eia("awaiting_sign_off", owner=officer, title="Waiting one", approver=approver)
    sign_in(client, officer)
    page = words(client.get("/my-eias"))
    assert "My draft" in page and "Complete the proposal, then start screening." in page
    assert (
        f"Nothing: it is with Ann Approver, sent on {long_date(waiting.status_changed_at)}."
    ) in page


def test_my_eias_counts_actions_in_plain_words(client, make, db):
    from eia import operations as ops

    officer = make.user("officer")
    colleague = make.user("officer", service=officer.service)
    mine = make.eia("approved", owner=officer, title="Mine")
    theirs = make.eia("approved", owner=colleague, title="Theirs")
    soon = date.today() + timedelta(days=30)
    for eia, count in ((mine, 1), (theirs, 2)):
        for n in range(count):
            ops.save_action(
                db,
                eia,
                eia.owner,
                {"description": f"Action {n}", "owner_id": officer.id, "due_date": soon},
            )
    db.flush()
    sign_in(client, officer)
    page = words(client.get("/my-eias"))
    assert "Deliver the action plan: 1 open action." in page
    assert "Deliver your 2 actions." in page
    assert "(s)" not in page


def test_my_eias_says_when_no_approver_may_decide(client, make, db):
    officer = make.user("officer")
    make.eia(
        "awaiting_sign_off",
        owner=officer,
        title="Stuck one",
        approver=make.user("approver", directorate=officer.service.directorate),
    )
    for approver in db.exec(select(User).where(User.role == "approver")).all():
        approver.active = False
        db.add(approver)
    db.flush()
    sign_in(client, officer)
    page = words(client.get("/my-eias"))
    assert "no approver may decide on it yet" in page


def test_sign_off_works_on_an_eia_loaded_for_its_page(make, db, connection):
    """The lock is taken on the bare row, whatever loader options loaded the EIA (on
    PostgreSQL, FOR UPDATE cannot follow the outer joins of the page's loader)."""
    from eia import operations
    from eia.queries.eias import eia_for_page

    eia = make.eia("awaiting_sign_off")
    approver = make.user("approver", directorate=eia.directorate)
    db.commit()
    from .support.db import session_on

    with session_on(connection) as fresh:  # loaded afresh, with the page's loader options
        loaded = eia_for_page(fresh, eia.reference)
        operations.transition(
            fresh, loaded, "approve", fresh.get(type(approver), approver.id), attested=True
        )
        fresh.commit()
        assert loaded.status == "approved"

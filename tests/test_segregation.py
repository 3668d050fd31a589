"""Segregation of duties and decisions bound to the content shown (workflows.segregation,
the ``content_seen`` need): nobody decides on a version they wrote, edited or sent for
sign-off, whatever the path; a sign-off page left open cannot approve content changed
since it was read."""

import json
from datetime import date, timedelta

import pytest
from sqlmodel import select

from eia import operations as ops
from eia.models import OutboxEmail
from eia.snapshot import content_fingerprint, fingerprint_of
from workflows import TransitionRefused, segregation

from .support.db import audit_count
from .support.html import parse, words
from .support.people import sign_in
from .support.signoff import decide, shown_fingerprint


@pytest.fixture
def team(make):
    """An officer's EIA, an approver in the same service (so on its team, able to edit it)
    and a second approver for the directorate who never touched it."""
    service = make.service()
    officer = make.user("officer", service=service)
    insider = make.user("approver", service=service, name="Insider Approver")
    outsider = make.user("approver", directorate=service.directorate, name="Other Approver")
    return officer, insider, outsider


def screened_not_relevant(make, db, officer, editor, approver):
    """An EIA in screening, every characteristic answered by ``editor``, ready to screen
    out (``approver``: the factory makes one for the directorate unless given one)."""
    eia = make.eia("screening", owner=officer, approver=approver)
    ops.save_screening(
        db,
        eia,
        editor,
        {c.id: ("not_relevant", f"No link to {c.name.lower()}.") for c in make.characteristics()},
    )
    return eia


def test_an_approver_who_edited_and_screened_out_cannot_approve(client, make, db, team):
    """The issue's example: an approver on the service's team edits the screening of another
    officer's EIA, screens it out, then tries to approve it on the sign-off page."""
    officer, insider, outsider = team
    eia = screened_not_relevant(make, db, officer, insider, outsider)
    ops.transition(db, eia, "screen_out", insider)
    db.commit()
    sign_in(client, insider)
    url = f"/eias/{eia.reference}/sign-off"
    page = words(client.get(url))
    assert "You worked on version 1 of this EIA" in page
    assert "changed screening and screened it out" in page
    assert "Your decision" not in page  # no form to decide with
    before = audit_count(db)
    response = client.post(
        url, data={"decision": "approve", "attested": "y", "seen": fingerprint_of(eia)}
    )
    assert response.status_code == 403
    assert "so you cannot decide on it" in words(response)
    db.refresh(eia)
    assert eia.status == "awaiting_sign_off" and audit_count(db) == before
    # Return is a decision too, and no other path gets round the rule.
    for event, inputs in (
        ("approve", {"attested": True}),
        ("return", {"comment": "Look again.", "return_to": "screening"}),
    ):
        with pytest.raises(TransitionRefused) as refused:
            ops.transition(db, eia, event, insider, **inputs)
        assert refused.value.forbidden
    # The approver who did not work on it decides.
    ops.transition(db, eia, "approve", outsider, attested=True)
    assert eia.status == "approved"


def test_submitting_alone_or_editing_alone_rules_a_person_out(make, db, team):
    officer, insider, outsider = team
    # Sent for sign-off by the insider, who edited nothing.
    eia = screened_not_relevant(make, db, officer, officer, outsider)
    ops.transition(db, eia, "screen_out", insider)
    assert segregation.involvement(db, eia, insider) == ["screened it out and sent it for sign-off"]
    # Edited a section only; the officer sent it.
    other = make.eia("full_assessment", owner=officer, approver=outsider)
    make.assess(other, officer)
    ops.update_eia(db, other, "proposal", insider, {"decision_maker": "Cabinet member"})
    ops.transition(db, other, "submit_for_sign_off", officer)
    assert segregation.involvement(db, other, insider) == ["changed describe the proposal"]
    for e in (eia, other):
        with pytest.raises(TransitionRefused):
            ops.transition(db, e, "approve", insider, attested=True)
    # A comment is not work on the content.
    third = make.eia("awaiting_sign_off", owner=officer)
    ops.add_comment(db, third, outsider, "evidence", "Is the census data current?")
    assert segregation.may_decide(db, third, outsider)


def test_the_rule_is_about_the_version_being_decided(make, db, team):
    """Work on version 1 does not rule a person out of deciding on version 2, which they
    did not touch; work on version 2 does."""
    officer, insider, outsider = team
    eia = make.eia("full_assessment", owner=officer, approver=outsider)
    make.assess(eia, officer)
    ops.update_eia(db, eia, "proposal", insider, {"decision_maker": "Cabinet member"})
    ops.transition(db, eia, "submit_for_sign_off", officer)
    ops.transition(db, eia, "approve", outsider, attested=True)
    ops.transition(db, eia, "start_review", officer)
    ops.transition(db, eia, "revise", officer, review_notes="New data.")
    ops.transition(db, eia, "submit_for_sign_off", officer)
    assert eia.version == 2 and segregation.may_decide(db, eia, insider)
    ops.transition(
        db, eia, "return", insider, comment="Add the 2026 data.", return_to="full_assessment"
    )
    ops.update_eia(db, eia, "outcome", insider, {"outcome_reason": "Adjusted again."})
    ops.transition(db, eia, "submit_for_sign_off", officer)
    with pytest.raises(TransitionRefused) as refused:
        ops.transition(db, eia, "approve", insider, attested=True)
    assert (
        "You worked on version 2 of this EIA (you changed outcome and review date)"
        in refused.value.reasons[0]
    )
    ops.transition(db, eia, "approve", outsider, attested=True)


def test_the_author_cannot_confirm_the_review(make, db):
    """The issue's second hole: start_review then confirm_review by the EIA's author."""
    directorate = make.directorate()
    author = make.user("approver", directorate=directorate, service=make.service(directorate))
    eia = make.eia("approved", owner=author)
    ops.transition(db, eia, "start_review", author)
    with pytest.raises(TransitionRefused) as refused:
        ops.transition(
            db,
            eia,
            "confirm_review",
            author,
            review_notes="Still stands.",
            next_review_date=date.today() + timedelta(days=365),
        )
    assert refused.value.forbidden and "You wrote this EIA" in refused.value.reasons[0]
    assert eia.status == "under_review"


def test_whoever_changed_the_approved_version_cannot_confirm_its_review(client, make, db, team):
    officer, insider, outsider = team
    eia = make.eia("approved", owner=officer, approver=outsider)
    action = ops.save_action(
        db,
        eia,
        insider,
        {"description": "Monitor take-up by age.", "owner_id": insider.id, "status": "planned"},
    )
    assert action is not None
    ops.transition(db, eia, "start_review", officer)
    db.commit()
    sign_in(client, insider)
    url = f"/eias/{eia.reference}/events/confirm_review"
    response = client.post(
        url,
        data={
            "review_notes": "Fine.",
            "next_review_date-day": "1",
            "next_review_date-month": "1",
            "next_review_date-year": str(date.today().year + 2),
        },
    )
    assert response.status_code == 403
    assert "You worked on version 1 of this EIA (you changed action plan)" in words(response)
    db.refresh(eia)
    assert eia.status == "under_review"
    ops.transition(
        db,
        eia,
        "confirm_review",
        outsider,
        review_notes="Still stands.",
        next_review_date=date.today() + timedelta(days=365),
    )
    assert eia.status == "approved"


def test_when_nobody_may_decide_the_officer_and_the_inbox_say_whom_to_ask(app, make, db):
    """The directorate's only approver is on the service's team and did the screening."""
    service = make.service()
    officer = make.user("officer", service=service)
    approver = make.user("approver", service=service)
    admin = make.user("admin", name="Ada Admin")
    eia = screened_not_relevant(make, db, officer, approver, approver)
    ops.transition(db, eia, "screen_out", officer)
    db.commit()
    assert segregation.eligible_deciders(db, [eia])[eia.id] == []
    as_officer, as_approver = app.test_client(), app.test_client()
    sign_in(as_officer, officer)
    sign_in(as_approver, approver)
    for page in (
        words(as_officer.get(f"/eias/{eia.reference}")),
        words(as_officer.get(f"/eias/{eia.reference}/tasks")),
        words(as_approver.get(f"/eias/{eia.reference}/sign-off")),
    ):
        assert "No approver can decide on version 1 of this EIA" in page
        assert f"Ask an administrator to give {eia.directorate.name} another approver" in page
        assert f"Ada Admin ({admin.email})" in page
    inbox = words(as_approver.get("/sign-off"))
    assert "You worked on this version: another approver must decide on it." in inbox
    assert "No approver can decide" in inbox and f"Ada Admin ({admin.email})" in inbox
    # Nobody was asked by email to decide what they may not decide.
    asked = db.exec(
        select(OutboxEmail.recipient_id).where(
            OutboxEmail.eia_id == eia.id, OutboxEmail.rule == "screen_out"
        )
    ).all()
    assert asked == []


def test_the_sign_off_request_goes_only_to_approvers_who_may_decide(make, db, team):
    officer, insider, outsider = team
    eia = screened_not_relevant(make, db, officer, insider, outsider)
    ops.transition(db, eia, "screen_out", officer)
    asked = db.exec(
        select(OutboxEmail.recipient_id).where(
            OutboxEmail.eia_id == eia.id, OutboxEmail.rule == "screen_out"
        )
    ).all()
    assert asked == [outsider.id]


def test_a_stale_sign_off_page_cannot_approve_changed_content(app, make, db, team):
    """Approver A opens the page; approver B returns the EIA; the officer edits and sends
    it again; A's old page is refused, shows the new content and asks A to attest again."""
    officer, _, approver_b = team
    approver_a = make.user("approver", directorate=officer.service.directorate)
    eia = make.eia("awaiting_sign_off", owner=officer, approver=approver_a)
    db.commit()
    a, b = app.test_client(), app.test_client()
    sign_in(a, approver_a)
    sign_in(b, approver_b)
    url = f"/eias/{eia.reference}/sign-off"
    old = shown_fingerprint(a, url)
    assert (
        decide(
            b,
            url,
            decision="return",
            comment="Say more about the mitigation.",
            return_to="full_assessment",
        ).status_code
        == 302
    )
    db.refresh(eia)
    age = next(i for i in eia.impacts if i.characteristic.key == "age")
    ops.save_impact(
        db,
        eia,
        officer,
        age.characteristic_id,
        {"mitigation": "A free shuttle bus for older residents."},
    )
    ops.transition(db, eia, "submit_for_sign_off", officer)
    db.commit()
    before = audit_count(db)
    stale = a.post(url, data={"decision": "approve", "attested": "y", "seen": old})
    assert stale.status_code == 409
    text = words(stale)
    assert "The EIA has changed since you opened this page" in text
    assert "A free shuttle bus for older residents." in text  # the new content is shown
    page = parse(stale)
    assert page.select_one("input[name=seen]")["value"] == fingerprint_of(eia) != old
    assert not page.select_one("input[name=attested]").has_attr("checked")
    db.refresh(eia)
    assert eia.status == "awaiting_sign_off" and audit_count(db) == before
    # Deciding from the page as it is now works, and binds to that content.
    done = a.post(
        url,
        data={
            "decision": "approve",
            "attested": "y",
            "seen": page.select_one("input[name=seen]")["value"],
        },
    )
    assert done.status_code == 302
    db.refresh(eia)
    assert eia.status == "approved"


def test_the_approval_record_keeps_the_fingerprint_of_the_frozen_version(make, db):
    eia = make.eia("awaiting_sign_off")
    approver = make.user("approver", directorate=eia.directorate)
    seen = fingerprint_of(eia)
    record = ops.transition(db, eia, "approve", approver, attested=True, seen=seen)
    assert json.loads(record.details)["content"] == seen
    frozen = next(v for v in eia.versions if v.version == eia.version)
    assert content_fingerprint(frozen.snapshot) == seen  # anyone can check what was approved


def test_a_page_that_says_nothing_of_what_was_read_cannot_decide(client, make, db):
    eia = make.eia("awaiting_sign_off")
    sign_in(client, make.user("approver", directorate=eia.directorate))
    response = client.post(
        f"/eias/{eia.reference}/sign-off", data={"decision": "approve", "attested": "y"}
    )
    assert response.status_code == 409
    assert "did not say which version of its content you read" in words(response)
    db.refresh(eia)
    assert eia.status == "awaiting_sign_off"

"""The guided journey's core: starting an EIA, the task list, the proposal and screening
pages, comments, check your answers and the lifecycle events the team fires."""

import json
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import select

from eia import operations as ops
from eia.dates import long_date
from eia.models import AuditRecord, Characteristic, Comment, Eia

from .support.db import audit_count, fingerprint, fresh
from .support.html import banner, error_summary, parse, tasks, words
from .support.people import sign_in

# --- helpers ---------------------------------------------------------------------------


PROPOSAL = {
    "title": "School Streets in Highbury",
    "summary": "Close two roads to through traffic at school opening and closing times.",
    "proposal_type": "service_change",
    "affects": ["residents", "service_users"],
    "decision_type": "committee",
    "decision_maker": "Executive",
    "decision_date": ["3", "3", str(date.today().year + 1)],
    "decision_round": "",
    "publishable": "y",
}


def screening_answers(make, relevant=(), unknown=(), skip=()) -> dict:
    data = {}
    for c in make.characteristics():
        if c.key in skip:
            continue
        data[f"{c.key}-relevance"] = (
            "relevant" if c.key in relevant else "unknown" if c.key in unknown else "not_relevant"
        )
        data[f"{c.key}-reason"] = f"Because of {c.name.lower()}."
    return data


# --- starting an EIA -------------------------------------------------------------------


def test_officer_starts_an_eia_for_their_own_service(signed_in, officer, make, db):
    make.service()  # another service on offer
    form = parse(signed_in.get("/eias/new"))
    assert words(form.h1) == "Start an Equality Impact Assessment"
    assert form.find("select", id="service").find("option", selected=True)["value"] == str(
        officer.service_id
    )

    response = signed_in.post(
        "/eias/new", data={"title": "Library opening hours", "service": str(officer.service_id)}
    )
    assert response.status_code == 302
    eia = db.exec(select(Eia).where(Eia.title == "Library opening hours")).one()
    assert response.location == f"/eias/{eia.reference}/tasks"
    assert (eia.status, eia.owner_id, eia.service_id) == ("draft", officer.id, officer.service_id)
    page = signed_in.get(response.location)
    assert f"{eia.reference} started" in banner(page)


def test_starting_needs_a_title_and_a_real_service(signed_in, officer):
    response = signed_in.post("/eias/new", data={"title": "  ", "service": "999999"})
    assert response.status_code == 400
    assert error_summary(response) == [
        ("Enter the title of the proposal", "#title"),
        ("Select the service making the proposal", "#service"),
    ]


def test_only_officers_and_approvers_start_eias(client, make):
    for role in ("equality_officer", "admin"):
        sign_in(client, make.user(role))
        assert client.get("/eias/new").status_code == 403
        assert client.post("/eias/new", data={"title": "x"}).status_code == 403
    approver = make.user("approver")
    service = make.service(directorate=approver.directorate)
    sign_in(client, approver)
    page = parse(client.get("/eias/new"))
    assert page.find("select", id="service").find("option", selected=True)["value"] == str(
        service.id
    )


# --- the task list ---------------------------------------------------------------------


def test_task_list_follows_the_eia_through_screening(signed_in, officer, make, db):
    eia = make.eia("draft", owner=officer)
    ref = eia.reference
    page = signed_in.get(f"/eias/{ref}/tasks")
    assert page.status_code == 200
    found = tasks(page)
    assert found["Describe the proposal"][:2] == ("In progress", f"/eias/{ref}/proposal")
    assert "The proposal is not complete" in found["Describe the proposal"][2]
    assert found["Screening"][:2] == ("Cannot start yet", None)
    assert found["Evidence"][:2] == ("Cannot start yet", None)  # no page yet, no link
    assert found["Check your answers and send"][:2] == ("Cannot start yet", None)
    assert "Draft" in words(parse(page).find(class_="govuk-tag"))
    assert parse(page).find("a", href=f"/eias/{ref}")

    make.fill_proposal(eia, officer)
    db.flush()
    page = parse(signed_in.get(f"/eias/{ref}/tasks"))
    assert tasks(page)["Describe the proposal"][0] == "Completed"
    start = page.find("button", string=lambda s: s and "Start screening" in s)
    assert start is not None
    assert start.find_parent("form")["action"] == f"/eias/{ref}/events/start_screening"

    response = signed_in.post(f"/eias/{ref}/events/start_screening")
    assert (response.status_code, response.location) == (302, f"/eias/{ref}/tasks")
    page = signed_in.get(response.location)
    assert "Screening has started" in banner(page)
    assert tasks(page)["Screening"][:2] == ("Not started", f"/eias/{ref}/screening")

    make.screen(fresh(db, eia), officer, relevant=())
    db.flush()
    found = tasks(signed_in.get(f"/eias/{ref}/tasks"))
    assert found["Screening"][0] == "Completed"
    assert {
        found[t][0]
        for t in ("Evidence", "Impact on each characteristic", "Outcome and review date")
    } == {"Not needed"}
    assert found["Check your answers and send"][:2] == ("Not started", f"/eias/{ref}/check")


def test_task_list_in_full_assessment_and_after_sending(signed_in, officer, make, db):
    eia = make.eia("full_assessment", owner=officer)
    found = tasks(signed_in.get(f"/eias/{eia.reference}/tasks"))
    assert found["Impact on each characteristic"][0] == "Not started"
    assert "Score the impact" in found["Impact on each characteristic"][2]
    assert found["Check your answers and send"][0] == "Cannot start yet"

    make.assess(eia, officer)
    ops.transition(db, eia, "submit_for_sign_off", officer)
    db.flush()
    page = signed_in.get(f"/eias/{eia.reference}/tasks")
    found = tasks(page)
    assert found["Describe the proposal"] == ("Completed", None, "")  # nothing to change now
    assert found["Check your answers and send"][0] == "Completed"


def sign_off_row(page) -> str:
    row = parse(page).find(id="sign-off")
    return words(row.find(class_="govuk-summary-list__value")) if row else ""


def test_after_sending_the_task_list_says_who_has_it_not_what_others_may_do(
    signed_in, officer, make, db
):
    """The officer could never approve or return their own EIA: the task list does not list
    those steps as "not possible yet"; it says which approver has the EIA, and since when."""
    approver = make.user("approver", directorate=officer.service.directorate, name="Ann Approver")
    eia = make.eia("awaiting_sign_off", owner=officer, approver=approver)
    page = signed_in.get(f"/eias/{eia.reference}/tasks")
    text = words(parse(page))
    assert "Not possible yet" not in text and "Only an approver" not in text
    assert parse(page).find("dt", string="Approve") is None
    assert (
        sign_off_row(page)
        == f"With Ann Approver, sent on {long_date(fresh(db, eia).status_changed_at)}"
    )
    assert parse(page).find(id="approver-needed") is None
    # Withdrawing is still the officer's to do.
    assert parse(page).find("a", string=lambda s: s and "Withdraw the proposal" in s)


def test_the_task_list_names_only_approvers_who_may_decide(signed_in, officer, make, db):
    directorate = officer.service.directorate
    in_service = make.user(
        "approver", service=officer.service, directorate=directorate, name="Sam Service-Approver"
    )
    make.user("approver", directorate=directorate, name="Bo Approver")
    eia = make.eia("full_assessment", owner=officer, approver=in_service)
    make.assess(eia, officer)
    ops.transition(db, eia, "submit_for_sign_off", officer)
    db.flush()
    sent = long_date(fresh(db, eia).status_changed_at)
    assert (
        sign_off_row(signed_in.get(f"/eias/{eia.reference}/tasks"))
        == f"With the approvers for {directorate.name}, sent on {sent}"
    )

    # The approver in the EIA's service changed it: they may not decide, so one is left.
    eia = make.eia("full_assessment", owner=officer, approver=in_service)
    make.assess(eia, officer)
    ops.update_eia(db, eia, "proposal", in_service, {"decision_maker": "The Executive"})
    ops.transition(db, eia, "submit_for_sign_off", officer)
    db.flush()
    page = signed_in.get(f"/eias/{eia.reference}/tasks")
    assert (
        sign_off_row(page)
        == f"With Bo Approver, sent on {long_date(fresh(db, eia).status_changed_at)}"
    )

    # Seen by the approver who may decide: it is with them, and they can act on it.
    sign_in(
        signed_in, db.exec(select(type(officer)).where(type(officer).name == "Bo Approver")).one()
    )
    page = signed_in.get(f"/eias/{eia.reference}/tasks")
    assert sign_off_row(page).startswith("With you, sent on ")
    assert parse(page).find("a", string=lambda s: s and "Sign off or return" in s)

    # The one who worked on it sees who has it, and no step they could never take.
    sign_in(signed_in, in_service)
    text = words(parse(signed_in.get(f"/eias/{eia.reference}/tasks")))
    assert "With Bo Approver" in text and "You worked on version 1" not in text


def test_task_list_says_nothing_about_screening_s_outcome_until_it_is_answered(
    signed_in, officer, make, db
):
    eia = make.eia("screening", owner=officer)
    url = f"/eias/{eia.reference}/tasks"
    outcome_words = (
        "No characteristic was found relevant",
        "screen the EIA out",
        "A full assessment is needed",
        "cannot be screened out",
    )

    def said():
        text = words(parse(signed_in.get(url)))
        return [w for w in outcome_words if w in text], text

    found, text = said()  # just started: nothing answered
    assert found == [] and "Screening is not complete" in text

    characteristics = make.characteristics()
    ops.save_screening(
        db,
        eia,
        officer,
        {c.id: ("not_relevant", "No change for them.") for c in characteristics[:3]},
    )
    ops.save_screening(db, eia, officer, {characteristics[3].id: ("relevant", "")})
    db.flush()
    found, text = said()  # part-answered, one relevant but not yet explained
    assert found == [] and "Screening is not complete" in text

    make.screen(fresh(db, eia), officer, relevant=())
    db.flush()
    found, _ = said()  # answered: now it can say
    assert found == ["No characteristic was found relevant", "screen the EIA out"]


def test_task_list_progress_is_plain(signed_in, officer, make, db):
    eia = make.eia("draft", owner=officer)

    def progress():
        page = parse(signed_in.get(f"/eias/{eia.reference}/tasks"))
        row = page.find("dt", string="Progress").find_next("dd")
        return words(row)

    assert progress() == "0 of 8 sections done"
    make.fill_proposal(eia, officer)
    db.flush()
    assert progress() == "1 of 8 sections done"


def test_approver_is_sent_to_the_sign_off_page_from_the_task_list(client, make):
    eia = make.eia("awaiting_sign_off")
    sign_in(client, make.user("approver", directorate=eia.directorate))
    page = parse(client.get(f"/eias/{eia.reference}/tasks"))
    link = page.find("a", string=lambda s: s and "Sign off or return" in s)
    assert link["href"] == f"/eias/{eia.reference}/sign-off"
    assert page.find(id="comments").find("form") is not None  # approvers may comment


def test_task_list_offers_withdrawing_through_its_confirmation_page(signed_in, officer, make):
    eia = make.eia("draft", owner=officer)
    page = parse(signed_in.get(f"/eias/{eia.reference}/tasks"))
    link = page.find("a", string=lambda s: s and "Withdraw the proposal" in s)
    assert link["href"] == f"/eias/{eia.reference}/events/withdraw"
    assert "govuk-button--secondary" in link["class"]  # never the main button


def test_task_list_shows_general_comments(signed_in, officer, make, db):
    eia = make.eia("draft", owner=officer)
    ops.add_comment(db, eia, officer, "general", "Remember the ward councillors.")
    db.flush()
    page = parse(signed_in.get(f"/eias/{eia.reference}/tasks"))
    comments = page.find(id="comments")
    assert "Remember the ward councillors." in words(comments)
    assert comments.find("form")["action"] == f"/eias/{eia.reference}/comments/general"


# --- the proposal ----------------------------------------------------------------------


def test_proposal_page_shows_the_saved_answers(signed_in, officer, make):
    eia = make.eia("screening", owner=officer, title="Parking zones")
    page = parse(signed_in.get(f"/eias/{eia.reference}/proposal"))
    assert len(page.find_all("h1")) == 1
    assert page.find("input", id="title")["value"] == "Parking zones"
    assert page.find("input", id="proposal_type", value="new_policy") is not None
    checked = page.find("input", attrs={"name": "proposal_type", "checked": True})
    assert checked["value"] == "service_change"
    assert page.find("input", id="decision_date-day")["value"] == f"{eia.decision_date.day:02d}"
    assert page.find(class_="govuk-back-link")["href"] == f"/eias/{eia.reference}/tasks"
    assert eia.reference in words(page.find(class_="govuk-caption-l"))


def test_save_and_continue_stores_the_proposal_in_one_edit(signed_in, officer, make, db):
    eia = make.eia("draft", owner=officer)
    before = audit_count(db)
    response = signed_in.post(
        f"/eias/{eia.reference}/proposal", data={**PROPOSAL, "save": "Save and continue"}
    )
    assert (response.status_code, response.location) == (302, f"/eias/{eia.reference}/tasks")
    eia = fresh(db, eia)
    assert (eia.title, eia.proposal_type, eia.affects, eia.decision_maker) == (
        "School Streets in Highbury",
        "service_change",
        ["residents", "service_users"],
        "Executive",
    )
    assert eia.decision_date == date(date.today().year + 1, 3, 3)
    assert (eia.publishable, eia.confidential, eia.decision_round) == (True, False, "")
    assert audit_count(db) == before + 1
    assert "saved" in banner(signed_in.get(response.location))


def test_save_and_continue_goes_on_to_screening_when_it_is_open(signed_in, officer, make):
    eia = make.eia("screening", owner=officer)
    response = signed_in.post(
        f"/eias/{eia.reference}/proposal", data={**PROPOSAL, "save": "Save and continue"}
    )
    assert response.location == f"/eias/{eia.reference}/screening"


def test_save_for_later_keeps_partial_input(signed_in, officer, make, db):
    eia = make.eia("draft", owner=officer, title="Old title")
    response = signed_in.post(
        f"/eias/{eia.reference}/proposal",
        data={
            "title": "Half-written title",
            "summary": "Only the first line so far\nand a second",
            "decision_maker": "",
            "decision_date": ["", "", ""],
            "later": "Save and come back later",
        },
    )
    assert (response.status_code, response.location) == (302, f"/eias/{eia.reference}/tasks")
    eia = fresh(db, eia)
    assert eia.title == "Half-written title"
    assert eia.summary == "Only the first line so far\nand a second"
    assert eia.proposal_type is None and eia.affects == []
    found = tasks(signed_in.get(response.location))
    assert found["Describe the proposal"][0] == "In progress"


def test_save_and_continue_asks_for_what_is_missing_and_keeps_the_rest(
    signed_in, officer, make, db
):
    eia = make.eia("draft", owner=officer, title="A title")
    response = signed_in.post(
        f"/eias/{eia.reference}/proposal",
        data={
            "title": "A better title",
            "summary": "",
            "decision_maker": "Executive",
            "decision_date": ["", "", ""],
            "save": "Save and continue",
        },
    )
    assert response.status_code == 400
    assert error_summary(response) == [
        ("Enter a summary of the proposal", "#summary"),
        ("Select the kind of proposal", "#proposal_type"),
        ("Select who the proposal affects", "#affects"),
        ("Select the kind of decision", "#decision_type"),
        ("Enter why the EIA should not be published, or tick to publish it", "#publishing_reason"),
    ]
    assert "Your other answers have been saved" in words(parse(response))
    eia = fresh(db, eia)
    assert (eia.title, eia.decision_maker) == ("A better title", "Executive")


def test_invalid_date_is_reported_and_nothing_saved_is_lost(signed_in, officer, make, db):
    eia = make.eia("screening", owner=officer)
    saved_date = eia.decision_date
    response = signed_in.post(
        f"/eias/{eia.reference}/proposal",
        data={
            **PROPOSAL,
            "title": "Typed <title>",
            "decision_date": ["31", "2", "2027"],
            "later": "Save and come back later",
        },
    )
    assert response.status_code == 400
    assert error_summary(response) == [("Decision date must be a real date", "#decision_date-day")]
    page = parse(response)
    assert page.title.string.startswith("Error: ")
    assert page.find(id="decision_date-day")["value"] == "31"
    assert page.find(id="decision_date-month")["value"] == "2"
    assert page.find(id="decision_date-year")["value"] == "2027"
    assert page.find(id="title")["value"] == "Typed <title>"
    assert (
        "govuk-form-group--error"
        in page.find(id="decision_date").find_parent(class_="govuk-form-group")["class"]
    )
    eia = fresh(db, eia)
    assert eia.decision_date == saved_date  # the stored date stays
    assert eia.title == "Typed <title>"  # the valid answers were kept


@pytest.mark.parametrize(
    "field, value, message, href",
    [
        ("proposal_type", "nonsense", "Select the kind of proposal", "#proposal_type"),
        ("affects", "aliens", "Select who the proposal affects", "#affects"),
        ("decision_type", "dictator", "Select the kind of decision", "#decision_type"),
        (
            "decision_date",
            ["1", "13", "2027"],
            "Decision date must be a real date",
            "#decision_date-day",
        ),
        (
            "decision_date",
            ["", "3", "2027"],
            "Decision date must include a day",
            "#decision_date-day",
        ),
        ("title", "x" * 301, "Title must be 300 characters or fewer", "#title"),
        (
            "summary",
            "nul \x00 byte",
            "Summary contains a character that cannot be saved: remove it",
            "#summary",
        ),
        # One-line answers end up in email subjects: a line break there stopped every email
        # about the EIA being built.
        (
            "title",
            "School Streets\nin Highbury",
            "Title must be on one line: remove any line breaks or tabs",
            "#title",
        ),
        (
            "decision_maker",
            "Corporate\tDirector",
            "Decision maker must be on one line: remove any line breaks or tabs",
            "#decision_maker",
        ),
        (
            "decision_round",
            "Budget\u20282027/28",
            "Decision round must be on one line: remove any line breaks or tabs",
            "#decision_round",
        ),
        (
            "title",
            "Close\x1b the road",
            "Title contains an invisible character that cannot be "
            "used: type it again rather than pasting it",
            "#title",
        ),
    ],
)
def test_bad_input_gets_400_and_an_error_never_a_500(
    signed_in, officer, make, connection, field, value, message, href
):
    eia = make.eia("screening", owner=officer)
    make.session.commit()
    before = fingerprint(connection, eia.id)
    response = signed_in.post(
        f"/eias/{eia.reference}/proposal",
        data={
            **{k: v for k, v in PROPOSAL.items() if k != "publishable"},
            "title": eia.title,
            "summary": eia.summary,
            "decision_maker": eia.decision_maker,
            "decision_date": [
                str(eia.decision_date.day),
                str(eia.decision_date.month),
                str(eia.decision_date.year),
            ],
            field: value,
            "later": "Save and come back later",
        },
    )
    assert response.status_code == 400
    assert (message, href) in error_summary(response)
    after = fingerprint(connection, eia.id)
    column = [c.name for c in Eia.__table__.columns].index(field)
    assert after[0][column] == before[0][column]  # what was stored stays


def test_a_title_saved_with_a_line_break_is_shown_and_saved_again_with_a_space(
    signed_in, officer, make, db
):
    """Saved before one-line answers refused line breaks (or imported): the box shows a
    space where the break was (a browser would silently drop the break and glue the words),
    and saving the page as shown keeps the words apart."""
    eia = make.eia("screening", owner=officer)
    eia.title = "School Streets\nin\r\nHighbury"
    db.add(eia)
    db.commit()
    box = parse(signed_in.get(f"/eias/{eia.reference}/proposal")).find(id="title")
    assert box["value"] == "School Streets in Highbury"
    response = signed_in.post(
        f"/eias/{eia.reference}/proposal",
        data={
            **{k: v for k, v in PROPOSAL.items() if k != "publishable"},
            "title": box["value"],
            "later": "Save and come back later",
        },
    )
    assert response.status_code == 302, response.text[:2000]
    assert fresh(db, eia).title == "School Streets in Highbury"


def test_proposal_cannot_be_changed_once_sent(signed_in, officer, make, connection):
    eia = make.eia("awaiting_sign_off", owner=officer)
    make.session.commit()
    page = parse(signed_in.get(f"/eias/{eia.reference}/proposal"))
    assert page.find("form", attrs={"method": "post", "action": None}) is None
    assert "cannot be changed while the EIA is awaiting sign-off" in words(page)

    before = fingerprint(connection, eia.id)
    response = signed_in.post(
        f"/eias/{eia.reference}/proposal",
        data={**PROPOSAL, "title": "Sneaky change", "save": "Save and continue"},
    )
    assert response.status_code == 409
    assert error_summary(response) == [
        ("Describe the proposal cannot be changed while the EIA is awaiting sign-off.", None)
    ]
    assert parse(response).find(id="title")["value"] == "Sneaky change"  # typed text kept
    assert fingerprint(connection, eia.id) == before


# --- publishing --------------------------------------------------------------------------


def test_a_new_eia_is_marked_to_publish(signed_in, officer, db):
    response = signed_in.post(
        "/eias/new", data={"title": "Library opening hours", "service": str(officer.service_id)}
    )
    eia = db.exec(select(Eia).where(Eia.title == "Library opening hours")).one()
    assert (eia.publishable, eia.confidential, eia.publishing_reason) == (True, False, "")
    page = parse(signed_in.get(response.location.replace("/tasks", "/proposal")))
    assert page.find("input", id="publishable").has_attr("checked")
    assert not page.find("input", id="confidential").has_attr("checked")
    # Without JavaScript too, the reason is there to give when publishing is unticked.
    assert page.find("textarea", id="publishing_reason") is not None


def test_not_publishing_needs_a_reason_which_is_kept_and_shown(signed_in, officer, make, db):
    eia = make.eia("draft", owner=officer)
    url = f"/eias/{eia.reference}/proposal"
    unpublished = {k: v for k, v in PROPOSAL.items() if k != "publishable"}
    response = signed_in.post(url, data={**unpublished, "save": "Save and continue"})
    assert response.status_code == 400
    assert error_summary(response) == [
        ("Enter why the EIA should not be published, or tick to publish it", "#publishing_reason")
    ]
    assert (
        "govuk-form-group--error"
        in parse(response)
        .find(id="publishing_reason")
        .find_parent(class_="govuk-form-group")["class"]
    )

    reason = "It describes the posts of named staff."
    response = signed_in.post(
        url, data={**unpublished, "publishing_reason": reason, "save": "Save and continue"}
    )
    assert response.status_code == 302
    eia = fresh(db, eia)
    assert (eia.publishable, eia.publishing_reason) == (False, reason)
    record = db.exec(
        select(AuditRecord)
        .where(AuditRecord.eia_id == eia.id, AuditRecord.event == "proposal")
        .order_by(AuditRecord.seq.desc())
    ).first()
    assert json.loads(record.details)["publishing_reason"] == ["", reason]

    def shown(page) -> str:
        row = parse(page).find("dt", string="Why it is not published")
        return words(row.find_next("dd")) if row else ""

    assert shown(signed_in.get(f"/eias/{eia.reference}")) == reason
    ops.transition(db, eia, "start_screening", officer)
    db.flush()
    assert shown(signed_in.get(f"/eias/{eia.reference}/check")) == reason

    # Published again: the reason is no longer shown (nor asked for).
    response = signed_in.post(url, data={**PROPOSAL, "save": "Save and continue"})
    assert response.status_code == 302 and fresh(db, eia).publishable is True
    assert shown(signed_in.get(f"/eias/{eia.reference}")) == ""


@pytest.mark.parametrize("button", ["save", "later"])
def test_a_published_eia_cannot_be_confidential(signed_in, officer, make, connection, button):
    eia = make.eia("screening", owner=officer)
    make.session.commit()
    before = fingerprint(connection, eia.id)
    response = signed_in.post(
        f"/eias/{eia.reference}/proposal",
        data={**PROPOSAL, "title": eia.title, "confidential": "y", button: "y"},
    )
    assert response.status_code == 400
    assert error_summary(response) == [
        (
            "A confidential EIA cannot be published: untick publishing and say why, or untick "
            "confidential",
            "#publishable",
        ),
        (
            "A published EIA cannot be confidential: untick confidential, or untick publishing "
            "and say why",
            "#confidential",
        ),
    ]
    page = parse(response)
    for field in ("publishable", "confidential"):
        group = page.find(id=field).find_parent(class_="govuk-form-group")
        assert "govuk-form-group--error" in group["class"], field
        assert group.find(class_="govuk-error-message") is not None, field
    after = fingerprint(connection, eia.id)
    columns = [c.name for c in Eia.__table__.columns]
    for name in ("publishable", "confidential"):
        assert after[0][columns.index(name)] == before[0][columns.index(name)]


# --- screening -------------------------------------------------------------------------


def test_screening_page_asks_about_each_characteristic(signed_in, officer, make, db):
    eia = make.eia("screening", owner=officer)
    age = db.exec(select(Characteristic).where(Characteristic.key == "age")).one()
    age.borough_profile = "Islington has 24,000 residents aged 65 or over."
    db.add(age)
    db.flush()
    response = signed_in.get(f"/eias/{eia.reference}/screening")
    page = parse(response)
    legends = [words(x) for x in page.find_all("legend")]
    assert "Is the proposal relevant to age?" in legends
    assert "Is the proposal relevant to socio-economic status?" in legends
    assert page.find("input", id="age-relevance")["value"] == "relevant"
    assert page.find("textarea", id="age-reason") is not None
    assert "Think about children, young people" in words(page.find(id="age-relevance-hint"))
    assert "Islington's profile: Islington has 24,000 residents aged 65 or over." in words(page)
    ids = [tag["id"] for tag in page.find_all(id=True)]
    assert len(ids) == len(set(ids))
    labels = {words(x) for x in page.find_all("label", class_="govuk-radios__label")}
    assert labels == {"Relevant", "Not relevant", "Don't know yet"}


def test_screening_all_not_relevant_says_no_full_assessment_is_needed(signed_in, officer, make, db):
    eia = make.eia("screening", owner=officer)
    response = signed_in.post(
        f"/eias/{eia.reference}/screening",
        data={**screening_answers(make), "save": "Save and continue"},
    )
    assert (response.status_code, response.location) == (302, f"/eias/{eia.reference}/tasks")
    assert "No full assessment is needed: you can send the screening for sign-off" in banner(
        signed_in.get(response.location)
    )
    eia = fresh(db, eia)
    assert {a.relevance for a in eia.screening_answers} == {"not_relevant"}
    assert len(eia.screening_answers) == len(make.characteristics())
    decision = parse(signed_in.get(f"/eias/{eia.reference}/screening")).find(
        id="screening-decision"
    )
    assert "No full assessment is needed" in words(decision)
    assert f"not relevant to all {len(make.characteristics())} characteristics" in words(decision)


def test_screening_relevant_or_unknown_says_a_full_assessment_is_needed(signed_in, officer, make):
    eia = make.eia("screening", owner=officer)
    response = signed_in.post(
        f"/eias/{eia.reference}/screening",
        data={
            **screening_answers(make, relevant=("age", "disability"), unknown=("race",)),
            "save": "Save and continue",
        },
    )
    assert response.status_code == 302
    page = signed_in.get(response.location)
    assert (
        "A full assessment is needed because screening found age, disability and race "
        "relevant or not yet known"
    ) in banner(page)
    ready = parse(page).find(id="next-steps").find_next("div", class_="govuk-button-group")
    assert "Start the full assessment" in words(ready)
    decision = words(
        parse(signed_in.get(f"/eias/{eia.reference}/screening")).find(id="screening-decision")
    )
    assert "relevant to age and disability and not yet known for race" in decision


def test_screening_saved_for_later_keeps_what_was_answered(signed_in, officer, make, db):
    eia = make.eia("screening", owner=officer)
    answers = screening_answers(make)
    partial = {k: v for k, v in answers.items() if k.startswith(("age-", "disability-"))}
    partial["disability-reason"] = ""
    response = signed_in.post(
        f"/eias/{eia.reference}/screening", data={**partial, "later": "Save and come back later"}
    )
    assert response.status_code == 302
    eia = fresh(db, eia)
    stored = {a.characteristic.key: (a.relevance, a.reason) for a in eia.screening_answers}
    assert stored == {
        "age": ("not_relevant", "Because of age."),
        "disability": ("not_relevant", ""),
    }
    found = tasks(signed_in.get(f"/eias/{eia.reference}/tasks"))
    assert found["Screening"][0] == "In progress"
    assert "Screening is not complete" in found["Screening"][2]


def test_screening_continue_asks_for_every_answer_and_reason(signed_in, officer, make, db):
    eia = make.eia("screening", owner=officer)
    answers = screening_answers(make, skip=("sex",))
    answers["age-reason"] = "  "
    answers["race-relevance"] = "perhaps"
    response = signed_in.post(
        f"/eias/{eia.reference}/screening", data={**answers, "save": "Save and continue"}
    )
    assert response.status_code == 400
    errors = error_summary(response)
    assert ("Give a reason for your answer on age", "#age-reason") in errors
    assert ("Select whether the proposal is relevant to race", "#race-relevance") in errors
    # A characteristic with neither answer is one entry (ten, not twenty, for a page sent
    # empty), linking to its first radio; both of its fields say what they lack.
    assert ("Sex: say whether the proposal is relevant, and why", "#sex-relevance") in errors
    assert len(errors) == 3
    page = parse(response)
    for field_id, message in (
        ("sex-relevance", "Select whether the proposal is relevant to sex"),
        ("sex-reason", "Give a reason for your answer on sex"),
    ):
        group = page.find(id=field_id).find_parent(class_="govuk-form-group--error")
        assert message in group.select_one(".govuk-error-message").get_text()
    for _, href in errors:
        assert parse(response).find(id=href[1:]) is not None, href
    eia = fresh(db, eia)
    stored = {a.characteristic.key: a.relevance for a in eia.screening_answers}
    assert stored["disability"] == "not_relevant"  # valid answers were saved
    assert "sex" not in stored and stored["race"] is None  # the bad one was not


def test_screening_cannot_be_saved_in_draft(signed_in, officer, make, connection):
    eia = make.eia("draft", owner=officer)
    make.session.commit()
    before = fingerprint(connection, eia.id)
    response = signed_in.post(
        f"/eias/{eia.reference}/screening",
        data={**screening_answers(make), "save": "Save and continue"},
    )
    assert response.status_code == 409
    assert "Screening cannot be changed while the EIA is draft." in [
        text for text, _ in error_summary(response)
    ]
    assert fingerprint(connection, eia.id) == before


# --- comments --------------------------------------------------------------------------


def test_comments_are_saved_listed_and_escaped(signed_in, officer, make, db):
    eia = make.eia("draft", owner=officer)
    body = "<script>alert('x')</script>\nSecond line"
    response = signed_in.post(
        f"/eias/{eia.reference}/comments/proposal", data={"comment-body": body}
    )
    assert (response.status_code, response.location) == (
        302,
        f"/eias/{eia.reference}/proposal#comments",
    )
    comment = db.exec(select(Comment).where(Comment.eia_id == eia.id)).one()
    assert (comment.section, comment.body, comment.author_id) == ("proposal", body, officer.id)

    page = signed_in.get(f"/eias/{eia.reference}/proposal")
    assert b"<script>alert" not in page.data
    listed = parse(page).find(id="comments").find(class_="app-multiline")
    assert listed.string == body
    assert officer.name in words(parse(page).find(id="comments"))
    assert "Your comment has been added" in banner(page)


def test_approver_and_equality_officer_comment_in_any_state(client, make, db):
    eia = make.eia("awaiting_sign_off")
    for person in (
        make.user("approver", directorate=eia.directorate),
        make.user("equality_officer"),
    ):
        sign_in(client, person)
        response = client.post(
            f"/eias/{eia.reference}/comments/screening",
            data={"comment-body": f"From {person.name}"},
        )
        assert response.status_code == 302
    assert len(db.exec(select(Comment).where(Comment.eia_id == eia.id)).all()) == 2
    page = parse(client.get(f"/eias/{eia.reference}/screening"))
    assert "From" in words(page.find(id="comments"))


def test_empty_comment_is_refused_with_the_form_again(signed_in, officer, make, connection):
    eia = make.eia("draft", owner=officer)
    make.session.commit()
    before = fingerprint(connection, eia.id)
    response = signed_in.post(
        f"/eias/{eia.reference}/comments/proposal", data={"comment-body": "   "}
    )
    assert response.status_code == 400
    assert error_summary(response) == [("Enter your comment", "#comment-body")]
    assert fingerprint(connection, eia.id) == before


def test_comment_next_stays_on_this_site(signed_in, officer, make):
    eia = make.eia("draft", owner=officer)
    for target, expected in [
        (f"/eias/{eia.reference}", f"/eias/{eia.reference}"),
        ("https://evil.example/", f"/eias/{eia.reference}/proposal#comments"),
        ("//evil.example/", f"/eias/{eia.reference}/proposal#comments"),
    ]:
        response = signed_in.post(
            f"/eias/{eia.reference}/comments/proposal",
            data={"comment-body": "Hello", "comment-next": target},
        )
        assert response.location == expected


def test_comment_on_an_unknown_section_is_404(signed_in, officer, make):
    eia = make.eia("draft", owner=officer)
    assert (
        signed_in.post(
            f"/eias/{eia.reference}/comments/nonsense", data={"comment-body": "x"}
        ).status_code
        == 404
    )


def test_someone_who_may_read_but_not_comment_is_refused(client, make, db, connection):
    eia = make.eia("full_assessment")
    action_owner = make.user("officer")  # another service: sees the EIA through an action
    ops.save_action(db, eia, eia.owner, {"description": "Survey", "owner_id": action_owner.id})
    db.commit()
    sign_in(client, action_owner)
    before = fingerprint(connection, eia.id)
    response = client.post(
        f"/eias/{eia.reference}/comments/general", data={"comment-body": "May I?"}
    )
    assert response.status_code == 403
    assert "You do not have access to this page" in response.text
    assert fingerprint(connection, eia.id) == before


# --- check your answers ----------------------------------------------------------------


def test_check_page_shows_every_answer_with_change_links(signed_in, officer, make):
    eia = make.eia("screening", owner=officer, title="Resident parking")
    make.screen(eia, officer, relevant=())
    page = parse(signed_in.get(f"/eias/{eia.reference}/check"))
    rows = {
        words(r.dt): r
        for r in page.find(id="section-proposal")
        .find_next("dl")
        .find_all(class_="govuk-summary-list__row")
    }
    assert words(rows["Title"].find(class_="govuk-summary-list__value")) == "Resident parking"
    assert rows["Title"].find("a")["href"] == f"/eias/{eia.reference}/proposal#title"
    assert rows["Decision date"].find("a")["href"].endswith("#decision_date-day")
    screening = {
        words(r.dt): r
        for r in page.find(id="section-screening")
        .find_next("dl")
        .find_all(class_="govuk-summary-list__row")
    }
    assert "Not relevant Reason for age." in words(screening["Age"])
    assert screening["Age"].find("a")["href"] == f"/eias/{eia.reference}/screening#age-relevance"
    assert page.find("button", string=lambda s: s and "Send the screening for sign-off" in s)


def test_check_and_send_screens_out_when_nothing_is_relevant(signed_in, officer, make, db):
    eia = make.eia("screening", owner=officer)
    make.screen(eia, officer, relevant=())
    db.flush()
    before = audit_count(db)
    response = signed_in.post(f"/eias/{eia.reference}/check")
    assert (response.status_code, response.location) == (302, f"/eias/{eia.reference}/tasks")
    eia = fresh(db, eia)
    assert eia.status == "awaiting_sign_off"
    assert eia.screening_conclusion.startswith("No full assessment is needed")
    assert audit_count(db) == before + 1
    assert "sent for sign-off" in banner(signed_in.get(response.location))


def test_check_and_send_submits_a_full_assessment(signed_in, officer, make, db):
    eia = make.eia("full_assessment", owner=officer)
    make.assess(eia, officer)
    db.flush()
    page = parse(signed_in.get(f"/eias/{eia.reference}/check"))
    impacts = words(page.find(id="section-impacts").find_next("dl"))
    assert "Before mitigation: Medium" in impacts and "After mitigation: Low" in impacts
    assert page.find("button", string=lambda s: s and "Send for sign-off" in s)
    response = signed_in.post(f"/eias/{eia.reference}/check")
    assert response.status_code == 302
    assert fresh(db, eia).status == "awaiting_sign_off"


def test_check_and_send_explains_why_not_when_incomplete(signed_in, officer, make, connection):
    eia = make.eia("full_assessment", owner=officer)
    make.session.commit()
    before = fingerprint(connection, eia.id)
    page = parse(signed_in.get(f"/eias/{eia.reference}/check"))
    assert "Before you can send it" in words(page)

    response = signed_in.post(f"/eias/{eia.reference}/check")
    assert response.status_code == 409
    errors = [text for text, _ in error_summary(response)]
    assert any(e.startswith("Score the impact") for e in errors)
    assert "Choose the outcome of the assessment (one of the four)." in errors
    assert "Set a review date." in errors
    anchors = dict(error_summary(response))
    assert anchors["Set a review date."] == f"/eias/{eia.reference}/outcome"  # its page
    assert fingerprint(connection, eia.id) == before


def test_check_in_screening_with_relevant_answers_offers_the_full_assessment(
    signed_in, officer, make, connection
):
    eia = make.eia("screening", owner=officer)
    make.screen(eia, officer, relevant=("age",))
    make.session.commit()
    page = parse(signed_in.get(f"/eias/{eia.reference}/check"))
    start = page.find("button", string=lambda s: s and "Start the full assessment" in s)
    assert (
        start.find_parent("form")["action"] == f"/eias/{eia.reference}/events/start_full_assessment"
    )
    before = fingerprint(connection, eia.id)
    response = signed_in.post(f"/eias/{eia.reference}/check")
    assert response.status_code == 409
    assert error_summary(response)[0][0].startswith(
        "A full assessment is needed because screening found age relevant"
    )
    assert fingerprint(connection, eia.id) == before


# --- lifecycle events ------------------------------------------------------------------


def test_withdraw_asks_for_a_reason_and_refuses_without_one(
    signed_in, officer, make, db, connection
):
    eia = make.eia("screening", owner=officer)
    make.session.commit()
    page = parse(signed_in.get(f"/eias/{eia.reference}/events/withdraw"))
    assert words(page.h1) == "Withdraw the proposal"
    assert (
        words(page.find("label", attrs={"for": "reason"})) == "Why is the proposal being withdrawn?"
    )

    before = fingerprint(connection, eia.id)
    response = signed_in.post(f"/eias/{eia.reference}/events/withdraw", data={"reason": " "})
    assert response.status_code == 400
    assert error_summary(response) == [("Enter the reason", "#reason")]
    assert fingerprint(connection, eia.id) == before

    response = signed_in.post(
        f"/eias/{eia.reference}/events/withdraw", data={"reason": "The Executive dropped it."}
    )
    assert (response.status_code, response.location) == (302, f"/eias/{eia.reference}/tasks")
    eia = fresh(db, eia)
    assert (eia.status, eia.closing_reason) == ("withdrawn", "The Executive dropped it.")
    assert "withdrawn" in banner(signed_in.get(response.location))


def test_confirm_review_asks_for_notes_and_a_future_date(client, make, db):
    eia = make.eia("under_review")
    approver = make.user("approver", directorate=eia.directorate)
    sign_in(client, approver)
    page = parse(client.get(f"/eias/{eia.reference}/events/confirm_review"))
    assert page.find("textarea", id="review_notes") is not None
    assert page.find("input", id="next_review_date-day") is not None
    response = client.post(
        f"/eias/{eia.reference}/events/confirm_review",
        data={"review_notes": "Still stands.", "next_review_date": ["1", "1", "2020"]},
    )
    assert response.status_code == 400
    assert error_summary(response) == [
        ("Next review date must be in the future", "#next_review_date-day")
    ]
    next_year = date.today() + timedelta(days=365)
    response = client.post(
        f"/eias/{eia.reference}/events/confirm_review",
        data={
            "review_notes": "Still stands.",
            "next_review_date": [str(next_year.day), str(next_year.month), str(next_year.year)],
        },
    )
    assert response.status_code == 302
    eia = fresh(db, eia)
    assert (eia.status, eia.review_date) == ("approved", next_year)


def test_event_that_cannot_happen_yet_says_why(signed_in, officer, make, connection):
    eia = make.eia("draft", owner=officer)  # the proposal is not complete
    make.session.commit()
    page = parse(signed_in.get(f"/eias/{eia.reference}/events/start_screening"))
    assert "The proposal is not complete" in words(page)
    before = fingerprint(connection, eia.id)
    response = signed_in.post(f"/eias/{eia.reference}/events/start_screening")
    assert response.status_code == 409
    assert error_summary(response)[0][0].startswith("The proposal is not complete")
    assert fingerprint(connection, eia.id) == before


def test_event_by_someone_not_allowed_is_403_with_the_reason(client, make, connection):
    eia = make.eia("draft")
    make.session.commit()
    sign_in(client, make.user("equality_officer"))
    page = client.get(f"/eias/{eia.reference}/events/withdraw")
    assert page.status_code == 403
    assert "Only the EIA's owner" in words(parse(page))
    before = fingerprint(connection, eia.id)
    response = client.post(f"/eias/{eia.reference}/events/withdraw", data={"reason": "No."})
    assert response.status_code == 403
    assert error_summary(response)[0][0].startswith("Only the EIA's owner")
    assert fingerprint(connection, eia.id) == before


@pytest.mark.parametrize("event", ["approve", "return", "nonsense", "status"])
def test_sign_off_and_unknown_events_are_not_on_the_generic_page(signed_in, officer, make, event):
    eia = make.eia("awaiting_sign_off", owner=officer)
    assert signed_in.get(f"/eias/{eia.reference}/events/{event}").status_code == 404
    assert (
        signed_in.post(f"/eias/{eia.reference}/events/{event}", data={"attested": "y"}).status_code
        == 404
    )


# --- who may see the journey -----------------------------------------------------------


def journey_urls(ref: str) -> list[tuple[str, str]]:
    return [
        ("get", f"/eias/{ref}/tasks"),
        ("get", f"/eias/{ref}/proposal"),
        ("post", f"/eias/{ref}/proposal"),
        ("get", f"/eias/{ref}/screening"),
        ("post", f"/eias/{ref}/screening"),
        ("get", f"/eias/{ref}/check"),
        ("post", f"/eias/{ref}/check"),
        ("post", f"/eias/{ref}/comments/general"),
        ("get", f"/eias/{ref}/events/withdraw"),
        ("post", f"/eias/{ref}/events/withdraw"),
    ]


def test_person_from_another_service_gets_403_on_every_journey_page(client, make, connection):
    eia = make.eia("screening")
    make.session.commit()
    sign_in(client, make.user("officer"))
    before = fingerprint(connection, eia.id)
    for method, url in journey_urls(eia.reference):
        response = getattr(client, method)(
            url, data={"reason": "x", "comment-body": "x", "title": "x"}
        )
        assert response.status_code == 403, (method, url)
        assert "You do not have access to this page" in words(parse(response))
    assert fingerprint(connection, eia.id) == before


def test_unknown_eia_is_404_and_signed_out_people_are_sent_to_sign_in(client, make):
    sign_in(client, make.user("officer"))
    for method, url in journey_urls("EIA-0000-00000"):
        assert getattr(client, method)(url).status_code == 404, url
    eia = make.eia("draft")
    signed_out = client.application.test_client()
    for method, url in journey_urls(eia.reference) + [("get", "/eias/new")]:
        response = getattr(signed_out, method)(url)
        assert response.status_code == 302 and "/sign-in" in response.location, url


# --- every page ------------------------------------------------------------------------


def test_every_journey_page_has_one_h1_no_inline_script_and_unique_ids(
    app, signed_in, officer, make
):
    app.config["WTF_CSRF_ENABLED"] = True
    eia = make.eia("full_assessment", owner=officer)
    pages = [
        "/eias/new",
        f"/eias/{eia.reference}/tasks",
        f"/eias/{eia.reference}/proposal",
        f"/eias/{eia.reference}/screening",
        f"/eias/{eia.reference}/check",
        f"/eias/{eia.reference}/events/withdraw",
    ]
    for url in pages:
        response = signed_in.get(url)
        assert response.status_code == 200, url
        page = parse(response)
        assert len(page.find_all("h1")) == 1, url
        assert [s["src"] for s in page.find_all("script")] == ["/static/app/init.js"], url
        assert not any(
            attr.startswith("on") for tag in page.find_all(True) for attr in tag.attrs
        ), url
        ids = [tag["id"] for tag in page.find_all(id=True)]
        assert len(ids) == len(set(ids)), (url, [i for i in ids if ids.count(i) > 1])
        for label in page.find_all("label"):
            assert page.find(id=label["for"]) is not None, (url, label)
        for form in page.find_all("form", method="post"):
            assert (
                form.find("input", attrs={"name": lambda n: n and n.endswith("csrf_token")})
                is not None
            ), url


def test_forms_work_with_csrf_switched_on(app, signed_in, officer, make, db):
    app.config["WTF_CSRF_ENABLED"] = True
    eia = make.eia("draft", owner=officer)

    def token(url, name="csrf_token"):
        page = parse(signed_in.get(url))
        return page.find("input", attrs={"name": name})["value"]

    proposal = f"/eias/{eia.reference}/proposal"
    assert signed_in.post(proposal, data={**PROPOSAL, "later": "y"}).status_code == 400
    response = signed_in.post(
        proposal, data={**PROPOSAL, "later": "y", "csrf_token": token(proposal)}
    )
    assert response.status_code == 302
    response = signed_in.post(
        f"/eias/{eia.reference}/comments/proposal",
        data={
            "comment-body": "Looks good",
            "comment-csrf_token": token(proposal, "comment-csrf_token"),
        },
    )
    assert response.status_code == 302
    tasks_url = f"/eias/{eia.reference}/tasks"
    response = signed_in.post(
        f"/eias/{eia.reference}/events/start_screening", data={"csrf_token": token(tasks_url)}
    )
    assert response.status_code == 302
    assert fresh(db, eia).status == "screening"


def test_task_list_links_the_whole_eia_page(signed_in, officer, make):
    eia = make.eia("draft", owner=officer)
    page = parse(signed_in.get(f"/eias/{eia.reference}/tasks"))
    assert page.find("a", href=f"/eias/{eia.reference}") is not None


def test_database_errors_are_never_a_500(signed_in, officer, make, monkeypatch):
    eia = make.eia("draft", owner=officer)

    def broken(*args, **kwargs):
        raise sa.exc.DataError("INSERT", {}, Exception("value too long"))

    monkeypatch.setattr(ops, "update_eia", broken)
    response = signed_in.post(
        f"/eias/{eia.reference}/proposal", data={**PROPOSAL, "later": "Save and come back later"}
    )
    assert response.status_code == 400
    assert "could not be saved" in error_summary(response)[0][0]

"""The pages that show EIAs: what a person reads on them, and that they are built soundly."""

import logging
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup

from eia import create_app
from eia import operations as ops
from eia.dates import long_date
from eia.web import assets

from .support.html import get_page, parse, words
from .support.people import sign_in

RETURNED_AT = datetime(2026, 3, 3, 12, tzinfo=UTC)


@pytest.fixture
def client(client, make):
    """These pages as the Policy and Equality Unit sees them: every EIA."""
    sign_in(client, make.user("equality_officer", name="Amara Equality"))
    return client


def section(page: BeautifulSoup, heading: str, tag: str):
    """The first ``tag`` after the h2 called ``heading``."""
    h2 = page.find("h2", string=lambda s: s and s.strip() == heading)
    assert h2 is not None, f"no section {heading!r}"
    return h2.find_next(tag)


def history_of(client, eia) -> list[str]:
    page = get_page(client, f"/eias/{eia.reference}")
    return [words(li) for li in section(page, "History", "ol").find_all("li")]


def results(page: BeautifulSoup) -> dict[str, list[str]]:
    """The EIA list's rows: reference -> the other cells, in words."""
    table = page.find("caption", string=lambda s: s and "newest first" in s).parent
    return {
        words(row.th): [words(td) for td in row.find_all("td")]
        for row in table.tbody.find_all("tr")
    }


def state_counts(page: BeautifulSoup) -> dict[str, str]:
    table = page.find("caption", string="Number of EIAs in each state").parent
    return {words(row.th): words(row.td) for row in table.tbody.find_all("tr")}


# --- the list of EIAs ------------------------------------------------------------------


def test_list_shows_each_eia_with_its_state_in_words(client, make):
    draft = make.eia("draft", title="Resident parking zones")
    approved = make.eia("approved", title="Library opening hours")
    rows = results(get_page(client, "/"))
    assert list(rows) == [approved.reference, draft.reference]  # newest first
    title, service, directorate, state, decision, owner = rows[approved.reference]
    assert (title, state, owner) == ("Library opening hours", "Approved", approved.owner.name)
    assert (service, directorate) == (approved.service.name, approved.directorate.name)
    assert decision != "Not set"
    assert rows[draft.reference][3] == "Draft"
    assert rows[draft.reference][4] == "Not set"


def test_list_filters_by_state_and_counts_each_state(client, make):
    make.eia("draft")
    make.eia("draft")
    approved = make.eia("approved")
    page = get_page(client, "/?status=approved")
    assert list(results(page)) == [approved.reference]
    assert page.find("option", selected=True)["value"] == "approved"
    counts = state_counts(page)
    assert (counts["Draft"], counts["Approved"], counts["Screening"]) == ("2", "1", "0")
    assert counts["All states"] == "3"


def test_filter_form_works_without_javascript(client, make):
    page = get_page(client, "/")
    form = page.find("main").find("form")
    assert form["method"] == "get"
    assert form.find("select")["name"] == "status"
    assert form.find("button", type="submit")


def test_unknown_state_shows_every_eia(client, make):
    make.eia("draft")
    make.eia("screening")
    assert len(results(get_page(client, "/?status=nonsense"))) == 2


def test_empty_state_says_so(client, make):
    make.eia("draft")
    page = get_page(client, "/?status=archived")
    assert "There are no EIAs in this state." in words(page.main)


def test_list_needs_the_same_queries_however_many_eias(client, make, connection):
    def queries_for_list() -> int:
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        sa.event.listen(connection, "before_cursor_execute", listener)
        try:
            get_page(client, "/")
        finally:
            sa.event.remove(connection, "before_cursor_execute", listener)
        return len(statements)

    make.eia("draft")
    few = queries_for_list()
    assert few > 0
    for status in ("approved", "screening", "draft"):
        make.eia(status)
    assert queries_for_list() == few


# --- one EIA ---------------------------------------------------------------------------


def test_eia_page_shows_the_proposal_in_words(client, make):
    eia = make.eia("screening", title="School Streets")
    page = get_page(client, f"/eias/{eia.reference}")
    assert words(page.h1) == "School Streets"
    summary = section(page, "The proposal", "dl")
    rows = {words(r.dt): words(r.dd) for r in summary.find_all(class_="govuk-summary-list__row")}
    assert rows["Kind of proposal"] == "Change to a service"
    assert rows["Who it affects"] == "Residents, Service users"
    assert rows["Kind of decision"] == "Committee or Executive decision"
    assert rows["Decision date"] == f"{eia.decision_date.day} {eia.decision_date:%B %Y}"
    assert "Screening" in words(page.find(class_="govuk-tag"))


def test_eia_page_shows_impacts_with_bands_in_words(client, make):
    eia = make.eia("awaiting_sign_off")
    page = get_page(client, f"/eias/{eia.reference}")
    table = section(page, "Impact on each characteristic", "table")
    impacts = {
        words(r.th): [words(td) for td in r.find_all("td")] for r in table.tbody.find_all("tr")
    }
    assert set(impacts) == {"Age", "Disability"}
    direction, before, after, evidence, mitigation = impacts["Disability"]
    assert direction.startswith("Negative")
    assert "advance equality of opportunity" in direction
    assert before == "Medium Likely × Significant = 9"
    assert after == "Low Possible × Moderate = 4"
    assert evidence == "Borough profile and service-user data."
    assert mitigation == "Exemptions and an accessible alternative route."


def test_evidence_gap_is_shown_with_its_reason(client, make, db):
    eia = make.eia("full_assessment")
    disability = next(
        a.characteristic for a in eia.screening_answers if a.characteristic.key == "disability"
    )
    ops.save_impact(
        db,
        eia,
        eia.owner,
        disability.id,
        dict(evidence_gap=True, evidence_gap_reason="No data on blue badge holders."),
        section="evidence",
    )
    db.flush()
    page = get_page(client, f"/eias/{eia.reference}")
    table = section(page, "Impact on each characteristic", "table")
    assert "Evidence gap: No data on blue badge holders." in words(table)
    actions = section(page, "Action plan", "table")
    assert "Close the evidence gap for disability" in words(actions)
    assert "Raised from an evidence gap" in words(actions)


def test_screening_answers_are_listed_with_their_reasons(client, make):
    eia = make.eia("full_assessment")
    table = section(get_page(client, f"/eias/{eia.reference}"), "Screening", "table")
    rows = {words(r.th): [words(td) for td in r.find_all("td")] for r in table.tbody.find_all("tr")}
    assert rows["Age"] == ["Relevant", "Reason for age."]
    assert rows["Race"] == ["Not relevant", "Reason for race."]


def test_intersectional_engagement_actions_and_outcome_are_shown(client, make, db):
    eia = make.eia("full_assessment")
    owner = eia.owner
    ids = {c.key: c.id for c in make.characteristics()}
    ops.save_intersectional(
        db,
        eia,
        owner,
        dict(
            description="Disabled older residents",
            direction="negative",
            inherent_likelihood=4,
            inherent_severity=4,
            residual_likelihood=1,
            residual_severity=2,
            mitigation="Door-to-door transport.",
        ),
        [ids["age"], ids["disability"]],
    )
    ops.add_engagement(
        db,
        eia,
        owner,
        dict(
            who="Disability forum",
            method="Workshop",
            what_they_said="Too far to walk.",
            what_changed="Added drop-off bays.",
        ),
    )
    ops.save_action(
        db,
        eia,
        owner,
        dict(
            description="Mark drop-off bays",
            owner_id=owner.id,
            due_date=datetime(2026, 9, 1).date(),
        ),
    )
    ops.update_eia(
        db,
        eia,
        "outcome",
        owner,
        dict(outcome="3", justification_legitimate_aim="Safer streets for children."),
    )
    db.flush()
    page = get_page(client, f"/eias/{eia.reference}")

    group = section(page, "Intersectional impacts", "table").tbody.tr
    assert words(group.th) == "Disabled older residents Age and Disability"
    assert [words(td) for td in group.find_all("td")][1:3] == [
        "High Almost certain × Severe = 16",
        "Negligible Unlikely × Moderate = 2",
    ]
    assert "Too far to walk. Added drop-off bays." in words(
        section(page, "Engagement and consultation", "table")
    )
    action = [
        words(c) for c in section(page, "Action plan", "table").tbody.tr.find_all(["th", "td"])
    ]
    assert action == ["Mark drop-off bays", owner.name, "1 September 2026", "Proposed"]
    outcome = {
        words(r.dt): words(r.dd)
        for r in section(page, "Outcome", "dl").find_all(class_="govuk-summary-list__row")
    }
    assert outcome["Outcome"] == "Outcome 3: continue despite adverse impact"
    assert outcome["The legitimate aim"] == "Safer streets for children."
    assert outcome["Why it is proportionate"] == "Not given"


def test_draft_says_what_is_missing_before_it_can_move_on(client, make):
    eia = make.eia("draft")
    ops.update_eia(make.session, eia, "proposal", eia.owner, {"summary": ""})
    page = get_page(client, f"/eias/{eia.reference}")
    steps = section(page, "What happens next", "dl")
    rows = {words(r.dt): r.dd for r in steps.find_all(class_="govuk-summary-list__row")}
    reasons = [words(li) for li in rows["Start screening"].find_all("li")]
    assert reasons and reasons[0].startswith("The proposal is not complete")
    assert "a summary of the proposal" in reasons[0]
    assert words(rows["Withdraw the proposal"]).startswith("Ready")


def test_ready_step_says_ready(client, make):
    eia = make.eia("full_assessment")
    make.assess(eia, eia.owner)
    steps = section(get_page(client, f"/eias/{eia.reference}"), "What happens next", "dl")
    rows = {words(r.dt): words(r.dd) for r in steps.find_all(class_="govuk-summary-list__row")}
    assert rows["Send for sign-off"] == "Ready"


def test_history_is_told_in_plain_words(client, make, db):
    eia = make.eia("awaiting_sign_off")
    approver = make.user("approver", directorate=eia.directorate, name="Ann Approver")
    ops.transition(
        db,
        eia,
        "return",
        approver,
        at=RETURNED_AT,
        comment="Add evidence for disability",
        return_to="full_assessment",
    )
    db.flush()
    history = history_of(client, eia)
    owner = eia.owner.name
    assert history[0].startswith(f"Created by {owner} on ")
    assert any(h.startswith(f"Screening edited by {owner} on ") for h in history)
    assert any(h.startswith(f"Sent for sign-off by {owner} on ") for h in history)
    assert history[-1] == (
        "Returned to full assessment by Ann Approver on 3 March 2026: Add evidence for disability"
    )


def test_comments_appear_in_the_history(client, make, db):
    eia = make.eia("full_assessment")
    approver = make.user("approver", directorate=eia.directorate, name="Ann Approver")
    ops.add_comment(db, eia, approver, "impacts", "Check the age scores.", at=RETURNED_AT)
    db.flush()
    assert history_of(client, eia)[-1] == (
        "Comment on impacts by Ann Approver on 3 March 2026: Check the age scores."
    )


def test_late_sign_off_is_flagged_in_words(client, make, db):
    eia = make.eia("awaiting_sign_off")
    approver = make.user("approver", directorate=eia.directorate, name="Ann Approver")
    day = eia.decision_date + timedelta(days=3)
    at = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    ops.transition(
        db,
        eia,
        "approve",
        approver,
        attested=True,
        at=at,
        late_reason="Committee papers went out early.",
    )
    db.flush()
    page = get_page(client, f"/eias/{eia.reference}")
    sign_offs = words(section(page, "Sign-off", "table"))
    assert "Signed after the decision date" in sign_offs
    assert "Reason: Committee papers went out early." in sign_offs
    history = [words(li) for li in section(page, "History", "ol").find_all("li")]
    assert history[-1] == (
        f"Approved by Ann Approver on {day.day} {day:%B %Y} "
        "(late: Committee papers went out early.)"
    )


def test_scheduler_moves_are_told_as_automatic(client, make, db):
    eia = make.eia("approved")
    ops.start_due_reviews(db, today=eia.review_date)
    db.flush()
    history = history_of(client, eia)
    review_day = eia.review_date
    assert history[-1] == f"Review started automatically on {review_day.day} {review_day:%B %Y}"


def test_revised_eia_keeps_the_earlier_version_readable(client, make, db):
    eia = make.eia("under_review", title="Original title")
    ops.transition(db, eia, "revise", eia.owner, review_notes="Usage has changed.")
    ops.update_eia(db, eia, "proposal", eia.owner, {"title": "Revised title"})
    db.flush()

    page = get_page(client, f"/eias/{eia.reference}")
    assert words(page.h1) == "Revised title"
    versions = section(page, "Versions", "ul")
    link = versions.find("a", string="Version 1")
    assert link["href"] == f"/eias/{eia.reference}/versions/1"
    reviews = words(section(page, "Reviews", "table"))
    assert "Revised" in reviews and "Usage has changed." in reviews

    frozen = get_page(client, link["href"])
    assert words(frozen.h1) == "Original title"
    frozen_on = long_date(eia.versions[0].frozen_at)
    assert f"Version 1 (frozen on {frozen_on})" in words(frozen.main)
    assert "as it stood when it was approved" in words(frozen.find(class_="govuk-inset-text"))
    assert "Medium Likely × Significant = 9" in words(
        section(frozen, "Impact on each characteristic", "table")
    )


def test_user_text_is_escaped_and_keeps_its_line_breaks(client, make, db):
    eia = make.eia("draft", title="<script>alert('title')</script>")
    ops.update_eia(db, eia, "proposal", eia.owner, {"summary": "First line\n<b>second</b> line"})
    db.flush()
    response = client.get(f"/eias/{eia.reference}")
    assert b"<script>alert" not in response.data
    assert b"&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in response.data
    page = parse(response)
    assert page.find("b") is None
    summary = section(page, "The proposal", "dl").find("dd")
    assert summary.string == "First line\n<b>second</b> line"
    assert "app-multiline" in summary["class"]


# --- every page ------------------------------------------------------------------------


@pytest.fixture
def every_page(make, db):
    eia = make.eia("under_review")
    ops.transition(db, eia, "revise", eia.owner, review_notes="Revise it.")
    db.flush()
    return [
        "/",
        "/?status=draft",
        f"/eias/{eia.reference}",
        f"/eias/{eia.reference}/versions/1",
        "/no-such-page",
    ]


def test_every_page_has_one_h1_landmarks_and_scoped_table_headers(client, every_page):
    for url in every_page:
        response = client.get(url)
        page = parse(response)
        assert len(page.find_all("h1")) == 1, url
        assert page.find("html")["lang"] == "en"
        assert page.find("header") and page.find("footer") and page.find("nav"), url
        assert len(page.find_all("main")) == 1 and page.main["id"] == "main-content", url
        assert page.find("a", href="#main-content").get_text(strip=True) == "Skip to main content"
        for th in page.find_all("th"):
            assert th.get("scope") in ("col", "row"), (url, th)


def test_pages_have_the_councils_generic_header_and_no_inline_script(client, every_page):
    for url in every_page:
        page = parse(client.get(url))
        header = page.find("header")
        assert "Islington Council" in words(header.find(class_="govuk-generic-header"))
        assert "Equality Impact Assessment" in words(header)
        assert header.find("svg") is None  # no crown
        assert "GOV.UK" not in words(page) and "Crown copyright" not in words(page)
        scripts = page.find_all("script")
        assert [s["src"] for s in scripts] == ["/static/app/init.js"]
        assert all(s["type"] == "module" and not s.string for s in scripts)
        assert not any(attr.startswith("on") for tag in page.find_all(True) for attr in tag.attrs)


def test_dates_read_like_3_march_2026():
    assert long_date(datetime(2026, 3, 3, 23, 30, tzinfo=UTC)) == "3 March 2026"
    # A timestamp late on a summer evening is the next day in London.
    assert long_date(datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == "1 July 2026"
    assert long_date("2026-03-03") == "3 March 2026"
    assert long_date(None) == ""


# --- errors, health and assets -----------------------------------------------------------


def test_unknown_reference_gets_the_friendly_404_page(client):
    page = get_page(client, "/eias/EIA-0000-00000", status=404)
    assert words(page.h1) == "Page not found"
    assert page.find("a", string="see all Equality Impact Assessments")


def test_unknown_version_gets_the_404_page(client, make):
    eia = make.eia("draft")
    page = get_page(client, f"/eias/{eia.reference}/versions/1", status=404)
    assert words(page.h1) == "Page not found"


def test_server_error_page_shows_no_stack_trace(app, make):
    def broken():
        raise RuntimeError("secret internals")

    app.add_url_rule("/broken", "broken", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    client = app.test_client()
    sign_in(client, make.user("officer"))
    response = client.get("/broken")
    assert response.status_code == 500
    page = parse(response)
    assert words(page.h1) == "Sorry, there is a problem with the service"
    assert b"secret internals" not in response.data and b"Traceback" not in response.data


def test_healthz_says_ok(client):
    response = client.get("/healthz")
    assert (response.status_code, response.text) == (200, "ok")


def test_own_script_and_stylesheet_are_served(client):
    script = client.get("/static/app/init.js")
    assert script.status_code == 200 and "javascript" in script.mimetype
    assert b"initAll()" in script.data
    assert client.get("/static/app/app.css").status_code == 200


def test_govuk_frontend_is_served(client):
    assert client.get("/static/govuk/govuk-frontend.min.css").mimetype == "text/css"
    assert client.get("/static/govuk/govuk-frontend.min.js").status_code == 200
    assert client.get("/assets/images/favicon.ico").status_code == 200


def test_app_starts_without_govuk_frontend_and_says_so(connection, tmp_path, monkeypatch, caplog):
    from .support.db import session_on

    monkeypatch.setattr(assets, "GOVUK_DIST", tmp_path / "missing")
    with caplog.at_level(logging.WARNING):
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "test",
                "DATABASE_URL": "sqlite:///" + str(tmp_path / "unused.db"),
                "SESSION_FACTORY": lambda: session_on(connection),
                "CELERY_BROKER_URL": "memory://",
                "CELERY_RESULT_BACKEND": "cache+memory://",
            }
        )
    assert "GOV.UK Frontend is not installed" in caplog.text
    client = app.test_client()
    assert client.get("/sign-in").status_code == 200
    assert client.get("/static/govuk/govuk-frontend.min.css").status_code == 404

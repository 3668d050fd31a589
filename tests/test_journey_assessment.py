"""The full assessment's pages: evidence, impacts (with the risk matrices), intersectional
impacts, engagement, the action plan and the outcome, through the routes a browser uses."""

from datetime import date, timedelta

import pytest
from sqlmodel import select

from eia import audit
from eia import operations as ops
from eia.models import ActionItem, Characteristic, EngagementRecord, IntersectionalImpact

from .support.db import audit_count, fingerprint, fresh
from .support.formdata import typed
from .support.html import banner, error_summary, parse, tasks, words
from .support.people import sign_in

NEXT_YEAR = date.today() + timedelta(days=365)


def char(db, key: str) -> Characteristic:
    return db.exec(select(Characteristic).where(Characteristic.key == key)).one()


SCORED = {
    "direction": "negative",
    "aims": ["aim_discrimination", "aim_opportunity"],
    "inherent_likelihood": "3",
    "inherent_severity": "3",
    "residual_likelihood": "2",
    "residual_severity": "2",
    "mitigation": "Exemptions for blue badge holders.",
    "save": "Save and continue",
}
ENGAGEMENT = {
    "who": "Islington Disability Forum",
    "method": "Public meeting",
    "held_on": ["14", "1", "2026"],
    "what_they_said": "Worried about access.",
    "what_changed": "Added exemptions.",
}
OUTCOME = {
    "outcome": "2",
    "outcome_reason": "Adjusted after consultation.",
    "review_date": typed(NEXT_YEAR),
    "save": "Save and continue",
}


@pytest.fixture
def eia(make, officer):
    """A full assessment: screening found age and disability relevant."""
    return make.eia("full_assessment", owner=officer)


def url(eia, path: str = "") -> str:
    return f"/eias/{eia.reference}/{path}"


def action_data(owner, **extra) -> dict:
    return {
        "description": "Run drop-in sessions at Finsbury Library.",
        "owner_id": str(owner.id),
        "due_date": typed(NEXT_YEAR),
        "status": "planned",
        "mitigates": "",
        **extra,
    }


# --- the whole way through -------------------------------------------------------------


def test_a_full_assessment_from_the_browser_to_sign_off(signed_in, officer, eia, db):
    ref = eia.reference
    page = parse(signed_in.get(url(eia, "evidence")))
    listed = {
        words(i.find(class_="govuk-task-list__name-and-hint").a): words(
            i.find(class_="govuk-task-list__status")
        )
        for i in page.find_all(class_="govuk-task-list__item")
    }
    assert listed == {"Age": "Not started", "Disability": "Not started"}

    # Evidence: age has some, disability has a gap (which becomes a proposed action).
    response = signed_in.post(
        url(eia, "evidence/age"),
        data={"evidence": "Borough profile: 24,000 residents aged 65+.", "save": "y"},
    )
    assert (response.status_code, response.location) == (302, f"/eias/{ref}/evidence/disability")
    response = signed_in.post(
        url(eia, "evidence/disability"),
        data={
            "evidence_gap": "y",
            "evidence_gap_reason": "No data on disabled pupils' journeys.",
            "save": "y",
        },
    )
    # After the last characteristic's evidence: on to the next section, as impacts do.
    assert (response.status_code, response.location) == (302, f"/eias/{ref}/engagement")
    found = tasks(signed_in.get(f"/eias/{ref}/tasks"))
    assert found["Evidence"][0] == "Completed"

    # Impacts, each with its band in words.
    response = signed_in.post(url(eia, "impacts/age"), data=SCORED)
    assert response.location == f"/eias/{ref}/impacts/disability"
    assert "Before mitigation: Likely × Significant = 9, Medium" in banner(
        signed_in.get(response.location)
    )
    response = signed_in.post(
        url(eia, "impacts/disability"), data={**SCORED, "direction": "positive", "mitigation": ""}
    )
    assert response.location == f"/eias/{ref}/impacts"

    # Engagement: one record, then "I have completed this section".
    response = signed_in.post(url(eia, "engagement/new"), data=ENGAGEMENT)
    assert response.location == f"/eias/{ref}/engagement"
    response = signed_in.post(url(eia, "engagement"), data={"completed": "yes"})
    assert response.status_code == 302

    # No intersectional impacts: saying so completes the section.
    response = signed_in.post(url(eia, "intersectional"), data={"completed": "yes"})
    assert response.location == f"/eias/{ref}/actions"

    # The action plan holds the gap's action: plan it, then complete the section.
    action = db.exec(select(ActionItem).where(ActionItem.eia_id == eia.id)).one()
    assert action.from_evidence_gap
    response = signed_in.post(
        url(eia, f"actions/{action.id}"),
        data=action_data(
            officer, description=action.description, mitigates=f"impact-{action.impact_id}"
        ),
    )
    assert response.location == f"/eias/{ref}/actions"
    response = signed_in.post(url(eia, "actions"), data={"completed": "yes"})
    assert response.location == f"/eias/{ref}/outcome"

    response = signed_in.post(url(eia, "outcome"), data=OUTCOME)
    assert (response.status_code, response.location) == (302, f"/eias/{ref}/tasks")

    found = tasks(signed_in.get(f"/eias/{ref}/tasks"))
    for title in (
        "Evidence",
        "Engagement and consultation",
        "Impact on each characteristic",
        "Intersectional impacts",
        "Action plan",
        "Outcome and review date",
    ):
        assert found[title][0] == "Completed", (title, found[title])
    assert found["Check your answers and send"][:2] == ("Not started", f"/eias/{ref}/check")

    check = parse(signed_in.get(f"/eias/{ref}/check"))
    assert "Islington Disability Forum" in words(
        check.find(id="section-engagement").find_next("dl")
    )
    response = signed_in.post(f"/eias/{ref}/check")
    assert response.status_code == 302
    eia = fresh(db, eia)
    assert eia.status == "awaiting_sign_off"
    assert audit.verify(db).ok


# --- evidence --------------------------------------------------------------------------


def test_evidence_page_shows_the_guidance_and_the_borough_profile(signed_in, eia, db):
    age = char(db, "age")
    age.borough_profile = "Islington has 24,000 residents aged 65 or over.\nMore every year."
    db.add(age)
    db.flush()
    page = parse(signed_in.get(url(eia, "evidence/age")))
    assert words(page.h1) == "Evidence about age"
    assert "Think about children, young people" in words(page.find(id="evidence-hint"))
    profile = page.find(string=lambda s: s and "Islington's profile" in s).parent
    assert "app-multiline" in profile["class"]
    assert profile.string == (
        "Islington's profile: Islington has 24,000 residents aged 65 or over.\nMore every year."
    )
    assert "becomes a proposed action in the action plan" in words(page)
    assert page.find("textarea", id="evidence_gap_reason") is not None


def test_an_evidence_gap_becomes_a_proposed_action_on_the_action_plan(signed_in, eia, db):
    before = audit_count(db)
    response = signed_in.post(
        url(eia, "evidence/disability"),
        data={
            "evidence_gap": "y",
            "evidence_gap_reason": "The service does not record disability.",
            "save_for_later": "y",
        },
    )
    assert (response.status_code, response.location) == (302, url(eia, "tasks"))
    assert "added to the action plan as a proposed action" in banner(
        signed_in.get(response.location)
    )
    assert audit_count(db) == before + 2  # the evidence, and the action it raised

    page = parse(signed_in.get(url(eia, "actions")))
    card = page.find(class_="govuk-summary-card")
    text = words(card)
    assert "Raised from An evidence gap" in text
    assert "Close the evidence gap for disability: The service does not record disability." in text
    assert "Proposed" in text and "The impact on disability" in text
    assert (
        words(parse(signed_in.get(url(eia, "evidence"))).find(class_="govuk-task-list")).count(
            "Evidence gap explained"
        )
        == 1
    )


def test_save_and_continue_on_evidence_goes_to_the_next_characteristic_then_section(signed_in, eia):
    """Like every other section: the next characteristic's evidence, and after the last
    one the next section open to the officer (engagement); "come back later" goes to the
    task list."""
    given = {"evidence": "Borough profile.", "save": "y"}
    response = signed_in.post(url(eia, "evidence/age"), data=given)
    assert response.location == url(eia, "evidence/disability")
    response = signed_in.post(url(eia, "evidence/disability"), data=given)
    assert response.location == url(eia, "engagement")
    response = signed_in.post(
        url(eia, "evidence/disability"),
        data={"evidence": "Borough profile.", "save_for_later": "y"},
    )
    assert response.location == url(eia, "tasks")


def test_the_evidence_gap_s_action_asks_for_its_due_date_where_the_officer_is(
    signed_in, officer, eia, db
):
    """The action an evidence gap raises has no due date yet: the message, the evidence
    page, the action plan and the task list each say so and link to where it is set; the
    action plan cannot be completed until it is."""
    response = signed_in.post(
        url(eia, "evidence/disability"),
        data={
            "evidence_gap": "y",
            "evidence_gap_reason": "No data on disabled pupils' journeys.",
            "save": "y",
        },
    )
    assert (
        "The evidence gap has been added to the action plan as a proposed action: give "
        "it a due date there."
    ) in banner(signed_in.get(response.location))
    action = db.exec(select(ActionItem).where(ActionItem.eia_id == eia.id)).one()
    edit_url = url(eia, f"actions/{action.id}")

    evidence_page = parse(signed_in.get(url(eia, "evidence/disability")))
    gap = evidence_page.find(id="gap-action")
    assert "which still needs a due date" in words(gap)
    assert gap.find("a", href=edit_url) is not None

    needs = parse(signed_in.get(url(eia, "actions"))).find(id=f"action-{action.id}-needs")
    assert "A due date. Every open action needs an owner and a due date" in words(needs)
    assert words(needs.find("a", href=edit_url)) == "Add a due date to action 1"

    reason = f"Give the action “{action.description}” a due date."
    assert reason in tasks(signed_in.get(url(eia, "tasks")))["Action plan"][2]
    response = signed_in.post(url(eia, "actions"), data={"completed": "yes"})
    assert response.status_code == 400
    assert error_summary(response) == [(reason, "#completed")]

    response = signed_in.post(
        edit_url,
        data=action_data(
            officer, description=action.description, mitigates=f"impact-{action.impact_id}"
        ),
    )
    assert response.location == url(eia, "actions")
    assert parse(signed_in.get(url(eia, "actions"))).find(id=f"action-{action.id}-needs") is None
    assert (
        words(parse(signed_in.get(url(eia, "evidence/disability"))).find(id="gap-action"))
        == "The evidence gap is an action in the action plan. See the action"
    )
    response = signed_in.post(url(eia, "actions"), data={"completed": "yes"})
    assert response.status_code == 302


def test_evidence_continue_needs_evidence_or_a_gap_with_its_reason(signed_in, eia, db):
    response = signed_in.post(url(eia, "evidence/age"), data={"save": "y"})
    assert response.status_code == 400
    assert error_summary(response) == [
        ("Enter the evidence, or tick that there is a gap in the evidence", "#evidence")
    ]
    response = signed_in.post(url(eia, "evidence/age"), data={"evidence_gap": "y", "save": "y"})
    assert error_summary(response) == [
        ("Enter what evidence is missing and why", "#evidence_gap_reason")
    ]
    assert parse(response).find("input", id="evidence_gap").has_attr("checked")
    assert not db.exec(select(ActionItem).where(ActionItem.eia_id == eia.id)).all()


def test_a_characteristic_not_to_assess_has_no_page(signed_in, eia):
    for path in ("evidence/race", "impacts/race", "evidence/nonsense", "impacts/nonsense"):
        assert signed_in.get(url(eia, path)).status_code == 404, path
        assert signed_in.post(url(eia, path), data={"save": "y"}).status_code == 404, path


# --- impacts ---------------------------------------------------------------------------


def test_the_band_is_shown_in_words_after_scoring(signed_in, eia):
    response = signed_in.post(
        url(eia, "impacts/age"), data={**SCORED, "save_for_later": "y", "save": ""}
    )
    assert response.location == url(eia, "tasks")
    assert (
        "Before mitigation: Likely × Significant = 9, Medium. After mitigation: "
        "Possible × Moderate = 4, Low."
    ) in banner(signed_in.get(response.location))
    page = parse(signed_in.get(url(eia, "impacts/age")))
    saved = words(page.find(id="saved-scores"))
    assert "Before mitigation: Likely × Significant = 9, Medium" in saved
    assert "After mitigation: Possible × Moderate = 4, Low" in saved
    assert page.find("input", id="inherent_likelihood-3").has_attr("checked")
    listed = words(parse(signed_in.get(url(eia, "impacts"))).find(class_="govuk-task-list"))
    assert "Before mitigation: Likely × Significant = 9, Medium" in listed


def test_impacts_page_bands_only_the_scores_that_can_occur(signed_in, eia):
    intro = words(parse(signed_in.get(url(eia, "impacts"))).find("main"))
    assert (
        "Likelihood × severity gives a score, and the score a band: 1 or 2 negligible, "
        "3 or 4 low, 6, 8 or 9 medium, 12 or 16 high. No other score can occur"
    ) in intro
    assert "1 to 2" not in intro and "6 to 9" not in intro and "12 to 16" not in intro


def test_impacts_page_has_the_risk_matrices_and_table_for_everything_scored(
    signed_in, officer, eia, db
):
    signed_in.post(url(eia, "impacts/age"), data=SCORED)
    ops.save_intersectional(
        db,
        eia,
        officer,
        {
            "description": "Older disabled residents",
            "direction": "negative",
            "inherent_likelihood": 4,
            "inherent_severity": 4,
            "residual_likelihood": 3,
            "residual_severity": 3,
        },
        [char(db, "age").id, char(db, "disability").id],
    )
    db.flush()
    page = parse(signed_in.get(url(eia, "impacts")))
    before, after = (
        page.find("svg", id="risk-matrix-before"),
        page.find("svg", id="risk-matrix-after"),
    )
    assert before["role"] == "img" and after is not None
    assert "Age is likely and significant (medium, 9)" in words(before.find("desc"))
    assert "Older disabled residents is almost certain and severe (high, 16)" in words(
        before.find("desc")
    )
    assert "Not scored yet: Disability" in words(before.find("desc"))
    rows = {
        words(r.th): words(r)
        for r in page.find(class_="app-risk-matrix__table").find("tbody").find_all("tr")
    }
    assert "Likely (3) × Significant (3) = 9" in rows["Age"]
    assert "High" in rows["Older disabled residents"]
    assert "Not scored yet" in rows["Disability"]
    key = [words(li) for li in page.find(class_="app-risk-matrix__key").find_all("li")]
    assert key == ["Age", "Older disabled residents"]


def test_completing_a_negative_impact_needs_mitigation_and_keeps_the_typed_scores(
    signed_in, eia, db
):
    response = signed_in.post(url(eia, "impacts/age"), data={**SCORED, "mitigation": " "})
    assert response.status_code == 400
    assert error_summary(response) == [
        ("Enter how you will mitigate the negative impact", "#mitigation")
    ]
    assert "Your other answers have been saved" in words(parse(response))
    impact = fresh(db, eia).impacts[0]
    assert (impact.direction, impact.inherent_likelihood, impact.mitigation) == ("negative", 3, "")
    # Saving for later does not ask for it.
    response = signed_in.post(
        url(eia, "impacts/age"),
        data={**SCORED, "mitigation": "", "save": "", "save_for_later": "y"},
    )
    assert response.status_code == 302


# --- outcome ---------------------------------------------------------------------------


def test_outcome_3_needs_its_justification_only_on_save_and_continue(signed_in, eia, db):
    data = {**OUTCOME, "outcome": "3"}
    response = signed_in.post(url(eia, "outcome"), data=data)
    assert response.status_code == 400
    assert error_summary(response) == [
        ("Enter the legitimate aim of the proposal", "#justification_legitimate_aim"),
        (
            "Enter why there is no less harmful way to achieve the aim",
            "#justification_less_harmful",
        ),
        ("Enter why the impact is proportionate to the aim", "#justification_proportionate"),
    ]
    page = parse(response)
    assert page.find("input", id="outcome-3").has_attr("checked")
    assert page.find(id="justification").find("textarea", id="justification_legitimate_aim")
    assert fresh(db, eia).outcome == "3"  # what was valid is kept

    response = signed_in.post(url(eia, "outcome"), data={**data, "save": "", "save_for_later": "y"})
    assert (response.status_code, response.location) == (302, url(eia, "tasks"))

    response = signed_in.post(
        url(eia, "outcome"),
        data={
            **data,
            "justification_legitimate_aim": "Road safety outside schools.",
            "justification_less_harmful": "Wardens alone did not work.",
            "justification_proportionate": "Exemptions keep access for disabled residents.",
        },
    )
    assert response.status_code == 302
    eia = fresh(db, eia)
    assert (eia.outcome, eia.justification_less_harmful) == ("3", "Wardens alone did not work.")


def test_outcome_options_explain_themselves(signed_in, eia):
    page = parse(signed_in.get(url(eia, "outcome")))
    labels = [words(x) for x in page.find_all("label", class_="govuk-radios__label")]
    assert labels[2] == "Outcome 3: continue despite adverse impact"
    assert "You must justify this" in words(page.find(id="outcome-3-item-hint"))


@pytest.mark.parametrize(
    "path, data, field, message",
    [
        (
            "outcome",
            {**OUTCOME, "review_date": ["31", "2", "2030"]},
            "review_date",
            "Review date must be a real date",
        ),
        (
            "outcome",
            {**OUTCOME, "review_date": ["1", "1", "2020"]},
            "review_date",
            "Review date must be in the future",
        ),
        (
            "engagement/new",
            {**ENGAGEMENT, "held_on": ["", "1", "2026"]},
            "held_on",
            "Date of the engagement must include a day",
        ),
        ("actions/new", "ACTION", "due_date", "Due date must be a real date"),
    ],
)
def test_an_invalid_date_keeps_what_was_typed_and_links_to_the_day(
    signed_in, officer, eia, connection, make, path, data, field, message
):
    if data == "ACTION":
        data = action_data(officer, due_date=["31", "2", "2030"])
    make.session.commit()
    before = fingerprint(connection, eia.id)
    response = signed_in.post(url(eia, path), data=data)
    assert response.status_code == 400
    assert (message, f"#{field}-day") in error_summary(response)
    page = parse(response)
    typed_parts = [page.find(id=f"{field}-{part}")["value"] for part in ("day", "month", "year")]
    assert typed_parts == [p.strip() for p in data[field]]
    if path != "outcome":  # a new row is saved whole or not at all
        assert fingerprint(connection, eia.id) == before
    assert fresh(make.session, eia).review_date is None  # the outcome keeps its valid answers


# --- intersectional impacts ------------------------------------------------------------


def test_add_change_and_remove_an_intersectional_impact_each_audited(signed_in, eia, db):
    age, sex = char(db, "age"), char(db, "sex")
    page = parse(signed_in.get(url(eia, "intersectional/new")))
    offered = [
        words(x)
        for x in page.find(id="characteristic_ids").find_parent("fieldset").find_all("label")
    ]
    assert "Sex" in offered and "Age" in offered  # any characteristic in scope

    before = audit_count(db)
    # The group is named in one line (it heads emails and tables): a pasted line break is
    # refused, saying what to do, and nothing is saved.
    response = signed_in.post(
        url(eia, "intersectional/new"),
        data={
            **SCORED,
            "characteristic_ids": [str(age.id), str(sex.id)],
            "description": "Older women living alone\nin council flats",
            "evidence": "Housing register.",
        },
    )
    assert response.status_code == 400
    assert "Description must be on one line: remove any line breaks or tabs" in words(
        parse(response).find(class_="govuk-error-summary")
    )
    assert audit_count(db) == before

    response = signed_in.post(
        url(eia, "intersectional/new"),
        data={
            **SCORED,
            "characteristic_ids": [str(age.id), str(sex.id)],
            "description": "Older women living alone in council flats",
            "evidence": "Housing register.",
        },
    )
    assert (response.status_code, response.location) == (302, url(eia, "intersectional"))
    assert audit_count(db) == before + 1
    impact = db.exec(
        select(IntersectionalImpact).where(IntersectionalImpact.eia_id == eia.id)
    ).one()
    assert sorted(c.key for c in impact.characteristics) == ["age", "sex"]
    assert impact.inherent_likelihood == 3

    page = parse(signed_in.get(url(eia, "intersectional")))
    card = page.find(id=f"intersectional-{impact.id}")
    title = card.find(class_="govuk-summary-card__title")
    assert title.string == "Older women living alone in council flats"
    assert "Age and Sex" in words(card)
    assert "Likely × Significant = 9, Medium" in words(card)

    response = signed_in.post(
        url(eia, f"intersectional/{impact.id}"),
        data={
            **SCORED,
            "characteristic_ids": [str(age.id), str(sex.id)],
            "description": "Older women living alone",
            "residual_likelihood": "1",
        },
    )
    assert response.status_code == 302
    assert audit_count(db) == before + 2
    db.refresh(impact)
    assert (impact.description, impact.residual_likelihood) == ("Older women living alone", 1)

    confirm = parse(signed_in.get(url(eia, f"intersectional/{impact.id}/remove")))
    assert words(confirm.h1) == "Are you sure you want to remove this intersectional impact?"
    response = signed_in.post(url(eia, f"intersectional/{impact.id}/remove"))
    assert (response.status_code, response.location) == (302, url(eia, "intersectional"))
    assert audit_count(db) == before + 3
    assert not fresh(db, eia).intersectional_impacts
    assert audit.verify(db).ok


def test_an_intersectional_impact_needs_two_characteristics_and_nothing_is_saved(
    signed_in, eia, db
):
    response = signed_in.post(
        url(eia, "intersectional/new"),
        data={
            **SCORED,
            "characteristic_ids": [str(char(db, "age").id)],
            "description": "Older people <b>alone</b>",
            "evidence": "Census.",
        },
    )
    assert response.status_code == 400
    assert error_summary(response) == [
        ("Select at least two characteristics", "#characteristic_ids")
    ]
    assert parse(response).find(id="description")["value"] == "Older people <b>alone</b>"
    assert not fresh(db, eia).intersectional_impacts


def test_removing_an_intersectional_impact_keeps_the_actions_that_mitigated_it(
    signed_in, officer, eia, db
):
    ops.save_intersectional(
        db,
        eia,
        officer,
        {"description": "Young Black men"},
        [char(db, "race").id, char(db, "sex").id, char(db, "age").id],
    )
    db.flush()
    impact = eia.intersectional_impacts[0]
    ops.save_action(
        db,
        eia,
        officer,
        {
            "description": "Mentoring scheme",
            "owner_id": officer.id,
            "intersectional_impact_id": impact.id,
        },
    )
    db.flush()
    page = parse(signed_in.get(url(eia, f"intersectional/{impact.id}/remove")))
    assert "1 action in the action plan mitigates this impact" in words(page)
    response = signed_in.post(url(eia, f"intersectional/{impact.id}/remove"))
    assert response.status_code == 302
    action = fresh(db, eia).actions[0]
    assert (action.description, action.intersectional_impact_id) == ("Mentoring scheme", None)


def test_completing_intersectional_impacts_with_one_unscored_is_refused(
    signed_in, officer, eia, db, connection, make
):
    ops.save_intersectional(
        db,
        eia,
        officer,
        {"description": "Young Black men"},
        [char(db, "race").id, char(db, "sex").id],
    )
    make.session.commit()
    before = fingerprint(connection, eia.id)
    response = signed_in.post(url(eia, "intersectional"), data={"completed": "yes"})
    assert response.status_code == 400
    assert error_summary(response) == [
        ("Score the intersectional impact for Young Black men.", "#completed")
    ]
    assert fingerprint(connection, eia.id) == before
    response = signed_in.post(url(eia, "intersectional"), data={})
    assert error_summary(response) == [
        ("Select whether you have completed this section", "#completed")
    ]
    response = signed_in.post(url(eia, "intersectional"), data={"completed": "no"})
    assert (response.status_code, response.location) == (302, url(eia, "tasks"))


# --- engagement ------------------------------------------------------------------------


def test_add_change_and_remove_engagement_each_audited(signed_in, eia, db):
    before = audit_count(db)
    response = signed_in.post(
        url(eia, "engagement/new"),
        data={**ENGAGEMENT, "what_they_said": "We need step-free access.\r\nAnd <b>ramps</b>."},
    )
    assert (response.status_code, response.location) == (302, url(eia, "engagement"))
    assert audit_count(db) == before + 1
    record = db.exec(select(EngagementRecord).where(EngagementRecord.eia_id == eia.id)).one()
    assert record.held_on == date(2026, 1, 14)
    assert record.what_they_said == "We need step-free access.\nAnd <b>ramps</b>."

    response = signed_in.get(url(eia, "engagement"))
    assert b"<b>ramps</b>" not in response.data
    card = parse(response).find(id=f"engagement-{record.id}")
    said = card.find("dd", string=lambda s: s and "step-free" in s)
    assert "app-multiline" in said["class"]
    assert "14 January 2026" in words(card)

    form = parse(signed_in.get(url(eia, f"engagement/{record.id}")))
    assert form.find(id="who")["value"] == "Islington Disability Forum"
    assert form.find(id="held_on-day")["value"] == "14"
    changed = {
        **ENGAGEMENT,
        "what_changed": "Added exemptions and a ramp.",
        "what_they_said": "We need step-free access.\r\nAnd <b>ramps</b>.",
    }
    response = signed_in.post(url(eia, f"engagement/{record.id}"), data=changed)
    assert response.status_code == 302
    assert audit_count(db) == before + 2
    db.refresh(record)
    assert record.what_changed == "Added exemptions and a ramp."

    # Saving it unchanged records nothing.
    response = signed_in.post(url(eia, f"engagement/{record.id}"), data=changed)
    assert response.status_code == 302
    assert audit_count(db) == before + 2

    response = signed_in.post(url(eia, f"engagement/{record.id}/remove"))
    assert (response.status_code, response.location) == (302, url(eia, "engagement"))
    assert audit_count(db) == before + 3
    assert not fresh(db, eia).engagements
    assert audit.verify(db).ok


def test_engagement_needs_every_answer(signed_in, eia, db):
    response = signed_in.post(url(eia, "engagement/new"), data={"who": "Residents"})
    assert response.status_code == 400
    assert [href for _, href in error_summary(response)] == [
        "#method",
        "#held_on-day",
        "#what_they_said",
        "#what_changed",
    ]
    assert parse(response).find(id="who")["value"] == "Residents"
    assert not fresh(db, eia).engagements


# --- the action plan -------------------------------------------------------------------


def test_add_change_and_remove_an_action_each_audited(signed_in, officer, eia, db, make):
    colleague = make.user("officer", service=officer.service, name="Ama Colleague")
    make.user("officer", name="Zed Elsewhere")  # another directorate
    make.assess(eia, officer)
    db.flush()
    impact = next(i for i in eia.impacts if i.characteristic.key == "age")

    page = parse(signed_in.get(url(eia, "actions/new")))
    owners = [o.string for o in page.find("select", id="owner_id").find_all("option")]
    assert "Ama Colleague" in owners and "Olu Officer" in owners
    assert "Zed Elsewhere" not in owners
    choices = [o["value"] for o in page.find("select", id="mitigates").find_all("option")]
    assert f"impact-{impact.id}" in choices

    before = audit_count(db)
    response = signed_in.post(
        url(eia, "actions/new"), data=action_data(colleague, mitigates=f"impact-{impact.id}")
    )
    assert (response.status_code, response.location) == (302, url(eia, "actions"))
    assert audit_count(db) == before + 1
    action = db.exec(select(ActionItem).where(ActionItem.eia_id == eia.id)).one()
    assert (action.owner_id, action.impact_id, action.status, action.due_date) == (
        colleague.id,
        impact.id,
        "planned",
        NEXT_YEAR,
    )

    card = words(parse(signed_in.get(url(eia, "actions"))).find(id=f"action-{action.id}"))
    for text in ("Ama Colleague", "Planned", "The impact on age", "Run drop-in sessions"):
        assert text in card

    response = signed_in.post(
        url(eia, f"actions/{action.id}"), data=action_data(colleague, status="done", mitigates="")
    )
    assert response.status_code == 302
    assert audit_count(db) == before + 2
    db.refresh(action)
    assert (action.status, action.impact_id) == ("done", None)
    assert action.completed_on is not None

    page = parse(signed_in.get(url(eia, f"actions/{action.id}/remove")))
    assert words(page.h1) == "Are you sure you want to remove this action?"
    assert "Run drop-in sessions" in words(page.find("dl"))
    response = signed_in.post(url(eia, f"actions/{action.id}/remove"))
    assert (response.status_code, response.location) == (302, url(eia, "actions"))
    assert audit_count(db) == before + 3
    assert not fresh(db, eia).actions
    assert audit.verify(db).ok


def test_an_action_owner_updates_its_status_after_approval(client, make, db):
    eia = make.eia("approved")
    owner = make.user("officer", name="Ade Action-Owner")  # another service altogether
    ops.save_action(
        db,
        eia,
        eia.owner,
        {
            "description": "Survey disabled pupils",
            "owner_id": owner.id,
            "status": "planned",
            "due_date": NEXT_YEAR,
        },
    )
    db.flush()
    action = eia.actions[-1]
    sign_in(client, owner)

    page = parse(client.get(url(eia, "actions")))
    assert "You can update the action you own" in words(page)
    card = page.find(id=f"action-{action.id}")
    links = {words(a): a["href"] for a in card.find_all("a")}
    assert links == {"Change action 1": url(eia, f"actions/{action.id}")}
    assert page.find("input", attrs={"name": "completed"}) is None

    form = parse(client.get(url(eia, f"actions/{action.id}")))
    assert form.find("input", attrs={"name": "status", "value": "planned"}).has_attr("checked")
    before = audit_count(db)
    response = client.post(
        url(eia, f"actions/{action.id}"),
        data=action_data(owner, description="Survey disabled pupils", status="in_progress"),
    )
    assert (response.status_code, response.location) == (302, url(eia, "actions"))
    assert audit_count(db) == before + 1
    db.refresh(action)
    assert action.status == "in_progress"
    assert fresh(db, eia).status == "approved"

    # Only the team removes actions or adds new ones.
    assert client.post(url(eia, f"actions/{action.id}/remove")).status_code == 403
    assert client.post(url(eia, "actions/new"), data=action_data(owner)).status_code == 403
    assert audit_count(db) == before + 1


def test_the_team_keeps_the_plan_up_to_date_under_review(signed_in, officer, make, db):
    eia = make.eia("under_review", owner=officer)
    ops.save_action(
        db,
        eia,
        officer,
        {"description": "Monitor complaints", "owner_id": officer.id, "due_date": NEXT_YEAR},
    )
    db.flush()
    action = eia.actions[-1]
    page = parse(signed_in.get(url(eia, f"actions/{action.id}")))
    assert page.find("form", method="post", action=None) is not None
    response = signed_in.post(
        url(eia, f"actions/{action.id}"),
        data=action_data(officer, description="Monitor complaints", status="done"),
    )
    assert response.status_code == 302
    db.refresh(action)
    assert action.status == "done"


def test_an_action_needs_an_owner_from_the_list(signed_in, officer, eia, db, make):
    stranger = make.user("officer")
    response = signed_in.post(url(eia, "actions/new"), data=action_data(stranger))
    assert response.status_code == 400
    assert error_summary(response) == [("Select who owns this action", "#owner_id")]
    assert (
        parse(response).find(id="description").string == "Run drop-in sessions at Finsbury Library."
    )
    assert not fresh(db, eia).actions


# --- when a section cannot be changed --------------------------------------------------


def test_sections_are_read_only_while_awaiting_sign_off(signed_in, officer, make, connection):
    eia = make.eia("awaiting_sign_off", owner=officer)
    make.session.commit()
    for path, reason in [
        ("evidence", "Evidence cannot be changed while the EIA is awaiting sign-off."),
        ("evidence/age", "Evidence cannot be changed while the EIA is awaiting sign-off."),
        (
            "impacts",
            "Impact on each characteristic cannot be changed while the EIA is awaiting sign-off.",
        ),
        ("impacts/age", "Impact on each characteristic cannot be changed"),
        ("intersectional", "Intersectional impacts cannot be changed"),
        ("engagement", "Engagement and consultation cannot be changed"),
        ("actions", "Action plan cannot be changed"),
        ("outcome", "Outcome and review date cannot be changed"),
    ]:
        response = signed_in.get(url(eia, path))
        assert response.status_code == 200, path
        page = parse(response)
        assert reason in words(page), path
        assert page.find("form", attrs={"method": "post", "action": None}) is None, path
    page = parse(signed_in.get(url(eia, "impacts/age")))
    assert "Before mitigation Likely × Significant = 9, Medium" in words(page)
    assert "Adjusted after consultation." in words(parse(signed_in.get(url(eia, "outcome"))))

    before = fingerprint(connection, eia.id)
    for path, data in [
        ("evidence/age", {"evidence": "Sneaky", "save": "y"}),
        ("impacts/age", SCORED),
        ("outcome", OUTCOME),
        ("engagement/new", ENGAGEMENT),
        ("actions/new", action_data(officer)),
        ("actions", {"completed": "yes"}),
    ]:
        response = signed_in.post(url(eia, path), data=data)
        assert response.status_code == 409, path
        assert (
            "cannot be changed while the EIA is awaiting sign-off" in error_summary(response)[0][0]
        )
    assert (
        parse(signed_in.post(url(eia, "evidence/age"), data={"evidence": "Sneaky", "save": "y"}))
        .find(id="evidence")
        .string
        == "Sneaky"
    )
    assert fingerprint(connection, eia.id) == before


def test_an_approver_reads_the_pages_but_cannot_change_them(client, make, connection):
    eia = make.eia("full_assessment")
    make.session.commit()
    sign_in(client, make.user("approver", directorate=eia.directorate))
    page = parse(client.get(url(eia, "impacts/age")))
    assert "Only the EIA's owner or an officer in its service can change it." in words(page)
    before = fingerprint(connection, eia.id)
    assert client.post(url(eia, "impacts/age"), data=SCORED).status_code == 403
    assert client.post(url(eia, "engagement"), data={"completed": "yes"}).status_code == 403
    assert fingerprint(connection, eia.id) == before


# --- who may see, and what any input gets ----------------------------------------------

GET_ONLY = ("evidence", "impacts")


def assessment_urls(eia, db) -> list[str]:
    x = eia.intersectional_impacts[0].id
    e = eia.engagements[0].id
    a = eia.actions[0].id
    return [
        "evidence",
        "evidence/age",
        "impacts",
        "impacts/age",
        "intersectional",
        "intersectional/new",
        f"intersectional/{x}",
        f"intersectional/{x}/remove",
        "engagement",
        "engagement/new",
        f"engagement/{e}",
        f"engagement/{e}/remove",
        "actions",
        "actions/new",
        f"actions/{a}",
        f"actions/{a}/remove",
        "outcome",
    ]


@pytest.fixture
def filled(make, officer, db):
    """A full assessment with one of everything."""
    eia = make.eia("full_assessment", owner=officer)
    ops.save_intersectional(
        db, eia, officer, {"description": "Older women"}, [char(db, "age").id, char(db, "sex").id]
    )
    ops.add_engagement(
        db,
        eia,
        officer,
        {
            "who": "Forum",
            "method": "Meeting",
            "held_on": date(2026, 1, 2),
            "what_they_said": "Said",
            "what_changed": "Did",
        },
    )
    ops.save_action(db, eia, officer, {"description": "Survey", "owner_id": officer.id})
    db.flush()
    return eia


def test_another_services_officer_gets_403_on_every_page(client, make, filled, db, connection):
    make.session.commit()
    sign_in(client, make.user("officer"))
    before = fingerprint(connection, filled.id)
    for path in assessment_urls(filled, db):
        assert client.get(url(filled, path)).status_code == 403, path
        if path in GET_ONLY:
            continue
        response = client.post(url(filled, path), data={**SCORED, **ENGAGEMENT, "completed": "yes"})
        assert response.status_code == 403, path
        assert "You do not have access to this page" in words(parse(response))
    assert fingerprint(connection, filled.id) == before


def test_unknown_rows_are_404(signed_in, filled, db):
    for path in (
        "intersectional/999999",
        "intersectional/999999/remove",
        "engagement/999999",
        "engagement/999999/remove",
        "actions/999999",
        "actions/999999/remove",
        "actions/99999999999999999999999",
    ):
        assert signed_in.get(url(filled, path)).status_code == 404, path
        assert signed_in.post(url(filled, path)).status_code == 404, path


# (page, what is posted, the field it is wrong for)
GARBAGE = [
    ("impacts/age", {"direction": "sideways"}, "direction"),
    ("impacts/age", {"inherent_likelihood": "7"}, "inherent_likelihood"),
    ("impacts/age", {"residual_severity": "x"}, "residual_severity"),
    ("impacts/age", {"aims": ["aim_world_peace"]}, "aims"),
    ("evidence/age", {"evidence": "nul \x00"}, "evidence"),
    (
        "evidence/disability",
        {"evidence_gap": "y", "evidence_gap_reason": "\x00"},
        "evidence_gap_reason",
    ),
    ("intersectional/new", {"characteristic_ids": ["abc", "1"]}, "characteristic_ids"),
    ("intersectional/{x}", {"characteristic_ids": ["999999", "999998"]}, "characteristic_ids"),
    ("intersectional/new", {"characteristic_ids": ["1", "2"], "direction": "up"}, "direction"),
    ("engagement/new", {**ENGAGEMENT, "held_on": ["99", "99", "99999"]}, "held_on-year"),
    ("engagement/new", {**ENGAGEMENT, "held_on": ["99", "99", "1999"]}, "held_on-day"),
    ("engagement/{e}", {**ENGAGEMENT, "who": "x" * 30000}, "who"),
    ("engagement/{e}", {**ENGAGEMENT, "method": "m" * 201}, "method"),
    ("actions/new", {"owner_id": "abc"}, "owner_id"),
    ("actions/{a}", {"owner_id": "-1"}, "owner_id"),
    ("actions/{a}", {"mitigates": "impact-999999"}, "mitigates"),
    ("actions/{a}", {"mitigates": "nonsense"}, "mitigates"),
    ("actions/new", {"status": "finished"}, "status"),
    ("actions/new", {"due_date": ["1", "1", "10000"]}, "due_date-year"),
    ("outcome", {"outcome": "5"}, "outcome"),
    ("outcome", {"review_date": ["x", "y", "z"]}, "review_date-day"),
    ("intersectional", {"completed": "maybe"}, "completed"),
    ("engagement", {"completed": ["perhaps", "yes"]}, "completed"),
    ("actions", {"completed": "\x00"}, "completed"),
]


@pytest.mark.parametrize("path, garbage, field", GARBAGE)
def test_garbage_gets_400_and_an_error_never_a_500(signed_in, filled, db, path, garbage, field):
    path = path.format(
        x=filled.intersectional_impacts[0].id, e=filled.engagements[0].id, a=filled.actions[0].id
    )
    for button in ({"save": "y"}, {"save_for_later": "y"}):
        response = signed_in.post(url(filled, path), data={**garbage, **button})
        assert response.status_code == 400, (path, garbage, response.status_code)
        errors = error_summary(response)
        assert f"#{field}" in [href for _, href in errors], errors
        assert parse(response).find(id=field) is not None
    assert audit.verify(db).ok


@pytest.mark.slow  # random posts to every page
@pytest.mark.parametrize("seed", range(3))
def test_random_posts_to_every_page_are_never_a_500(signed_in, filled, db, seed):
    import random

    rng = random.Random(seed)
    names = [
        "direction",
        "aims",
        "inherent_likelihood",
        "inherent_severity",
        "residual_likelihood",
        "residual_severity",
        "mitigation",
        "evidence",
        "evidence_gap",
        "evidence_gap_reason",
        "characteristic_ids",
        "description",
        "who",
        "method",
        "held_on",
        "what_they_said",
        "what_changed",
        "description",
        "owner_id",
        "due_date",
        "status",
        "mitigates",
        "outcome",
        "outcome_reason",
        "justification_legitimate_aim",
        "review_date",
        "completed",
        "save",
        "save_for_later",
        "submit",
    ]
    junk = [
        "",
        " ",
        "0",
        "-1",
        "1",
        "3",
        "4",
        "99999999999999999999",
        "abc",
        "\x00",
        "é✓\u202e",
        "<script>",
        "impact-1",
        "intersectional-0",
        "yes",
        "no",
        "y",
        "1 1 2020",
        "x" * 5000,
    ]
    for path in assessment_urls(filled, db):
        if path in GET_ONLY:
            assert signed_in.post(url(filled, path)).status_code == 405
            continue
        if path.endswith("/remove"):
            continue  # nothing to type: the remove tests post to these
        for _ in range(3):
            data = {
                name: [rng.choice(junk) for _ in range(rng.randint(1, 3))]
                for name in rng.sample(names, rng.randint(0, 8))
            }
            response = signed_in.post(url(filled, path), data=data)
            assert response.status_code in (302, 400), (path, data, response.status_code)


# --- every page ------------------------------------------------------------------------


def test_every_assessment_page_is_well_formed(app, signed_in, filled, db):
    app.config["WTF_CSRF_ENABLED"] = True
    for path in assessment_urls(filled, db):
        response = signed_in.get(url(filled, path))
        assert response.status_code == 200, path
        page = parse(response)
        assert len(page.find_all("h1")) == 1, path
        assert [s["src"] for s in page.find_all("script")] == ["/static/app/init.js"], path
        assert not page.find_all(style=True), path
        assert not any(
            attr.startswith("on") for tag in page.find_all(True) for attr in tag.attrs
        ), path
        ids = [tag["id"] for tag in page.find_all(id=True)]
        assert len(ids) == len(set(ids)), (path, [i for i in ids if ids.count(i) > 1])
        for label in page.find_all("label"):
            assert page.find(id=label["for"]) is not None, (path, label)
        for form in page.find_all("form", method="post"):
            assert (
                form.find("input", attrs={"name": lambda n: n and n.endswith("csrf_token")})
                is not None
            ), path
        assert page.find(id="comments") is not None or path.endswith("/remove"), path
        assert page.find(class_="govuk-back-link") is not None, path


def test_task_list_links_each_assessment_section(signed_in, eia):
    found = tasks(signed_in.get(url(eia, "tasks")))
    assert found["Evidence"][1] == url(eia, "evidence")
    assert found["Engagement and consultation"][1] == url(eia, "engagement")
    assert found["Impact on each characteristic"][1] == url(eia, "impacts")
    assert found["Intersectional impacts"][1] == url(eia, "intersectional")
    assert found["Action plan"][1] == url(eia, "actions")
    assert found["Outcome and review date"][1] == url(eia, "outcome")

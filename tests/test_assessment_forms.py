"""The guided assessment forms: what they accept, what they refuse and say, and that what they
hand over fits the operations exactly."""

from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup
from govuk_frontend_wtf.main import wtforms_errors
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eia import operations as ops
from eia.models import (
    ActionItem,
    Characteristic,
    ImpactAssessment,
    IntersectionalImpact,
    User,
)
from eia.operations import ACTION_FIELDS, EVIDENCE_FIELDS, IMPACT_FIELDS, OUTCOME_FIELDS
from forms.assessment import (
    ENGAGEMENT_FIELDS,
    ActionForm,
    EngagementForm,
    EvidenceForm,
    ImpactForm,
    IntersectionalForm,
    OutcomeForm,
)
from forms.fields import LONG_TEXT_MAX
from forms.proposal import PUBLISHED_AND_CONFIDENTIAL, ProposalForm

from .support.formdata import typed

AGE, DISABILITY, RACE, SEX = (
    Characteristic(id=n, key=k, name=k.title())
    for n, k in enumerate(("age", "disability", "race", "sex"), start=1)
)
PEOPLE = [
    User(id=7, email="ann@example.gov.uk", name="Ann Owner"),
    User(id=8, email="bo@example.gov.uk", name="Bo Owner"),
]
NEXT_YEAR = date.today() + timedelta(days=365)

# The runtime choices each form needs from its view.
CHOICES = {
    IntersectionalForm: dict(characteristics=[AGE, DISABILITY, RACE, SEX]),
    ActionForm: dict(
        owners=PEOPLE,
        impacts=[ImpactAssessment(id=12, characteristic=RACE)],
        intersectional_impacts=[IntersectionalImpact(id=3, description="Boys")],
    ),
}


@pytest.fixture
def post(app):
    """post(FormClass, data) -> the form, built from a POST of ``data`` and validated."""
    contexts = []

    def post(form_class, data, **kwargs):
        context = app.test_request_context(method="POST", data=data)
        context.push()
        contexts.append(context)
        form = form_class(**{**CHOICES.get(form_class, {}), **kwargs})
        form.validate()
        return form

    yield post
    for context in reversed(contexts):
        context.pop()


@pytest.fixture
def prefill(app):
    """prefill(FormClass, row) -> the form as a GET shows it for ``row``."""
    with app.test_request_context():
        yield lambda form_class, row: form_class(obj=row, **CHOICES.get(form_class, {}))


def rendered(form) -> BeautifulSoup:
    return BeautifulSoup("".join(str(field()) for field in form), "html.parser")


SCORED = {
    "direction": "negative",
    "aims": ["aim_discrimination", "aim_relations"],
    "inherent_likelihood": "3",
    "inherent_severity": "3",
    "residual_likelihood": "2",
    "residual_severity": "1",
    "mitigation": "Keep the service open on Saturdays.",
    "save": "Save and continue",
}


# --- impacts ---------------------------------------------------------------------------------


def test_a_scored_impact_gives_exactly_the_impact_fields_with_their_types(post):
    form = post(ImpactForm, SCORED)
    assert form.errors == {}
    assert form.to_values() == {
        "direction": "negative",
        "aim_discrimination": True,
        "aim_opportunity": False,
        "aim_relations": True,
        "inherent_likelihood": 3,
        "inherent_severity": 3,
        "residual_likelihood": 2,
        "residual_severity": 1,
        "mitigation": "Keep the service open on Saturdays.",
    }
    assert set(form.to_values()) == set(IMPACT_FIELDS)


def test_an_impact_prefills_from_its_row_and_round_trips(prefill):
    row = ImpactAssessment(
        characteristic_id=2,
        direction="positive",
        aim_opportunity=True,
        inherent_likelihood=2,
        inherent_severity=4,
        residual_likelihood=1,
        residual_severity=4,
        mitigation="",
    )
    form = prefill(ImpactForm, row)
    assert form.aims.data == ["aim_opportunity"]
    assert form.to_values() == {name: getattr(row, name) for name in IMPACT_FIELDS}
    checked = [i["id"] for i in rendered(form).select("input[checked]")]
    assert checked == [
        "direction",
        "aims-2",
        "inherent_likelihood-2",
        "inherent_severity-4",
        "residual_likelihood",
        "residual_severity-4",
    ]


def test_a_residual_score_above_the_inherent_one_is_allowed(post):
    form = post(ImpactForm, {**SCORED, "residual_likelihood": "4", "residual_severity": "4"})
    assert form.errors == {}


def test_completing_needs_every_score_and_mitigation_of_a_negative_impact(post):
    form = post(ImpactForm, {"direction": "negative", "save": "Save and continue"})
    assert form.errors == {
        "inherent_likelihood": ["Select how likely the impact is before mitigation"],
        "inherent_severity": ["Select how severe the impact would be before mitigation"],
        "residual_likelihood": ["Select how likely the impact is after mitigation"],
        "residual_severity": ["Select how severe the impact would be after mitigation"],
        "mitigation": ["Enter how you will mitigate the negative impact"],
    }
    assert post(ImpactForm, {"save": "y"}).errors["direction"] == [
        "Select whether the impact is positive, negative, neutral or unclear"
    ]


def test_only_a_negative_impact_needs_mitigation(post):
    for direction in ("positive", "neutral", "unclear"):
        assert post(ImpactForm, {**SCORED, "direction": direction, "mitigation": ""}).errors == {}


def test_saving_for_later_keeps_what_is_valid_without_completeness_errors(post):
    form = post(
        ImpactForm,
        {
            "direction": "negative",
            "inherent_likelihood": "4",
            "save_for_later": "Save and come back later",
        },
    )
    assert form.is_save_for_later() and form.errors == {}
    assert form.to_values() == {
        "direction": "negative",
        "aim_discrimination": False,
        "aim_opportunity": False,
        "aim_relations": False,
        "inherent_likelihood": 4,
        "inherent_severity": None,
        "residual_likelihood": None,
        "residual_severity": None,
        "mitigation": "",
    }
    assert post(ImpactForm, {"save_for_later": "y"}).errors == {}


def test_saving_for_later_leaves_out_answers_in_error_so_their_stored_values_stay(post):
    stored = ImpactAssessment(
        characteristic_id=2,
        direction="negative",
        aim_relations=True,
        inherent_likelihood=2,
        residual_severity=3,
        mitigation="Ramps.",
    )
    form = post(
        ImpactForm,
        {
            "direction": "positive",
            "inherent_likelihood": "9",
            "aims": ["aim_opportunity", "nonsense"],
            "mitigation": "Lifts.",
            "save_for_later": "y",
        },
        obj=stored,
    )
    assert set(form.errors) == {"inherent_likelihood", "aims"}
    # Not sent at all (an unanswered radio group): the stored answer stands.
    assert form.to_values() == {
        "direction": "positive",
        "inherent_severity": None,
        "residual_likelihood": None,
        "residual_severity": 3,
        "mitigation": "Lifts.",
    }


def test_a_date_not_sent_at_all_keeps_its_stored_value(post):
    row = ActionItem(
        id=5, description="Survey", owner_id=7, due_date=date(2026, 4, 1), status="planned"
    )
    form = post(ActionForm, {"description": "Survey", "owner_id": "7"}, obj=row)
    assert form.errors == {} and form.to_values()["due_date"] == date(2026, 4, 1)
    form = post(ActionForm, {"owner_id": "7", "due_date": ["1", "13", "2026"]}, obj=row)
    assert set(form.errors) == {"due_date"}
    assert "due_date" not in form.to_values()


@pytest.mark.parametrize("button", ["save", "save_for_later"])
def test_a_score_that_is_not_an_option_is_refused_by_either_button(post, button):
    form = post(
        ImpactForm,
        {
            **SCORED,
            "inherent_likelihood": "5",
            "residual_severity": "high",
            "direction": "awful",
            "aims": ["aim_x"],
            button: "y",
        },
    )
    assert form.errors == {
        "direction": ["Select whether the impact is positive, negative, neutral or unclear"],
        "aims": ["Select aims from the list"],
        "inherent_likelihood": ["Select how likely the impact is before mitigation"],
        "residual_severity": ["Select how severe the impact would be after mitigation"],
    }


# --- evidence --------------------------------------------------------------------------------


def test_evidence_or_an_explained_gap_is_needed_to_complete(post):
    assert post(EvidenceForm, {"save": "y"}).errors == {
        "evidence": ["Enter the evidence, or tick that there is a gap in the evidence"]
    }
    assert post(EvidenceForm, {"evidence_gap": "y", "save": "y"}).errors == {
        "evidence_gap_reason": ["Enter what evidence is missing and why"]
    }
    assert post(EvidenceForm, {"evidence_gap": "y", "save_for_later": "y"}).errors == {}


def test_evidence_gives_exactly_the_evidence_fields(post):
    form = post(
        EvidenceForm,
        {
            "evidence": "Borough profile: 16% disabled.",
            "evidence_gap": "y",
            "evidence_gap_reason": "No data on carers.",
            "save": "y",
        },
    )
    assert form.errors == {}
    assert form.to_values() == {
        "evidence": "Borough profile: 16% disabled.",
        "evidence_gap": True,
        "evidence_gap_reason": "No data on carers.",
    }
    assert set(form.to_values()) == set(EVIDENCE_FIELDS)
    no_gap = post(EvidenceForm, {"evidence": "Data.", "save": "y"})
    assert no_gap.to_values()["evidence_gap"] is False


# --- intersectional impacts ------------------------------------------------------------------


def test_an_intersectional_impact_needs_two_characteristics_whichever_button(post):
    for button in ("save", "save_for_later"):
        form = post(
            IntersectionalForm,
            {
                **SCORED,
                "characteristic_ids": ["3"],
                "description": "Black Caribbean boys",
                "evidence": "Exclusion rates.",
                button: "y",
            },
        )
        assert form.errors == {"characteristic_ids": ["Select at least two characteristics"]}
    form = post(IntersectionalForm, {**SCORED, "characteristic_ids": ["3", "99"], "save": "y"})
    assert form.errors["characteristic_ids"] == ["Select characteristics from the list"]


def test_an_intersectional_impact_gives_values_and_characteristic_ids(post):
    form = post(
        IntersectionalForm,
        {
            **SCORED,
            "characteristic_ids": ["3", "4"],
            "description": "Black Caribbean boys and school exclusions",
            "evidence": "Exclusion rates by ethnicity and sex.",
        },
    )
    assert form.errors == {}
    values, characteristic_ids = form.to_values()
    assert characteristic_ids == [3, 4]
    assert set(values) == {*IMPACT_FIELDS, *EVIDENCE_FIELDS, "description"}
    assert values["description"] == "Black Caribbean boys and school exclusions"
    assert values["inherent_severity"] == 3 and values["evidence_gap"] is False


def test_an_intersectional_impact_is_described_and_scored_to_complete(post):
    form = post(IntersectionalForm, {"characteristic_ids": ["1", "2"], "save": "y"})
    assert {"description", "direction", "inherent_likelihood", "evidence"} <= set(form.errors)
    form = post(IntersectionalForm, {"characteristic_ids": ["1", "2"], "save_for_later": "y"})
    assert form.errors == {}


def test_an_intersectional_impact_prefills_its_characteristics(prefill):
    row = IntersectionalImpact(
        id=3,
        description="Older disabled women",
        direction="negative",
        aim_discrimination=True,
        characteristics=[AGE, DISABILITY, SEX],
    )
    form = prefill(IntersectionalForm, row)
    assert form.characteristic_ids.data == [1, 2, 4]
    assert form.aims.data == ["aim_discrimination"]
    page = rendered(form)
    assert [i["value"] for i in page.select("input[name=characteristic_ids][checked]")] == [
        "1",
        "2",
        "4",
    ]
    assert page.find("input", attrs={"name": "description"})["value"] == "Older disabled women"


# --- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed_date, message, parts_in_error",
    [
        (
            ["31", "2", "2026"],
            "Date of the engagement must be a real date",
            ["day", "month", "year"],
        ),
        (["", "3", "2026"], "Date of the engagement must include a day", ["day"]),
        (["1", "", ""], "Date of the engagement must include a month and year", ["month", "year"]),
        (["1", "2", "26"], "Year must include 4 numbers", ["year"]),
        (
            ["first", "Feb", "2026"],
            "Date of the engagement must be a real date",
            ["day", "month", "year"],
        ),
        (["", "", ""], "Enter the date of the engagement", ["day", "month", "year"]),
    ],
)
def test_a_date_that_is_not_real_says_why_and_keeps_what_was_typed(
    post, typed_date, message, parts_in_error
):
    form = post(EngagementForm, {"held_on": typed_date})
    assert form.errors["held_on"] == [message]
    assert form.held_on.data is None
    page = BeautifulSoup(str(form.held_on()), "html.parser")
    assert message in page.find(class_="govuk-error-message").get_text()
    boxes = page.select("input[name=held_on]")
    assert [b["value"] if b.has_attr("value") else "" for b in boxes] == typed_date
    marked = [b["id"].split("-")[-1] for b in boxes if "govuk-input--error" in b["class"]]
    assert marked == (parts_in_error if typed_date != ["", "", ""] else [])
    # The error summary links to the first box to fix.
    link = {e["text"]: e["href"] for e in wtforms_errors(form)["errorList"]}[message]
    assert link == f"#held_on-{parts_in_error[0]}"
    assert page.find(id=link[1:]) is not None


def test_a_real_date_is_a_date_whatever_the_spacing(post):
    form = post(EngagementForm, {"held_on": [" 3 ", "03", "2026"]})
    assert "held_on" not in form.errors
    assert form.held_on.data == date(2026, 3, 3)


def test_a_date_with_a_missing_box_still_renders(post):
    form = post(EngagementForm, {"held_on": "12"})
    assert form.errors["held_on"] == ["Date of the engagement must include a month and year"]
    assert [b.get("value", "") for b in rendered(form).select("input[name=held_on]")] == [
        "12",
        "",
        "",
    ]


# --- engagement -------------------------------------------------------------------------------


def test_an_engagement_record_gives_what_add_engagement_takes(post):
    form = post(
        EngagementForm,
        {
            "who": "The Disability Forum",
            "method": "Focus group",
            "held_on": ["14", "1", "2026"],
            "what_they_said": "The new route is too steep.",
            "what_changed": "We added a step-free route.",
        },
    )
    assert form.errors == {}
    assert form.to_values() == {
        "who": "The Disability Forum",
        "method": "Focus group",
        "held_on": date(2026, 1, 14),
        "what_they_said": "The new route is too steep.",
        "what_changed": "We added a step-free route.",
    }
    assert set(form.to_values()) == set(ENGAGEMENT_FIELDS)
    assert set(post(EngagementForm, {}).errors) == set(ENGAGEMENT_FIELDS)


# --- actions ----------------------------------------------------------------------------------

ACTION = {
    "description": "Run a step-free route survey.",
    "owner_id": "8",
    "due_date": ["31", "3", "2027"],
    "status": "planned",
    "mitigates": "impact-12",
}


def test_an_action_gives_exactly_the_action_fields(post):
    form = post(ActionForm, ACTION)
    assert form.errors == {}
    assert form.to_values() == {
        "description": "Run a step-free route survey.",
        "owner_id": 8,
        "due_date": date(2027, 3, 31),
        "status": "planned",
        "impact_id": 12,
        "intersectional_impact_id": None,
        "completed_on": None,
    }
    assert set(form.to_values()) == set(ACTION_FIELDS)
    values = post(ActionForm, {**ACTION, "mitigates": "intersectional-3"}).to_values()
    assert (values["impact_id"], values["intersectional_impact_id"]) == (None, 3)
    values = post(ActionForm, {**ACTION, "mitigates": ""}).to_values()
    assert (values["impact_id"], values["intersectional_impact_id"]) == (None, None)


def test_an_action_needs_an_owner_from_the_list_and_a_due_date(post):
    form = post(ActionForm, {**ACTION, "owner_id": "", "due_date": ["", "", ""]})
    assert form.errors == {
        "owner_id": ["Select who owns this action"],
        "due_date": ["Enter the due date"],
    }
    form = post(ActionForm, {**ACTION, "owner_id": "99", "mitigates": "impact-13"})
    assert form.errors == {
        "owner_id": ["Select who owns this action"],
        "mitigates": ["Select an impact from the list"],
    }
    options = rendered(form).select("select[name=owner_id] option")
    assert [(o["value"], o.get_text(strip=True)) for o in options] == [
        ("", "Choose an owner"),
        ("7", "Ann Owner"),
        ("8", "Bo Owner"),
    ]


def test_an_action_is_completed_on_the_day_it_is_first_marked_done(post):
    today = date(2026, 5, 1)
    assert post(ActionForm, {**ACTION, "status": "done"}).to_values(today)["completed_on"] == today
    done = ActionItem(
        id=5,
        description="Survey",
        owner_id=7,
        due_date=date(2026, 4, 1),
        status="done",
        intersectional_impact_id=3,
        completed_on=date(2026, 4, 2),
    )
    again = post(ActionForm, {**ACTION, "status": "done"}, obj=done)
    assert again.to_values(today)["completed_on"] == date(2026, 4, 2)
    reopened = post(ActionForm, {**ACTION, "status": "in_progress"}, obj=done)
    assert reopened.to_values(today)["completed_on"] is None


def test_an_action_prefills_which_impact_it_mitigates(prefill):
    row = ActionItem(
        id=5,
        description="Survey",
        owner_id=7,
        due_date=date(2026, 4, 1),
        status="planned",
        intersectional_impact_id=3,
    )
    form = prefill(ActionForm, row)
    assert form.mitigates.data == "intersectional-3"
    page = rendered(form)
    assert page.select_one("select[name=mitigates] option[selected]")["value"] == "intersectional-3"
    assert page.select_one("select[name=owner_id] option[selected]")["value"] == "7"
    assert [b["value"] for b in page.select("input[name=due_date]")] == ["01", "04", "2026"]


# --- outcome ----------------------------------------------------------------------------------

JUSTIFICATIONS = (
    "justification_legitimate_aim",
    "justification_less_harmful",
    "justification_proportionate",
)


def test_outcome_3_needs_its_justification_only_when_completing(post):
    chosen = {
        "outcome": "3",
        "outcome_reason": "Savings are required by law.",
        "review_date": typed(NEXT_YEAR),
    }
    form = post(OutcomeForm, {**chosen, "save": "y"})
    assert form.errors == {
        "justification_legitimate_aim": ["Enter the legitimate aim of the proposal"],
        "justification_less_harmful": ["Enter why there is no less harmful way to achieve the aim"],
        "justification_proportionate": ["Enter why the impact is proportionate to the aim"],
    }
    assert post(OutcomeForm, {**chosen, "save_for_later": "y"}).errors == {}
    assert post(OutcomeForm, {**chosen, "outcome": "2", "save": "y"}).errors == {}


def test_an_outcome_gives_exactly_the_outcome_fields(post):
    form = post(
        OutcomeForm,
        {
            "outcome": "3",
            "outcome_reason": "Required by law.",
            "justification_legitimate_aim": "Balancing the budget.",
            "justification_less_harmful": "We compared four options.",
            "justification_proportionate": "Exemptions protect the worst off.",
            "review_date": typed(NEXT_YEAR),
            "save": "y",
        },
    )
    assert form.errors == {}
    assert form.to_values() == {
        "outcome": "3",
        "outcome_reason": "Required by law.",
        "justification_legitimate_aim": "Balancing the budget.",
        "justification_less_harmful": "We compared four options.",
        "justification_proportionate": "Exemptions protect the worst off.",
        "review_date": NEXT_YEAR,
    }
    assert set(form.to_values()) == set(OUTCOME_FIELDS)


def test_the_review_date_is_needed_to_complete_and_must_be_in_the_future(post):
    form = post(OutcomeForm, {"outcome": "1", "outcome_reason": "No impact.", "save": "y"})
    assert form.errors == {"review_date": ["Enter the review date"]}
    for button in ("save", "save_for_later"):
        form = post(OutcomeForm, {"review_date": typed(date.today()), button: "y"})
        assert form.errors["review_date"] == ["Review date must be in the future"]
    form = post(OutcomeForm, {"save_for_later": "y"})
    assert form.errors == {} and form.to_values()["review_date"] is None
    assert form.to_values()["outcome"] is None


def test_the_outcome_options_explain_themselves(post):
    page = rendered(post(OutcomeForm, {}))
    hints = [h.get_text(strip=True) for h in page.select(".govuk-radios__hint")]
    assert len(hints) == 4 and "justify" in hints[2]


# --- long text --------------------------------------------------------------------------------


def test_long_text_keeps_line_breaks_and_unicode_and_trims_only_the_ends(post):
    written = "\r\n  Première ligne — ✓\r\n\r\n  مرحبا 👩🏽‍🦽\tend  \n"
    form = post(EngagementForm, {"what_they_said": written})
    assert form.what_they_said.data == "Première ligne — ✓\n\n  مرحبا 👩🏽‍🦽\tend"


def test_long_text_allows_twenty_thousand_characters(post):
    assert (
        "what_they_said" not in post(EngagementForm, {"what_they_said": "é" * LONG_TEXT_MAX}).errors
    )
    assert post(EngagementForm, {"what_they_said": "é" * (LONG_TEXT_MAX + 1)}).errors[
        "what_they_said"
    ] == ["What they said must be 20,000 characters or fewer"]


def test_text_that_cannot_be_stored_is_refused(post):
    errors = post(EngagementForm, {"what_they_said": "nul \x00 here"}).errors
    assert errors["what_they_said"] == [
        "What they said contains a character that cannot be saved: remove it"
    ]


def test_a_template_can_style_a_legend_without_losing_its_words(post):
    form = post(IntersectionalForm, {})
    big = {"fieldset": {"legend": {"classes": "govuk-fieldset__legend--l", "isPageHeading": True}}}
    for field in (form.direction, form.characteristic_ids):
        legend = BeautifulSoup(str(field(params=big)), "html.parser").legend
        assert "govuk-fieldset__legend--l" in legend["class"]
        assert legend.h1.get_text(strip=True) == field.label.text
    date_legend = BeautifulSoup(
        str(post(OutcomeForm, {}).review_date(params=big)), "html.parser"
    ).legend
    assert date_legend.get_text(strip=True) == "When will you review this assessment?"


# --- publishing (the proposal) ----------------------------------------------------------------


def test_a_new_eia_is_offered_ticked_to_publish(prefill):
    from eia.models import Eia

    form = prefill(ProposalForm, Eia())
    assert form.publishable.data is True and form.confidential.data is False
    assert rendered(form).find("input", id="publishable").has_attr("checked")


def test_not_publishing_needs_a_reason_to_complete_but_not_to_save_for_later(post):
    form = post(ProposalForm, {"save": "y"})
    assert form.errors["publishing_reason"] == [
        "Enter why the EIA should not be published, or tick to publish it"
    ]
    assert "publishing_reason" not in post(ProposalForm, {"later": "y"}).errors
    assert "publishing_reason" not in post(ProposalForm, {"save": "y", "publishable": "y"}).errors
    form = post(ProposalForm, {"save": "y", "publishing_reason": " Names staff. "})
    assert "publishing_reason" not in form.errors
    assert (form.publishable.data, form.publishing_reason.data) == (False, "Names staff.")


@pytest.mark.parametrize("button", ["save", "later"])
def test_published_and_confidential_together_is_an_error_on_both(post, button):
    form = post(ProposalForm, {"publishable": "y", "confidential": "y", button: "y"})
    assert form.errors["publishable"] == [PUBLISHED_AND_CONFIDENTIAL["publishable"]]
    assert form.errors["confidential"] == [PUBLISHED_AND_CONFIDENTIAL["confidential"]]
    summary = [e["href"] for e in wtforms_errors(form)["errorList"]]
    assert "#publishable" in summary and "#confidential" in summary
    for name in ("publishable", "confidential"):  # each shows its GOV.UK error message
        assert rendered(form).find(id=f"{name}-error") is not None, name
    for data in ({"confidential": "y"}, {"publishable": "y"}, {}):
        form = post(ProposalForm, {**data, button: "y"})
        assert not {"publishable", "confidential"} & set(form.errors), data


# --- every form, any input --------------------------------------------------------------------

FORMS = [ImpactForm, EvidenceForm, IntersectionalForm, EngagementForm, ActionForm, OutcomeForm]


@pytest.fixture
def field_names(app):
    with app.test_request_context():
        return sorted(
            {name for form in FORMS for name in form(**CHOICES.get(form, {}))._fields} | {"unknown"}
        )


def test_every_error_links_to_something_on_the_page(post):
    for form_class in FORMS:
        form = post(
            form_class,
            {
                "save": "y",
                "held_on": ["x", "", ""],
                "due_date": ["1", "13", "2026"],
                "review_date": ["", "", "1"],
            },
        )
        assert form.errors, form_class
        ids = {element["id"] for element in rendered(form).find_all(id=True)}
        for error in wtforms_errors(form)["errorList"]:
            assert error["href"][1:] in ids, (form_class, error)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(form_class=st.sampled_from(FORMS), data=st.data())
def test_any_input_gives_errors_or_values_never_an_exception(app, field_names, form_class, data):
    garbage = data.draw(
        st.dictionaries(
            st.sampled_from(field_names),
            st.one_of(st.text(), st.lists(st.text(), max_size=4)),
            max_size=12,
        )
    )
    with app.test_request_context(method="POST", data=garbage):
        form = form_class(**CHOICES.get(form_class, {}))
        form.validate()
        assert all(isinstance(m, str) and m for ms in form.errors.values() for m in ms)
        values = form.to_values()
        values = values[0] if isinstance(values, tuple) else values
        assert not set(values) & set(form.errors)
        rendered(form)
        wtforms_errors(form)


# --- into the operations ----------------------------------------------------------------------


def test_form_values_go_straight_into_the_operations(app, db, make):
    officer = make.user("officer")
    eia = make.eia("full_assessment", owner=officer)
    age, disability = make.characteristics()[:2]
    with app.test_request_context(method="POST", data=SCORED):
        ops.save_impact(db, eia, officer, disability.id, ImpactForm().to_values())
    with app.test_request_context(
        method="POST", data={"evidence_gap": "y", "evidence_gap_reason": "No data."}
    ):
        ops.save_impact(
            db, eia, officer, disability.id, EvidenceForm().to_values(), section="evidence"
        )
    data = {
        **SCORED,
        "characteristic_ids": [str(age.id), str(disability.id)],
        "description": "Older disabled people",
        "evidence": "Borough profile.",
    }
    with app.test_request_context(method="POST", data=data):
        form = IntersectionalForm(characteristics=[age, disability])
        assert form.validate(), form.errors
        ops.save_intersectional(db, eia, officer, *form.to_values())
    with app.test_request_context(
        method="POST",
        data={
            "who": "Residents",
            "method": "Survey",
            "held_on": ["1", "2", "2026"],
            "what_they_said": "Worried.",
            "what_changed": "Added exemptions.",
        },
    ):
        ops.add_engagement(db, eia, officer, EngagementForm().to_values())
    impact = eia.impacts[0]
    with app.test_request_context(
        method="POST",
        data={**ACTION, "owner_id": str(officer.id), "mitigates": f"impact-{impact.id}"},
    ):
        form = ActionForm(owners=[officer], impacts=eia.impacts)
        assert form.validate(), form.errors
        ops.save_action(db, eia, officer, form.to_values())
    with app.test_request_context(
        method="POST",
        data={"outcome": "2", "outcome_reason": "Adjusted.", "review_date": typed(NEXT_YEAR)},
    ):
        ops.update_eia(db, eia, "outcome", officer, OutcomeForm().to_values())
    db.flush()
    assert (impact.inherent_likelihood, impact.evidence_gap) == (3, True)
    assert eia.intersectional_impacts[0].description == "Older disabled people"
    assert eia.engagements[0].held_on == date(2026, 2, 1)
    assert any(a.impact_id == impact.id and a.owner_id == officer.id for a in eia.actions)
    assert eia.review_date == NEXT_YEAR

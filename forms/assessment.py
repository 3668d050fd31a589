"""Forms for the full assessment: impacts, evidence, intersectional impacts, engagement,
the action plan and the outcome. (Comments: forms/comments.py.)

Each form's ``to_values()`` returns what its operation in ``eia.operations`` takes, keyed by
that operation's field names: every key when the form is valid; otherwise the answers in
error are left out, so saving what remains keeps their stored values. Forms prefill from a
row with ``obj=row``; pass it on POST too, so a field the browser did not send keeps its
stored value.

Section forms have two buttons. "Save and continue" checks everything sign-off will need;
"Save and come back later" keeps any valid answers and reports only what is invalid (a date
that does not exist, an option that was not offered).
"""

from datetime import date

from flask_wtf import FlaskForm
from wtforms import SelectChoice

from eia.models import london_date, utcnow
from eia.models.enums import (
    ACTION_STATUS_LABELS,
    DIRECTION_LABELS,
    OUTCOME_LABELS,
    ActionStatus,
    Direction,
    Outcome,
)
from eia.operations import ACTION_FIELDS, EVIDENCE_FIELDS, IMPACT_FIELDS, OUTCOME_FIELDS
from eia.scoring import LIKELIHOOD_LABELS, SEVERITY_LABELS, impact_name

from .fields import (
    AtLeast,
    EditedTogether,
    Needed,
    blank_choice,
    button,
    checkbox,
    checkboxes,
    date_input,
    long_text,
    optional_int,
    radios,
    select,
    short_text,
)


class GuidedForm(EditedTogether, FlaskForm):
    """A form that prefills from a row (``obj=``) and hands its answers to an operation."""

    def process(self, formdata=None, obj=None, data=None, extra_filters=None, **kwargs):
        if obj is not None:
            kwargs = {**self.data_from(obj), **kwargs}
        super().process(formdata, obj, data=data, extra_filters=extra_filters, **kwargs)

    def data_from(self, obj) -> dict:
        """Prefill for fields a row does not hold under the field's own name."""
        return {}

    def is_save_for_later(self) -> bool:
        return False

    def _values(self, names) -> dict:
        return {name: self[name].data for name in names if not self[name].errors}


class SectionForm(GuidedForm):
    """A section of the assessment: complete it, or save it to come back later."""

    save = button("Save and continue")
    save_for_later = button("Save and come back later", secondary=True)

    def is_save_for_later(self) -> bool:
        return bool(self.save_for_later.data)


# Field mixins, declared in the order the pages ask the questions: WTForms orders a form's
# fields by when they were made, and the error summary follows that order.


class GroupFields:
    characteristic_ids = checkboxes(
        "Which characteristics does the group share?",
        hint="Select at least two",
        coerce=int,
        message="Select characteristics from the list",
        validators=[AtLeast(2, "Select at least two characteristics")],
    )
    description = short_text(
        "Describe the group",
        called="Description",
        hint="In words, for example, Black Caribbean boys and school exclusions",
        needed=Needed(
            "Describe the group, for example, Black Caribbean boys and school exclusions"
        ),
    )

    def data_from(self, obj) -> dict:
        return {**super().data_from(obj), "characteristic_ids": [c.id for c in obj.characteristics]}


AIMS = {
    "aim_discrimination": "Eliminate discrimination, harassment and victimisation",
    "aim_opportunity": "Advance equality of opportunity",
    "aim_relations": "Foster good relations between people who share it and people who do not",
}


def _score(label: str, labels: dict, message: str, hint: str = ""):
    return radios(
        label,
        labels,
        message=message,
        hint=hint,
        coerce=int,
        hints={n: f"Scores {n}" for n in labels},
    )


class ImpactFields:
    direction = radios(
        "Is the impact positive, negative, neutral or unclear?",
        DIRECTION_LABELS,
        message="Select whether the impact is positive, negative, neutral or unclear",
        hints={
            Direction.positive: "It would benefit people, or advance equality",
            Direction.negative: "It would disadvantage people: you will need to say how you "
            "will mitigate it",
            Direction.neutral: "It would affect people no differently from anyone else",
            Direction.unclear: "You do not know yet",
        },
    )
    aims = checkboxes(
        "Which aims of the Public Sector Equality Duty does it touch?",
        AIMS,
        hint="Select all that apply",
        message="Select aims from the list",
    )
    inherent_likelihood = _score(
        "How likely is the impact before mitigation?",
        LIKELIHOOD_LABELS,
        "Select how likely the impact is before mitigation",
        hint="Before mitigation means as the proposal stands, before anything is done to "
        "reduce the impact",
    )
    inherent_severity = _score(
        "How severe would the impact be before mitigation?",
        SEVERITY_LABELS,
        "Select how severe the impact would be before mitigation",
    )
    residual_likelihood = _score(
        "How likely is the impact after mitigation?",
        LIKELIHOOD_LABELS,
        "Select how likely the impact is after mitigation",
    )
    residual_severity = _score(
        "How severe would the impact be after mitigation?",
        SEVERITY_LABELS,
        "Select how severe the impact would be after mitigation",
    )
    mitigation = long_text(
        "How will you mitigate the impact?",
        called="Mitigation",
        hint="What you will do to remove or reduce a negative impact. Add each step to the "
        "action plan too.",
        needed=Needed(
            "Enter how you will mitigate the negative impact",
            when=lambda form: form.direction.data == Direction.negative,
        ),
    )

    def data_from(self, obj) -> dict:
        return {**super().data_from(obj), "aims": [aim for aim in AIMS if getattr(obj, aim)]}

    def impact_values(self) -> dict:
        values = self._values(name for name in IMPACT_FIELDS if name not in AIMS)
        if not self.aims.errors:
            values.update({aim: aim in (self.aims.data or ()) for aim in AIMS})
        return values


class EvidenceFields:
    evidence = long_text(
        "What does the evidence say?",
        called="Evidence",
        hint="What data and research say: the borough profile, service-user data, "
        "complaints, national research",
        needed=Needed(
            "Enter the evidence, or tick that there is a gap in the evidence",
            when=lambda form: not form.evidence_gap.data,
        ),
    )
    evidence_gap = checkbox(
        "There is a gap in the evidence",
        hint="The gap becomes an action in the action plan",
    )
    evidence_gap_reason = long_text(
        "What evidence is missing, and why?",
        called="The evidence gap",
        hint="For example, the service does not record its users' ethnicity",
        needed=Needed(
            "Enter what evidence is missing and why", when=lambda form: form.evidence_gap.data
        ),
    )

    def evidence_values(self) -> dict:
        return self._values(EVIDENCE_FIELDS)


class ImpactForm(ImpactFields, SectionForm):
    """One characteristic's impact: ``ops.save_impact(..., form.to_values())``."""

    def to_values(self) -> dict:
        return self.impact_values()


class EvidenceForm(EvidenceFields, SectionForm):
    """One characteristic's evidence: ``ops.save_impact(..., section="evidence")``."""

    def to_values(self) -> dict:
        return self.evidence_values()


class IntersectionalForm(GroupFields, ImpactFields, EvidenceFields, SectionForm):
    """A combination of characteristics, scored like a single one. The view passes the
    characteristics to offer (``characteristics=`` rows)."""

    def __init__(self, *args, characteristics, **kwargs):
        super().__init__(*args, **kwargs)
        self.characteristic_ids.choices = [
            SelectChoice(value=str(c.id), label=c.name) for c in characteristics
        ]

    def to_values(self) -> tuple[dict, list[int]]:
        """``values, characteristic_ids`` for ``ops.save_intersectional``, which refuses
        fewer than two: save nothing while ``characteristic_ids`` has an error."""
        values = {
            **self.impact_values(),
            **self.evidence_values(),
            **self._values(("description",)),
        }
        return values, list(self.characteristic_ids.data or ())


ENGAGEMENT_FIELDS = ("who", "method", "held_on", "what_they_said", "what_changed")


class EngagementForm(GuidedForm):
    """One engagement or consultation, "you said, we did": ``ops.add_engagement``."""

    who = short_text(
        "Who did you ask?",
        called="Who you asked",
        hint="For example, the Disability Forum, tenants on the Andover estate, staff in the "
        "service",
        needed=Needed("Enter who you asked"),
    )
    method = short_text(
        "How did you ask them?",
        called="How you asked",
        hint="For example, an online survey, a public meeting or focus groups",
        max_length=200,
        needed=Needed("Enter how you asked them"),
    )
    held_on = date_input(
        "When did it happen?",
        called="Date of the engagement",
        hint="If it ran for more than a day, give the last day. For example, 14 1 2026",
        needed=Needed("Enter the date of the engagement"),
    )
    what_they_said = long_text(
        "What did they say?",
        called="What they said",
        needed=Needed("Enter what they said"),
    )
    what_changed = long_text(
        "What changed as a result?",
        called="What changed",
        hint="You said, we did. If nothing changed, say why not.",
        needed=Needed("Enter what changed as a result, or why nothing changed"),
    )
    submit = button("Save engagement")

    def to_values(self) -> dict:
        return self._values(ENGAGEMENT_FIELDS)


MITIGATES = {"impact": "impact_id", "intersectional": "intersectional_impact_id"}


def mitigates_value(kind: str, row_id: int) -> str:
    """How the "which impact" select names an impact: "impact-12", "intersectional-3"."""
    return f"{kind}-{row_id}"


class ActionForm(GuidedForm):
    """One action in the plan: ``ops.save_action(..., form.to_values())``. The view passes
    the people who may own it (``owners=`` User rows) and the impacts it may mitigate
    (``impacts=`` ImpactAssessment rows, ``intersectional_impacts=`` rows)."""

    description = long_text(
        "What will be done?",
        called="The action",
        needed=Needed("Enter what will be done"),
    )
    owner_id = select(
        "Who owns this action?",
        coerce=optional_int,
        message="Select who owns this action",
    )
    due_date = date_input(
        "When is it due?",
        called="Due date",
        hint="For example, 31 3 2027",
        needed=Needed("Enter the due date"),
    )
    status = radios(
        "Status",
        ACTION_STATUS_LABELS,
        message="Select the status of the action",
        default=ActionStatus.proposed.value,
    )
    mitigates = select(
        "Which impact does it mitigate?",
        message="Select an impact from the list",
        needed=False,
    )
    submit = button("Save action")

    def __init__(self, *args, owners, impacts=(), intersectional_impacts=(), **kwargs):
        super().__init__(*args, **kwargs)
        obj = kwargs.get("obj")
        self._completed_on = obj.completed_on if obj is not None else None
        self.owner_id.choices = [
            blank_choice("Choose an owner"),
            *(SelectChoice(value=str(u.id), label=u.name) for u in owners),
        ]
        self.mitigates.choices = [
            blank_choice("None of them"),
            *(
                SelectChoice(value=mitigates_value("impact", i.id), label=impact_name(i))
                for i in impacts
            ),
            *(
                SelectChoice(value=mitigates_value("intersectional", i.id), label=impact_name(i))
                for i in intersectional_impacts
            ),
        ]

    def data_from(self, obj) -> dict:
        if obj.impact_id is not None:
            mitigates = mitigates_value("impact", obj.impact_id)
        elif obj.intersectional_impact_id is not None:
            mitigates = mitigates_value("intersectional", obj.intersectional_impact_id)
        else:
            mitigates = ""
        return {**super().data_from(obj), "mitigates": mitigates}

    def audit_to_form(self, name: str, value):
        if name in MITIGATES.values() and value is not None:
            kind = next(k for k, column in MITIGATES.items() if column == name)
            return "mitigates", mitigates_value(kind, value)
        return name, value

    def to_values(self, today: date | None = None) -> dict:
        """``completed_on`` follows the status: the day it was first marked done (``today``
        when that is now), or None while it is not done."""
        values = self._values(name for name in ACTION_FIELDS if name in self._fields)
        if not self.mitigates.errors:
            kind, _, row_id = (self.mitigates.data or "").partition("-")
            values.update(dict.fromkeys(MITIGATES.values()))
            if kind in MITIGATES and row_id.isdigit():
                values[MITIGATES[kind]] = int(row_id)
        if not self.status.errors:
            done = self.status.data == ActionStatus.done
            values["completed_on"] = (
                (self._completed_on or today or london_date(utcnow())) if done else None
            )
        return values


OUTCOME_HINTS = {
    Outcome.no_major_change: "The assessment shows the proposal is robust: no potential for "
    "discrimination or adverse impact, and every opportunity to "
    "advance equality has been taken",
    Outcome.adjust: "Change the proposal to remove barriers or better advance equality, for "
    "example through the actions in the action plan",
    Outcome.continue_despite_adverse: "Go ahead despite an adverse impact or a missed "
    "opportunity. You must justify this.",
    Outcome.stop: "The proposal shows actual or potential unlawful discrimination",
}


def _justification(label: str, called: str, message: str):
    return long_text(
        label,
        called=called,
        needed=Needed(
            message, when=lambda form: form.outcome.data == Outcome.continue_despite_adverse
        ),
    )


class OutcomeForm(SectionForm):
    """The EIA's outcome and review date: ``ops.update_eia(..., "outcome", ...)``.

    The three justification fields matter for outcome 3 only. A template can show them as
    that radio's conditional reveal (which, without JavaScript, is simply always shown)::

        {% set why %}{{ form.justification_legitimate_aim() }}…{% endset %}
        {{ form.outcome(params={"items": [{}, {}, {"conditional": {"html": why}}, {}]}) }}
    """

    outcome = radios(
        "What is the outcome of the assessment?",
        OUTCOME_LABELS,
        message="Select the outcome of the assessment",
        hints=OUTCOME_HINTS,
    )
    outcome_reason = long_text(
        "Why is this the right outcome?",
        called="The reason for the outcome",
        needed=Needed("Enter why this is the right outcome"),
    )
    justification_legitimate_aim = _justification(
        "What is the legitimate aim of the proposal?",
        "The legitimate aim",
        "Enter the legitimate aim of the proposal",
    )
    justification_less_harmful = _justification(
        "Why is there no less harmful way to achieve the aim?",
        "Why there is no less harmful way",
        "Enter why there is no less harmful way to achieve the aim",
    )
    justification_proportionate = _justification(
        "Why is the impact proportionate to the aim?",
        "Why the impact is proportionate",
        "Enter why the impact is proportionate to the aim",
    )
    review_date = date_input(
        "When will you review this assessment?",
        called="Review date",
        hint="Usually within a year of the decision. For example, 31 3 2027",
        needed=Needed("Enter the review date"),
        future=True,
    )

    def to_values(self) -> dict:
        return self._values(OUTCOME_FIELDS)


COMPLETED_LABELS = {
    "yes": "Yes, I have completed this section",
    "no": "No, I'll come back to it later",
}


class SectionCompletedForm(GuidedForm):
    """The officer's "I have completed this section" for a section with nothing that must be
    filled in (engagement, intersectional impacts, the action plan), which is also how they
    say there is nothing to add: ``ops.mark_section_complete(..., form.is_complete())``."""

    completed = radios(
        "Have you completed this section?",
        COMPLETED_LABELS,
        message="Select whether you have completed this section",
    )
    submit = button("Save and continue")

    def is_complete(self) -> bool:
        return self.completed.data == "yes"

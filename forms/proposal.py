"""Starting an EIA, and describing the proposal (the first section of the journey).

The proposal form checks only what a person can get wrong while typing (a date that does
not exist, an option that is not offered, text too long to store, an EIA both published and
confidential). Whether the section is
complete is asked only when the officer presses "Save and continue": "Save and come back
later" keeps whatever is valid and asks for nothing more.
"""

from flask_wtf import FlaskForm
from wtforms.validators import ValidationError

from eia.models.enums import AFFECTED_GROUP_LABELS, DECISION_TYPE_LABELS, PROPOSAL_TYPE_LABELS
from forms.fields import (
    EditedTogether,
    Needed,
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

# The widths of the columns these answers are stored in.
TITLE_MAX = 300
DECISION_MAKER_MAX = 200
DECISION_ROUND_MAX = 120


def _title(needed: Needed | None):
    return short_text(
        "Title of the proposal",
        called="Title",
        hint="A short name people in the council will recognise, for example “School Streets "
        "in Highbury” or “Reduce library opening hours on Sundays”.",
        max_length=TITLE_MAX,
        needed=needed,
    )


class NewEiaForm(FlaskForm):
    """Start an EIA: its title and the service it belongs to (the view offers the
    services)."""

    title = _title(Needed("Enter the title of the proposal"))
    service = select(
        "Which service is making the proposal?",
        message="Select the service making the proposal",
        hint="The EIA belongs to this service: its officers can work on it and its "
        "directorate's approvers sign it off.",
        coerce=optional_int,
    )
    submit = button("Start the EIA")

    def is_save_for_later(self) -> bool:
        return False


class ProposalForm(EditedTogether, FlaskForm):
    """Describe the proposal. ``later`` is "Save and come back later"; ``save`` is
    "Save and continue"."""

    title = _title(Needed("Enter the title of the proposal"))
    summary = long_text(
        "Summary of the proposal",
        called="Summary",
        hint="Say what will change, for whom, why, and when. Write it so a resident could "
        "understand it: an approver and the public register will read this first. "
        "Good summaries say what happens now, what will happen instead, and how many "
        "people it touches.",
        needed=Needed("Enter a summary of the proposal"),
    )
    proposal_type = radios(
        "What kind of proposal is it?",
        PROPOSAL_TYPE_LABELS,
        message="Select the kind of proposal",
        hint="Choose the closest. A budget saving that changes a service is a budget saving.",
    )
    affects = checkboxes(
        "Who does the proposal affect?",
        AFFECTED_GROUP_LABELS,
        message="Select who the proposal affects",
        hint="Select all that apply. Staff changes affect staff; most service changes affect "
        "service users and residents.",
        validators=[Needed("Select who the proposal affects")],
    )
    decision_type = radios(
        "What kind of decision does this EIA inform?",
        DECISION_TYPE_LABELS,
        message="Select the kind of decision",
        hints={
            "committee": "Taken by the Executive, a committee or full Council, with a "
            "report the EIA goes with.",
            "officer": "Taken by a director or head of service under delegated powers.",
        },
    )
    decision_maker = short_text(
        "Who makes the decision?",
        called="Decision maker",
        hint="The person or body who decides, for example “Executive” or “Corporate "
        "Director of Environment”. They must have the impacts in front of them when "
        "they decide.",
        max_length=DECISION_MAKER_MAX,
        needed=Needed("Enter who makes the decision"),
    )
    decision_date = date_input(
        "When will the decision be made?",
        called="Decision date",
        hint="For example, 27 3 2027. Leave it blank if it has not been set yet. The EIA "
        "must be signed off before this date.",
    )
    decision_round = short_text(
        "Decision round (optional)",
        called="Decision round",
        hint="If the proposal is one of a set decided together, name the set so their "
        "combined impact can be seen, for example “Budget 2027/28”.",
        max_length=DECISION_ROUND_MAX,
    )
    # A new EIA is marked to publish (the model's default); not publishing needs a reason.
    # The reason is always shown, not revealed: it is asked for when the box is unticked,
    # and a GOV.UK reveal opens when a box is ticked.
    publishable = checkbox(
        "Publish this EIA in the council's register once it is approved",
        hint="The public register shows approved EIAs to residents. Publish unless there "
        "is a good reason not to.",
    )
    publishing_reason = long_text(
        "If it should not be published, why not?",
        called="The reason for not publishing",
        hint="Only if you untick publishing. For example, it describes the posts of named "
        "staff. If it is confidential for now, say until when.",
        needed=Needed(
            "Enter why the EIA should not be published, or tick to publish it",
            when=lambda form: not form.publishable.data,
        ),
    )
    confidential = checkbox(
        "This EIA is confidential",
        hint="Tick only if it holds information that must not be shared yet, for example "
        "before staff consultation or while a procurement is live. A confidential EIA "
        "is not published.",
    )
    save = button("Save and continue")
    later = button("Save and come back later", secondary=True)

    # The EIA columns this form writes (all of operations.PROPOSAL_FIELDS).
    FIELDS = (
        "title",
        "summary",
        "proposal_type",
        "affects",
        "decision_type",
        "decision_maker",
        "decision_date",
        "decision_round",
        "publishable",
        "publishing_reason",
        "confidential",
    )

    def is_save_for_later(self) -> bool:
        return bool(self.later.data)

    # Publishing a confidential EIA is a contradiction, whichever button was pressed: both
    # answers are refused (and neither saved) until one of them changes.
    def validate_publishable(self, field):
        if field.data and self.confidential.data:
            raise ValidationError(PUBLISHED_AND_CONFIDENTIAL["publishable"])

    def validate_confidential(self, field):
        if field.data and self.publishable.data:
            raise ValidationError(PUBLISHED_AND_CONFIDENTIAL["confidential"])


PUBLISHED_AND_CONFIDENTIAL = {
    "publishable": "A confidential EIA cannot be published: untick publishing and say why, "
    "or untick confidential",
    "confidential": "A published EIA cannot be confidential: untick confidential, or untick "
    "publishing and say why",
}


__all__ = ["NewEiaForm", "ProposalForm"]

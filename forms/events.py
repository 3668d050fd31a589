"""The form for a lifecycle event: exactly what the event needs (the transition's
``needs`` in workflows.lifecycle), nothing more.

Each need maps to one field; ``event_form(event, needs)`` builds the form class, and
``EventFormBase.inputs()`` hands the answers to ``operations.transition`` under the names the
guards read (``comment``, ``reason``, ``review_notes``, ``next_review_date``, ``return_to``,
``attested``, ``late_reason``).
"""

from flask_wtf import FlaskForm

from forms.fields import Needed, button, checkbox, date_input, long_text, radios
from workflows.guards import NEED_INPUTS
from workflows.lifecycle import destination_choices

# The question for the return's destination (here and on the sign-off page, forms.signoff).
RETURN_TARGET_QUESTION = "Where does the EIA go back to?"

# Words for a reason, by event: the question a person answers.
REASON_LABELS = {
    "withdraw": (
        "Why is the proposal being withdrawn?",
        "For example, “The Executive decided not to go ahead” or “Replaced by "
        "EIA-2027-00012”. It is kept in the EIA's history.",
    ),
    "archive": (
        "Why is the policy being archived?",
        "For example, “The scheme ended on 31 March 2027”. It is kept in the EIA's history.",
    ),
}
DEFAULT_REASON = ("Why?", "It is kept in the EIA's history.")


def _field_for(need: str, event: str):
    """(input name, unbound field) for one need: the name is the one the need reads
    (guards.NEED_INPUTS), so a refusal for want of it is shown on this field."""
    return NEED_INPUTS[need], _unbound_field(need, event)


def _unbound_field(need: str, event: str):
    if need == "reason":
        label, hint = REASON_LABELS.get(event, DEFAULT_REASON)
        return long_text(label, called="The reason", hint=hint, needed=Needed("Enter the reason"))
    if need == "comment":
        return long_text(
            "Comment",
            called="Your comment",
            hint="Say what needs to change and where.",
            needed=Needed("Enter a comment saying what to change"),
        )
    if need == "review_notes":
        hint = (
            "Say what the review found: whether the impacts are as expected, what the "
            "monitoring shows and whether the actions worked."
            if event == "confirm_review"
            else "Say what has changed and why the EIA needs a new version."
        )
        return long_text(
            "Review notes",
            called="Review notes",
            hint=hint,
            needed=Needed("Enter your review notes"),
        )
    if need == "next_review_date":
        return date_input(
            "When should the EIA next be reviewed?",
            called="Next review date",
            hint="For example, 27 3 2028. It must be in the future.",
            needed=Needed("Enter the date of the next review"),
            future=True,
        )
    if need == "return_target":
        return radios(
            RETURN_TARGET_QUESTION,
            destination_choices(event),
            message="Select where the EIA goes back to",
        )
    if need == "attestation":
        return checkbox("I have read the impacts on each group myself and had due regard to them")
    if need == "late_reason":
        return long_text(
            "Why is this happening after the decision date?",
            called="The reason",
            hint="The approval will be flagged as late.",
            needed=Needed("Enter why sign-off is late"),
        )
    raise KeyError(f"no field for the need {need!r}")


class EventFormBase(FlaskForm):
    input_names: tuple[str, ...] = ()

    def is_save_for_later(self) -> bool:
        return False

    def inputs(self) -> dict:
        """The answers, named as ``operations.transition`` expects them."""
        values = {name: self[name].data for name in self.input_names}
        if "attested" in values:
            values["attested"] = bool(values["attested"])
        return values


def event_form(event: str, needs: tuple[str, ...], label: str) -> type[EventFormBase]:
    """A form class asking for ``needs`` with a submit button reading ``label``."""
    attrs, names = {}, []
    for need in needs:
        name, field = _field_for(need, event)
        attrs[name] = field
        names.append(name)
    attrs["input_names"] = tuple(names)
    attrs["submit"] = button(label)
    return type(f"{event.title().replace('_', '')}Form", (EventFormBase,), attrs)

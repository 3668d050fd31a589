"""The approver's decision on an EIA."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
)
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional

from forms.events import RETURN_TARGET_QUESTION
from workflows.lifecycle import SECTIONS, destination_choices

LONG_TEXT = Length(max=20000, message="Keep this to 20,000 characters or fewer")
# Where a returned EIA can go: the lifecycle table's return transitions.
RETURN_TARGETS = destination_choices("return")


class SignOffForm(FlaskForm):
    decision = RadioField(
        "What is your decision?",
        choices=[
            SelectChoice("approve", "Approve: sign off this EIA"),
            SelectChoice("return", "Return it to the officer with what to change"),
        ],
        widget=GovRadioInput(),
        validators=[InputRequired("Select approve or return")],
    )
    attested = BooleanField(
        "I have read the impacts above myself and had due regard to them in making this decision",
        widget=GovCheckboxInput(),
    )
    late_reason = TextAreaField(
        "Why is sign-off happening after the decision date?",
        widget=GovTextArea(),
        validators=[Optional(), LONG_TEXT],
    )
    comment = TextAreaField(
        "Comment for the officer",
        widget=GovTextArea(),
        validators=[Optional(), LONG_TEXT],
    )
    section = SelectField(
        "Which section needs changing?",
        choices=[SelectChoice("", "The EIA as a whole")]
        + [SelectChoice(key, title) for key, title in SECTIONS.items()],
        widget=GovSelect(),
        validators=[Optional()],
    )
    return_to = RadioField(
        RETURN_TARGET_QUESTION,
        choices=[SelectChoice(key, words) for key, words in RETURN_TARGETS.items()],
        default=next(iter(RETURN_TARGETS)),
        widget=GovRadioInput(),
        validators=[Optional()],
    )
    # The fingerprint of the content the page showed: the decision binds to it.
    seen = HiddenField()
    submit = SubmitField("Record my decision", widget=GovSubmitInput())

    def inputs(self) -> dict:
        """What the lifecycle event needs, from the form."""
        if self.decision.data == "approve":
            return {
                "attested": bool(self.attested.data),
                "late_reason": self.late_reason.data,
                "comment": self.comment.data,
                "seen": self.seen.data,
            }
        return {
            "comment": self.comment.data,
            "return_to": self.return_to.data or None,
            "section": self.section.data or None,
            "seen": self.seen.data,
        }

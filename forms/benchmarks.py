"""The pan-London practice comparison's forms: adding a council (by its feed's address, or
a file with its public key), refreshing one, and choosing the measure and year to compare
(a GET form: it changes nothing)."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput, GovTextArea
from wtforms import Form, SelectChoice, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from forms.admin import clean
from forms.fields import OneLine, OneLineInput, select


class AddCouncilForm(FlaskForm):
    feed_url = StringField(
        "Address of the council's feed",
        widget=OneLineInput(),
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
        description="For example https://www.example.gov.uk/open-data/eia-practice.json. "
        "Only this address is fetched; redirects are not followed.",
        validators=[
            Optional(),
            Length(max=500, message="The address must be 500 characters or fewer"),
            OneLine("The address"),
        ],
    )
    file = FileField(
        "Or a feed file",
        widget=GovFileInput(),
        description="A feed downloaded from the council's site (JSON). Give its public key below.",
    )
    public_key = TextAreaField(
        "The council's public key (optional for an address)",
        widget=GovTextArea(),
        filters=[clean],
        description="The key the council publishes beside its feed, as it is published. "
        "Left blank for an address, the key is fetched from beside the feed and trusted "
        "from then on.",
        validators=[
            Optional(),
            Length(max=1000, message="The key must be 1000 characters or fewer"),
        ],
    )
    submit = SubmitField("Add council", widget=GovSubmitInput())


class RefreshForm(FlaskForm):
    submit = SubmitField("Refresh", widget=GovSubmitInput())


class CompareForm(Form):
    measure = select("Measure", message="Choose a measure from the list", needed=False)
    year = select(
        "Financial year",
        message="Choose a financial year from the list, for example 2025 for 2025/26",
        needed=False,
        hint="1 April to 31 March.",
    )

    def __init__(self, formdata=None, *, measures, years, **kwargs):
        super().__init__(formdata, **kwargs)
        self.measure.choices = [SelectChoice(value=k, label=v) for k, v in measures]
        self.year.choices = [SelectChoice(value=k, label=v) for k, v in years]

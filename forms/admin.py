"""Managing the product: people, the council's structure, and the characteristics.

The choices of the select and radio fields are filled in by the views (they come from the
database). Rules that need the database (a unique email, "you cannot deactivate yourself")
are checked by the views too; rules about the form's own values live here.
"""

import re

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
)
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from eia.capabilities import ASSIGNABLE_ROLES, PASSWORD_MAX, PASSWORD_MIN, missing_team
from eia.models.enums import ROLE_LABELS
from forms.fields import OneLine, OneLineInput, clean_text

# Control characters other than tab and line breaks: never wanted, and PostgreSQL refuses
# a NUL in text outright.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(value):
    """Strip surrounding spaces and unprintable characters from typed text."""
    if isinstance(value, str):
        return _CONTROL.sub("", value).strip()
    return value


def optional_id(value):
    """A select's value: "" means none chosen; anything else must be a whole number."""
    if value is None or value == "":
        return None
    if isinstance(value, int):
        return value
    value = str(value)
    if not value.isdigit() or len(value) > 9:
        raise ValueError(value)
    return int(value)


ROLE_CHOICES = [SelectChoice(role.value, ROLE_LABELS[role]) for role in ASSIGNABLE_ROLES]


def _role_field():
    return RadioField(
        "Role",
        widget=GovRadioInput(),
        choices=ROLE_CHOICES,
        invalid_choice_message="Select a role",
        invalid_value_message="Select a role",
    )


def _service_field():
    return SelectField(
        "Service",
        widget=GovSelect(),
        coerce=optional_id,
        description="Officers must belong to a service: they write EIAs for it.",
        invalid_choice_message="Select a service from the list",
        invalid_value_message="Select a service from the list",
    )


def _directorate_field():
    return SelectField(
        "Directorate",
        widget=GovSelect(),
        coerce=optional_id,
        description="Approvers sign off the EIAs of this directorate. Leave as 'None' to "
        "use the directorate of the person's service.",
        invalid_choice_message="Select a directorate from the list",
        invalid_value_message="Select a directorate from the list",
    )


def _name_field(label="Full name", what="their full name", max_length=200):
    return StringField(
        label,
        widget=OneLineInput(),
        filters=[clean_text],  # control characters are refused (OneLine), not dropped
        validators=[
            DataRequired(f"Enter {what}"),
            OneLine(label),
            Length(max=max_length, message=f"{label} must be {max_length} characters or fewer"),
        ],
    )


def _password_field(label):
    return PasswordField(
        label,
        widget=GovPasswordInput(),
        description=f"At least {PASSWORD_MIN} characters. Leave empty and a password will "
        "be made up and shown to you once, to pass on securely.",
        validators=[
            Optional(),
            OneLine("Password"),
            Length(
                min=PASSWORD_MIN,
                max=PASSWORD_MAX,
                message=f"Password must be between {PASSWORD_MIN} and "
                f"{PASSWORD_MAX} characters, or leave it empty to have "
                "one made up",
            ),
        ],
    )


class _PersonRules:
    """The team the role needs (eia.capabilities.missing_team: an officer a service; an
    approver a directorate, or a service whose directorate is used); a service chosen
    alongside a directorate must be in it."""

    # {service id: its directorate id}, set by the view with the choices.
    service_directorates: dict[int, int] = {}

    def validate_service_id(self, field):
        if missing_team(self.role.data, field.data, self.directorate_id.data) == "service":
            raise ValidationError("Select a service: an officer writes EIAs for a service")

    def validate_directorate_id(self, field):
        role, service = self.role.data, self.service_id.data
        if missing_team(role, service, field.data) == "directorate":
            raise ValidationError(
                "Select a directorate, or a service in it: an approver "
                "signs off the EIAs of a directorate"
            )
        if (
            field.data is not None
            and service is not None
            and self.service_directorates.get(service) not in (None, field.data)
        ):
            raise ValidationError(
                "Select the directorate the service is in, or leave the directorate as 'None'"
            )


class NewUserForm(_PersonRules, FlaskForm):
    name = _name_field()
    email = EmailField(
        "Email address",
        widget=OneLineInput(),
        filters=[clean_text, str.lower],
        description="Their council email address: they sign in with it.",
        validators=[
            DataRequired("Enter their email address"),
            OneLine("Email address"),
            Length(max=320, message="Email address must be 320 characters or fewer"),
            Email("Enter an email address in the correct format, like name@islington.gov.uk"),
        ],
    )
    role = _role_field()
    service_id = _service_field()
    directorate_id = _directorate_field()
    password = _password_field("Initial password (optional)")
    submit = SubmitField("Add user", widget=GovSubmitInput())


class EditUserForm(_PersonRules, FlaskForm):
    name = _name_field()
    role = _role_field()
    service_id = _service_field()
    directorate_id = _directorate_field()
    active = BooleanField("Active: this person can sign in", widget=GovCheckboxInput())
    submit = SubmitField("Save changes", widget=GovSubmitInput())


class PasswordResetForm(FlaskForm):
    password = _password_field("New password (optional)")
    submit = SubmitField("Reset password", widget=GovSubmitInput())


class PseudonymiseForm(FlaskForm):
    """A leaver's name and email replaced by a pseudonym (eia/admin_operations.py)."""

    understood = BooleanField(
        "I understand this cannot be undone",
        widget=GovCheckboxInput(),
        validators=[DataRequired("Tick to confirm you understand pseudonymising cannot be undone")],
    )
    submit = SubmitField("Pseudonymise", widget=GovSubmitInput())


class DirectorateForm(FlaskForm):
    name = _name_field("Directorate name", "the directorate's name")
    submit = SubmitField("Save", widget=GovSubmitInput())


class ServiceForm(FlaskForm):
    name = _name_field("Service name", "the service's name")
    submit = SubmitField("Save", widget=GovSubmitInput())


class CharacteristicForm(FlaskForm):
    name = _name_field("Name", "the characteristic's name", max_length=120)
    guidance = TextAreaField(
        "Guidance: what good looks like",
        widget=GovTextArea(),
        filters=[clean],
        description="Officers see this as hint text when they screen and assess this "
        "characteristic.",
        validators=[Length(max=5000, message="Guidance must be 5,000 characters or fewer")],
    )
    borough_profile = TextAreaField(
        "Borough profile",
        widget=GovTextArea(),
        filters=[clean],
        description="The borough's figure for this group, with its source. For example, "
        "“Islington’s population is 42% from Black, Asian and other minority "
        "ethnic groups (2021 Census)”.",
        validators=[Length(max=2000, message="Borough profile must be 2,000 characters or fewer")],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())

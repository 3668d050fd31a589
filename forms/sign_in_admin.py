"""Managing how people sign in with the council's account: the settings (password sign-in
as the break-glass, linking existing accounts by email) and the mapping of Entra app roles
and groups to roles and teams. The select choices are filled in by the views."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
)
from wtforms import RadioField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from eia.capabilities import ASSIGNABLE_ROLES
from eia.models.enums import ROLE_LABELS

from .admin import optional_id
from .fields import OneLine, OneLineInput, clean_text


def _on_off(label: str, on: str, off: str, description: str) -> RadioField:
    return RadioField(
        label,
        widget=GovRadioInput(),
        choices=[SelectChoice("on", on), SelectChoice("off", off)],
        description=description,
        invalid_choice_message="Select on or off",
        invalid_value_message="Select on or off",
    )


class SignInSettingsForm(FlaskForm):
    password_sign_in = _on_off(
        "Password sign-in (the break-glass)",
        "On: people who have been given a password can still sign in with it",
        "Off: everyone signs in with their council account",
        "Keep it on only while you need it, for example while the council's sign-in service "
        "is down. When it is off, an administrator can still get in with a one-time code "
        "from “eia users break-glass” on the server.",
    )
    link_by_email = _on_off(
        "Link existing accounts by email address",
        "On: a person signing in with their council account for the first time takes over "
        "the account here with the same email address",
        "Off: they are refused, and the account here stays as it is",
        "Use this once, when moving people who already have accounts here over to their "
        "council account. Each link is in the audit trail; once linked, people are "
        "recognised by their council account, never by email address.",
    )
    submit = SubmitField("Save settings", widget=GovSubmitInput())


KIND_CHOICES = [SelectChoice("app_role", "App role"), SelectChoice("group", "Group")]
ROLE_CHOICES = [SelectChoice("", "No role (a team only)")] + [
    SelectChoice(r.value, ROLE_LABELS[r]) for r in ASSIGNABLE_ROLES
]


def _optional_role(value):
    return value or None


class MappingForm(FlaskForm):
    kind = RadioField(
        "What the council's account has",
        widget=GovRadioInput(),
        choices=KIND_CHOICES,
        description="App roles are defined on the app registration and assigned to people "
        "or groups there: the recommended way. A group is matched by its object "
        "id.",
        invalid_choice_message="Select app role or group",
        invalid_value_message="Select app role or group",
    )
    value = StringField(
        "App role value or group object id",
        widget=OneLineInput(),
        filters=[clean_text],  # control characters are refused (OneLine), not dropped
        description="Exactly as Entra ID shows it, for example EIA.Approver, or "
        "0f3e6a1c-2b4d-4e8f-9a7b-5c6d7e8f9a0b for a group.",
        validators=[
            DataRequired("Enter the app role value or group object id"),
            OneLine("The value"),
            Length(max=200, message="The value must be 200 characters or fewer"),
        ],
    )
    role = SelectField(
        "Role it gives",
        widget=GovSelect(),
        choices=ROLE_CHOICES,
        coerce=_optional_role,
        invalid_choice_message="Select a role from the list",
    )
    service_id = SelectField(
        "Service it gives",
        widget=GovSelect(),
        coerce=optional_id,
        description="Officers need a service: they write EIAs for it.",
        invalid_choice_message="Select a service from the list",
        invalid_value_message="Select a service from the list",
    )
    directorate_id = SelectField(
        "Directorate it gives",
        widget=GovSelect(),
        coerce=optional_id,
        description="Approvers need a directorate (or a service in it).",
        invalid_choice_message="Select a directorate from the list",
        invalid_value_message="Select a directorate from the list",
    )
    submit = SubmitField("Save mapping", widget=GovSubmitInput())

    def validate_role(self, field):
        if field.data is None and self.service_id.data is None and self.directorate_id.data is None:
            raise ValidationError(
                "Select a role, a service or a directorate: a mapping must give something"
            )


class ImportMappingsForm(FlaskForm):
    file = FileField(
        "Mappings file",
        widget=GovFileInput(),
        description="A JSON file downloaded from the sign-in page (of this "
        "installation or another). It replaces every mapping.",
    )
    submit = SubmitField("Import and replace the mappings", widget=GovSubmitInput())

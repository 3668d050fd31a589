"""Importing a council's register of EIAs: the file, then which column holds each field
(one select per field, its choices the file's columns, filled in by the view)."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSelect, GovSubmitInput
from wtforms import SelectField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from eia.imports.register import FIELDS


class UploadRegisterForm(FlaskForm):
    file = FileField(
        "Register file",
        widget=GovFileInput(),
        description="A CSV or Excel (.xlsx) file with one EIA a row and a header row naming "
        "the columns, smaller than 10 MB. Nothing is imported until you have checked it.",
    )
    submit = SubmitField("Upload and choose the columns", widget=GovSubmitInput())


def _column(value):
    return None if value in (None, "") else int(value)


class ColumnsForm(FlaskForm):
    """One select per field; ``columns_form(columns)`` makes the class with their choices."""

    submit = SubmitField("Check the file", widget=GovSubmitInput())

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        chosen: dict[int, str] = {}
        for f in FIELDS:
            field = getattr(self, f.key)
            if field.data is None:
                continue
            if field.data in chosen:
                field.errors.append(
                    f"This column is already chosen for {chosen[field.data]}: choose another, "
                    "or “Not in the file”"
                )
                ok = False
            else:
                chosen[field.data] = f.label.lower()
        return ok

    def mapping(self) -> dict[str, int | None]:
        return {f.key: getattr(self, f.key).data for f in FIELDS}


def _required(label: str):
    def check(form, field):
        if field.data is None:
            raise ValidationError(f"Choose the column that holds the {label.lower()}")

    return check


def columns_form(columns) -> type[ColumnsForm]:
    """The form for a file with these columns (eia.imports.table.Column)."""
    choices = [SelectChoice("", "Not in the file")] + [
        SelectChoice(str(c.index), f"{c.label} (column {c.letter})") for c in columns
    ]

    class Form(ColumnsForm):
        pass

    for f in FIELDS:
        setattr(
            Form,
            f.key,
            SelectField(
                f.label,
                widget=GovSelect(),
                choices=choices,
                coerce=_column,
                description=("Required. " if f.required else "") + f.hint,
                validators=[_required(f.label)] if f.required else [],
                invalid_choice_message="Choose a column from the list",
                invalid_value_message="Choose a column from the list",
            ),
        )
    return Form


class ImportForm(FlaskForm):
    submit = SubmitField("Import", widget=GovSubmitInput())

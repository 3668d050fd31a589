"""Field builders, fields, widgets and validators shared by the guided EIA forms.

Every field renders through a govuk_frontend_wtf widget, so a template writes
``{{ form.field(params={...}) }}`` and gets the GOV.UK component, its hint and its error.
"""

import re
import unicodedata
from datetime import date

from govuk_frontend_wtf.gov_form_base import GovFormBase
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovDateInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.utils import unset_value
from wtforms.validators import Length, StopValidation, ValidationError

from eia.edit_conflicts import EditBase
from eia.models import london_date, utcnow

LONG_TEXT_MAX = 20_000
DATE_PARTS = ("day", "month", "year")


# --- validators ----------------------------------------------------------------------------


def _blank(data) -> bool:
    return data is None or data == "" or data == []


class Needed:
    """An answer required when the person completes the form (not when they save it to come
    back later) and, with ``when``, only in the case that describes. A blank answer that is
    not needed skips the field's other checks."""

    def __init__(self, message: str, when=None):
        self.message = message
        self.when = when

    def __call__(self, form, field):
        if field.errors or not _blank(field.data):
            return
        if not form.is_save_for_later() and (self.when is None or self.when(form)):
            raise StopValidation(self.message)
        raise StopValidation()


class AtLeast:
    """At least ``count`` options ticked, whichever button was pressed."""

    def __init__(self, count: int, message: str):
        self.count = count
        self.message = message

    def __call__(self, form, field):
        if not field.errors and len(field.data or ()) < self.count:
            raise StopValidation(self.message)


class InTheFuture:
    def __init__(self, message: str):
        self.message = message

    def __call__(self, form, field):
        if field.data is not None and field.data <= london_date(utcnow()):
            raise ValidationError(self.message)


class NotBefore:
    """A date the same as or after another date field's (when that one is a real date)."""

    def __init__(self, other: str, message: str):
        self.other = other
        self.message = message

    def __call__(self, form, field):
        other = form[self.other]
        if field.data and other.data and not other.errors and field.data < other.data:
            raise ValidationError(self.message)


class Savable:
    """PostgreSQL cannot store the NUL character, and no keyboard types it."""

    def __init__(self, called: str):
        self.message = f"{called} contains a character that cannot be saved: remove it"

    def __call__(self, form, field):
        if field.data and "\x00" in field.data:
            raise ValidationError(self.message)


# What ends a line (str.splitlines, which the email package uses on headers, splits at each
# of these) or is no text at all: Unicode's control characters (Cc: tab, line feed, carriage
# return, NUL, escape, the C1 controls such as NEL), and the line and paragraph separators.
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029\t")


_CONTROL_RUNS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def _not_text(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Zl", "Zp")


class OneLine:
    """A one-line answer (a title, a name, a search) has no line breaks, tabs or other
    control characters. A box of one line cannot be typed into with them: they come from a
    paste, another program or an import, and in an email's subject or a name in its header
    they stop the email being sent at all. Every single-line field carries this check (the
    builders below add it; tests/test_single_line_fields.py finds any field without it).
    It stops the field's other checks: this is the one thing to fix."""

    def __init__(self, called: str):
        self.breaks = f"{called} must be on one line: remove any line breaks or tabs"
        self.hidden = (
            f"{called} contains an invisible character that cannot be used: type "
            "it again rather than pasting it"
        )

    def __call__(self, form, field):
        data = field.data
        if not isinstance(data, str) or not any(_not_text(ch) for ch in data):
            return
        if any(ch in _LINE_BREAKS for ch in data):
            raise StopValidation(self.breaks)
        raise StopValidation(self.hidden)


def clean_text(value) -> str:
    """Trim surrounding whitespace only. Browsers send line breaks as CRLF; storing them as
    LF keeps an unchanged answer unchanged, so re-saving it records no edit."""
    if value is None:
        return ""
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


# --- widgets -------------------------------------------------------------------------------


def _with_legend(params: dict, field) -> dict:
    """The stock widgets drop the field's label when a template passes ``fieldset`` params
    (to size the legend, say): keep it unless the template gives words of its own."""
    fieldset = params.get("fieldset") or {}
    legend = fieldset.get("legend") or {}
    if not legend.get("text") and not legend.get("html"):
        # New dicts: the template's own params must not change under it.
        params["fieldset"] = {**fieldset, "legend": {**legend, "text": field.label.text}}
    return params


class OneLineInput(GovTextInput):
    """GOV.UK's text input, showing each run of line breaks or other control characters in
    a value saved before OneLine existed (or imported) as one space: a browser silently
    drops them from a one-line box, gluing the words either side together when the form is
    saved again. (A value typed with them is refused by OneLine, and shown the same way.)"""

    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        if isinstance(params.get("value"), str):
            params["value"] = _CONTROL_RUNS.sub(" ", params["value"])
        return params


class GovRadios(GovRadioInput):
    """GOV.UK radios whose options can carry a hint each (the field's ``hints``)."""

    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        for item in params["items"]:
            hint = field.hints.get(item["value"])
            if hint and "hint" not in item:
                item["hint"] = {"text": hint}
        return _with_legend(params, field)


class GovCheckboxes(GovCheckboxesInput):
    def map_gov_params(self, field, **kwargs):
        return _with_legend(super().map_gov_params(field, **kwargs), field)


class GovSecondaryButton(GovSubmitInput):
    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        params.setdefault("classes", "govuk-button--secondary")
        return params


class GovDateParts(GovDateInput):
    """GOV.UK's day, month and year boxes. Unlike the stock widget it keeps whatever was
    typed even when a part is missing, marks only the parts in error, and gives the
    container an id of its own (the field's id names the first input to fix, which is where
    the error summary links)."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.name)
        return super().__call__(field, **kwargs)

    def map_gov_params(self, field, **kwargs):
        params = _with_legend(GovFormBase.map_gov_params(self, field, **kwargs), field)
        params.setdefault(
            "items",
            [
                {
                    "label": part.capitalize(),
                    "id": f"{field.name}-{part}",
                    "name": field.name,
                    "classes": " ".join(
                        filter(
                            None,
                            [
                                f"govuk-input--width-{4 if part == 'year' else 2}",
                                "govuk-input--error" if part in field.parts_in_error else "",
                            ],
                        )
                    ),
                    "value": value,
                }
                for part, value in zip(DATE_PARTS, field.typed_parts(), strict=True)
            ],
        )
        return params


class GovNamedDateParts(GovDateParts):
    """Day, month and year boxes named ``<name>-day``, ``-month``, ``-year`` (GOV.UK's own
    naming), for a GET form whose dates travel in links (``GovDatePartsField``)."""

    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        for item, part in zip(params["items"], DATE_PARTS, strict=True):
            item["name"] = f"{field.name}-{part}"
        return params


class GovGroupedSelect(GovSelect):
    """GOV.UK's select with its options under headings (``<optgroup>``): the field's first,
    blank choice, then ``field.groups`` ([(heading, [(value, words)])]). The component has
    no option groups, so they are written into its ``<select>``; its label, hint and error
    are the component's own."""

    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        params["items"] = params["items"][:1]
        return params

    def __call__(self, field, **kwargs):
        head, tail = str(super().__call__(field, **kwargs)).rsplit("</select>", 1)
        return Markup(head) + self._groups(field) + Markup("</select>" + tail)

    @staticmethod
    def _groups(field) -> Markup:
        chosen = "" if field.data is None else str(field.data)
        option = Markup('<option value="{}"{}>{}</option>')
        return Markup("").join(
            Markup('<optgroup label="{}">{}</optgroup>').format(
                heading,
                Markup("").join(
                    option.format(value, Markup(" selected") if str(value) == chosen else "", words)
                    for value, words in items
                ),
            )
            for heading, items in field.groups
        )


# --- fields --------------------------------------------------------------------------------


class RadiosField(RadioField):
    """Radios that may be left unanswered (a required answer is Needed's business), whose
    options can carry a hint each."""

    widget = GovRadios()

    def __init__(self, label=None, validators=None, hints=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.hints = hints or {}

    def pre_validate(self, form):
        if self.data is not None:
            super().pre_validate(form)


class OptionalSelectField(SelectField):
    """A select whose blank prompt (or no answer at all) is a valid "none"."""

    widget = GovSelect()

    def pre_validate(self, form):
        if not _blank(self.data):
            super().pre_validate(form)


class CheckboxesField(SelectMultipleField):
    widget = GovCheckboxes()


class GovDateField(DateField):
    """A date typed into three boxes, checked the GOV.UK way: "Due date must include a
    month", "Due date must be a real date". All three boxes blank means no date."""

    widget = GovDateParts()

    def __init__(self, label=None, validators=None, *, called: str, **kwargs):
        super().__init__(label, validators, format="%d %m %Y", **kwargs)
        self.called = called
        self.parts_in_error: tuple[str, ...] = ()
        self.id = f"{self.name}-day"

    def typed_parts(self) -> list[str]:
        if self.raw_data:
            return (list(self.raw_data) + ["", "", ""])[:3]
        if self.data:
            return self.data.strftime(self.format[0]).split(" ")
        return ["", "", ""]

    def process_formdata(self, valuelist):
        if not valuelist:
            return  # not sent at all: keep the prefilled date
        self.data = None
        self.parts_in_error = ()
        day, month, year = parts = [p.strip() for p in (list(valuelist) + ["", ""])[:3]]
        if not any(parts):
            return
        missing = tuple(name for name, value in zip(DATE_PARTS, parts, strict=True) if not value)
        if missing:
            raise self._invalid(missing, f"{self.called} must include a {' and '.join(missing)}")
        if not all(p.isascii() and p.isdigit() for p in parts):
            raise self._invalid(DATE_PARTS, f"{self.called} must be a real date")
        if len(year) != 4:
            raise self._invalid(("year",), "Year must include 4 numbers")
        try:
            self.data = date(int(year), int(month), int(day))
        except (ValueError, OverflowError):
            raise self._invalid(DATE_PARTS, f"{self.called} must be a real date") from None

    def _invalid(self, parts: tuple[str, ...], message: str) -> ValueError:
        """Mark the boxes to fix; the error summary links to the first of them."""
        self.parts_in_error = parts
        self.id = f"{self.name}-{parts[0]}"
        return ValueError(message)


class GovDatePartsField(GovDateField):
    """A GovDateField whose boxes travel as ``<name>-day``, ``-month``, ``-year``: a GET form
    whose dates are carried in links and bookmarks (the dashboard's filters)."""

    widget = GovNamedDateParts()

    def process(self, formdata, data=unset_value, extra_filters=None):
        if formdata is not None:
            parts = [formdata.get(f"{self.name}-{part}") or "" for part in DATE_PARTS]
            formdata = MultiDict({self.name: parts} if any(parts) else {})
        super().process(formdata, data, extra_filters)


class GroupedSelectField(OptionalSelectField):
    """A select whose options sit under headings (``groups``, set at run time with the
    flat ``choices`` it checks an answer against)."""

    widget = GovGroupedSelect()
    groups: list = []


# --- builders ------------------------------------------------------------------------------


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(value=str(value), label=text) for value, text in labels.items()]


def long_text(label: str, *, called: str, hint: str = "", needed: Needed | None = None):
    """A textarea for prose: any Unicode, line breaks kept, up to LONG_TEXT_MAX."""
    return TextAreaField(
        label,
        description=hint,
        filters=[clean_text],
        widget=GovTextArea(),
        validators=_text_checks(called, LONG_TEXT_MAX, needed, Savable),
    )


def short_text(
    label: str,
    *,
    called: str,
    hint: str = "",
    max_length: int = LONG_TEXT_MAX,
    needed: Needed | None = None,
):
    """A box of one line: any Unicode but line breaks, tabs and control characters."""
    return StringField(
        label,
        description=hint,
        filters=[clean_text],
        widget=OneLineInput(),
        validators=_text_checks(called, max_length, needed, OneLine),
    )


def _text_checks(called: str, max_length: int, needed: Needed | None, characters) -> list:
    return [
        *([needed] if needed else []),
        characters(called),
        Length(max=max_length, message=f"{called} must be {max_length:,} characters or fewer"),
    ]


def radios(
    label: str,
    labels: dict,
    *,
    message: str,
    hint: str = "",
    hints: dict | None = None,
    coerce=str,
    needed: bool = True,
    default=None,
):
    """Radios from a ``{value: words}`` vocabulary. ``message`` is the GOV.UK "Select …"
    error, given both when an answer is needed and when the posted value is not an option."""
    return RadiosField(
        label,
        description=hint,
        choices=_choices(labels),
        coerce=coerce,
        hints={str(k): v for k, v in (hints or {}).items()},
        default=default,
        validators=[Needed(message)] if needed else [],
        invalid_value_message=message,
        invalid_choice_message=message,
    )


def checkboxes(
    label: str,
    labels: dict | None = None,
    *,
    message: str,
    hint: str = "",
    coerce=str,
    validators=(),
):
    """Checkboxes; ``labels=None`` when the view offers the options at run time."""
    return CheckboxesField(
        label,
        description=hint,
        coerce=coerce,
        choices=_choices(labels) if labels else [],
        validators=list(validators),
        invalid_value_message=message,
        invalid_choice_message=message,
    )


def checkbox(label: str, *, hint: str = ""):
    return BooleanField(label, description=hint, widget=GovCheckboxInput())


def select(
    label: str,
    *,
    message: str,
    hint: str = "",
    coerce=str,
    needed: bool = True,
    grouped: bool = False,
):
    """A select whose options the view sets at run time, a blank prompt first (and, when
    ``grouped``, the rest under headings: ``GroupedSelectField``)."""
    kind = GroupedSelectField if grouped else OptionalSelectField
    return kind(
        label,
        description=hint,
        coerce=coerce,
        choices=[],
        validators=[Needed(message)] if needed else [],
        invalid_value_message=message,
        invalid_choice_message=message,
    )


def date_input(
    label: str,
    *,
    called: str,
    hint: str,
    needed: Needed | None = None,
    future: bool = False,
    not_before: NotBefore | None = None,
    named_parts: str | None = None,
):
    """``called`` names the date in errors: "Enter the due date", "Due date must …".
    ``named_parts``: the name of a GET form's date whose boxes are ``<name>-day`` …"""
    checks = [
        *([needed] if needed else []),
        *([InTheFuture(f"{called} must be in the future")] if future else []),
        *([not_before] if not_before else []),
    ]
    if named_parts:
        return GovDatePartsField(label, checks, called=called, description=hint, name=named_parts)
    return GovDateField(label, checks, called=called, description=hint)


def button(label: str, *, secondary: bool = False):
    return SubmitField(label, widget=GovSecondaryButton() if secondary else GovSubmitInput())


def optional_int(value) -> int | None:
    """Coerce for selects whose blank option means "none"."""
    if value is None or value == "":
        return None
    return int(value)


def blank_choice(prompt: str) -> SelectChoice:
    return SelectChoice(value="", label=prompt)


# --- editing together ------------------------------------------------------------------------


class EditedTogether:
    """Mixed into every form that saves a section: the form carries where the audit trail
    stood when the page was opened (``since``) and the conflicts the person was shown and
    chose to overwrite, so a save never silently undoes someone else's (eia.edit_conflicts).
    The journey's ``render_section`` fills them in."""

    since = HiddenField()
    overwrite = HiddenField()

    def audit_to_form(self, name: str, value):
        """The field and form value for a field as the audit trail names it (forms whose
        fields differ from the stored columns say how)."""
        return name, value

    def edit_base(self) -> EditBase | None:
        """None when the post did not come from a page of ours (nothing to compare with)."""
        raw = (self.since.data or "").strip()
        if not raw.isdigit() or len(raw) > 18:
            return None
        return EditBase(int(raw), frozenset((self.overwrite.data or "").split()))

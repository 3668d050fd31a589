"""The dashboard's forms: its filters (the dashboard and the list behind each figure) and the
group and period of the cumulative impact page. GET forms (no CSRF: they change nothing),
checked the GOV.UK way; the reporting layer gets plain criteria (``Filters``), never a form.

Their names are the dashboard's URL values: ``directorate``, ``service``,
``proposal_type``, ``quarter``, ``from-day`` … ``to-year`` (links to the lists behind the
figures carry them: ``Filters.args``)."""

from wtforms import Form, SelectChoice
from wtforms.validators import ValidationError

from eia.reporting.filters import Filters, Options, Quarter

from .fields import NotBefore, blank_choice, checkboxes, date_input, optional_int, select

PERIOD_HINT = "For example, 1 4 2026"


def _choices(blank: str, pairs) -> list[SelectChoice]:
    return [blank_choice(blank), *[SelectChoice(value=v, label=words) for v, words in pairs]]


def _period():
    """A quarter of the decision date, or dates from and to (either end open), not both."""
    return (
        select(
            "Quarter of the decision date", message="Choose a quarter from the list", needed=False
        ),
        date_input("Decision date from", called="Date from", hint=PERIOD_HINT, named_parts="from"),
        date_input(
            "Decision date to",
            called="Date to",
            hint=PERIOD_HINT,
            named_parts="to",
            not_before=NotBefore("date_from", "Date to must be the same as or after date from"),
        ),
    )


class DecisionPeriod(Form):
    """What both forms check of their period (``_period``'s fields, declared by each form
    after its own, so that they come in the order of the page)."""

    def __init__(self, formdata=None, *, options: Options, **kwargs):
        super().__init__(formdata, **kwargs)
        self.quarter.choices = _choices("Any quarter", options.quarter_choices)

    def is_save_for_later(self) -> bool:  # the shared validators ask
        return False

    def validate_quarter(self, field):
        if field.data and not field.errors and (self.date_from.data or self.date_to.data):
            raise ValidationError("Choose either a quarter or dates from and to, not both")

    def chosen_quarter(self) -> Quarter | None:
        return Quarter.parse(self.quarter.data) if self.quarter.data else None


class DashboardFilterForm(DecisionPeriod):
    directorate = select(
        "Directorate",
        message="Choose a directorate from the list",
        needed=False,
        coerce=optional_int,
    )
    service = select(
        "Service",
        message="Choose a service from the list",
        needed=False,
        coerce=optional_int,
        grouped=True,
    )
    proposal_type = select(
        "Kind of proposal", message="Choose a kind of proposal from the list", needed=False
    )
    quarter, date_from, date_to = _period()

    def __init__(self, formdata=None, *, options: Options, **kwargs):
        super().__init__(formdata, options=options, **kwargs)
        self.services = {s[0]: s for s in options.services}
        self.directorate.choices = _choices("All directorates", options.directorates)
        self.service.choices = _choices("All services", [(s[0], s[1]) for s in options.services])
        self.service.groups = options.service_groups
        self.proposal_type.choices = _choices("All kinds", options.proposal_types.items())

    def validate_service(self, field):
        service = self.services.get(field.data)
        chosen = self.directorate.data
        if service is not None and chosen is not None and service[2] != chosen:
            raise ValidationError(
                f"{service[1]} is not in the directorate chosen: choose one "
                "of its services, or all services"
            )

    def criteria(self) -> Filters:
        """The filters for ``eia.reporting`` (only once the form is valid)."""
        return Filters(
            directorate_id=self.directorate.data,
            service_id=self.service.data,
            date_from=self.date_from.data,
            date_to=self.date_to.data,
            quarter=self.chosen_quarter(),
            proposal_type=self.proposal_type.data or None,
        )


class CumulativeForm(DecisionPeriod):
    """Which group (one characteristic, or several: an intersectional group) and which
    decisions (a decision round, a quarter, dates, or all)."""

    characteristic = checkboxes(
        "Which group?",
        message="Choose characteristics from the list",
        coerce=int,
        hint="Choose one characteristic, or several for an intersectional group (for example, "
        "race and sex).",
    )
    round = select("Decision round", message="Choose a decision round from the list", needed=False)
    quarter, date_from, date_to = _period()

    def __init__(
        self, formdata=None, *, options: Options, characteristics, rounds, submitted: bool, **kwargs
    ):
        super().__init__(formdata, options=options, **kwargs)
        self.submitted = submitted
        self.characteristic.choices = [SelectChoice(value=i, label=n) for i, n in characteristics]
        self.round.choices = _choices("Any decision round", [(r, r) for r in rounds])

    def validate_characteristic(self, field):
        if self.submitted and not field.data and not field.errors:
            raise ValidationError(
                "Choose at least one characteristic: several make an intersectional group"
            )

    def chosen(self) -> list[int]:
        """The characteristics ticked, each once, in the order given."""
        return list(dict.fromkeys(self.characteristic.data or []))


# --- the annual figures: a financial year, and for the late sign-off table its order ----------


def year_choices(earliest: int | None, current: int, back: int = 5) -> list[tuple[str, str]]:
    """The financial years to choose from, latest first: from the earliest decision's (or
    ``back`` years ago) to the current one."""
    from eia.reporting.years import FinancialYear

    first = min(earliest if earliest is not None else current, current - back)
    return [(str(y), FinancialYear(y).long_label) for y in range(current, first - 1, -1)]


class YearForm(Form):
    """Which financial year (``year=2025``: 1 April 2025 to 31 March 2026). Left out, the
    view chooses; a year that is not one of those offered gets a message saying what to do."""

    year = select(
        "Financial year",
        message="Choose a financial year from the list, for example 2025 for 2025/26",
        needed=False,
        hint="1 April to 31 March.",
    )

    def __init__(self, formdata=None, *, years: list[tuple[str, str]], **kwargs):
        super().__init__(formdata, **kwargs)
        self.year.choices = [SelectChoice(value=v, label=words) for v, words in years]

    def chosen_year(self, default):
        from eia.reporting.years import FinancialYear

        if not self.year.data:
            # The page shows the year it reports on chosen, not the list's first year.
            self.year.data = default.value
            return default
        return FinancialYear.parse(self.year.data)


class GroupsForm(YearForm):
    """The year, and optionally a decision round (``round=Budget 2027/28``): all groups in the
    round at once."""

    round = select(
        "Decision round",
        message="Choose a decision round from the list, or any decision round",
        needed=False,
        hint="All groups in one round (a budget round, say), whatever the year of its decisions.",
    )

    def __init__(self, formdata=None, *, years, rounds: list[str], **kwargs):
        super().__init__(formdata, years=years, **kwargs)
        self.round.choices = _choices("Any decision round", [(r, r) for r in rounds])

    def chosen_round(self) -> str | None:
        return self.round.data or None


class LateSignOffForm(YearForm):
    """The year, and the column the table is sorted by (its headings are links that set it)."""

    sort = select("Sort by", message="Choose a column to sort by from the list", needed=False)
    order = select("Order", message="Choose ascending or descending order", needed=False)

    def __init__(self, formdata=None, *, years, sorts: dict[str, str], **kwargs):
        super().__init__(formdata, years=years, **kwargs)
        self.sort.choices = [SelectChoice(value=k, label=v) for k, v in sorts.items()]
        self.order.choices = [
            SelectChoice(value="asc", label="Ascending"),
            SelectChoice(value="desc", label="Descending"),
        ]

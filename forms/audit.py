"""The audit page's search: a GET form (no CSRF: it changes nothing), checked the GOV.UK way."""

from wtforms import Form, SelectChoice

from eia.audit_search import AuditFilter, event_choices

from .fields import NotBefore, blank_choice, button, date_input, select, short_text


class AuditSearchForm(Form):
    reference = short_text(
        "EIA reference",
        called="EIA reference",
        max_length=64,
        hint="All or part of it, for example EIA-2026-00012",
    )
    person = short_text(
        "Person", called="Person", max_length=200, hint="All or part of the name of who did it"
    )
    event = select("Event", message="Select an event from the list", needed=False)
    date_from = date_input(
        "From", called="From date", hint="The first day to include, for example 1 4 2026"
    )
    date_to = date_input(
        "To",
        called="To date",
        hint="The last day to include, for example 30 4 2026",
        not_before=NotBefore("date_from", "To date must be the same as or after the from date"),
    )
    search = button("Search")

    def __init__(self, formdata=None, **kwargs):
        super().__init__(formdata, **kwargs)
        self.event.choices = [
            blank_choice("All events"),
            *[SelectChoice(value=v, label=t) for v, t in event_choices()],
        ]

    def is_save_for_later(self) -> bool:  # the shared validators ask
        return False

    def criteria(self) -> AuditFilter:
        return AuditFilter(
            reference=(self.reference.data or "").strip(),
            person=(self.person.data or "").strip(),
            event=self.event.data or "",
            date_from=self.date_from.data,
            date_to=self.date_to.data,
        )

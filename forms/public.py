"""The public register's search: a GET form anyone may use (no CSRF: it changes nothing)."""

from wtforms import Form, SelectChoice

from eia.exports.public import PUBLIC_STATE_LABELS, PublicSearch
from eia.models.enums import OUTCOME_LABELS

from .fields import blank_choice, button, optional_int, select, short_text


class PublicSearchForm(Form):
    q = short_text(
        "Search",
        called="Search",
        max_length=200,
        hint="Words from the title, the reference, the directorate or the service",
    )
    directorate = select(
        "Directorate",
        message="Select a directorate from the list",
        needed=False,
        coerce=optional_int,
    )
    state = select("Status", message="Select a status from the list", needed=False)
    outcome = select("Outcome", message="Select an outcome from the list", needed=False)
    search = button("Search")

    def __init__(self, formdata=None, directorates=(), **kwargs):
        super().__init__(formdata, **kwargs)
        self.directorate.choices = [
            blank_choice("All directorates"),
            *[SelectChoice(value=d.id, label=d.name) for d in directorates],
        ]
        self.state.choices = [
            blank_choice("Any status"),
            *[SelectChoice(value=k, label=v) for k, v in PUBLIC_STATE_LABELS.items()],
        ]
        self.outcome.choices = [
            blank_choice("Any outcome"),
            *[SelectChoice(value=str(k), label=v) for k, v in OUTCOME_LABELS.items()],
        ]

    def is_save_for_later(self) -> bool:  # the shared validators ask
        return False

    def criteria(self) -> PublicSearch:
        return PublicSearch(
            text=(self.q.data or "").strip(),
            directorate_id=self.directorate.data,
            state=self.state.data or "",
            outcome=self.outcome.data or "",
        )

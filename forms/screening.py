"""Screening: is the proposal relevant to each characteristic, and why.

The characteristics are configuration (a council adds its own), so the form class is built
per request from the characteristics in scope. Each characteristic gets two fields,
``<key>-relevance`` (radios) and ``<key>-reason`` (a textarea); the names double as the
HTML ids, so the error summary links straight to them.
"""

import re
from dataclasses import dataclass

from flask_wtf import FlaskForm

from eia.models.enums import RELEVANCE_LABELS, Relevance
from forms.fields import EditedTogether, Needed, button, long_text, radios

RELEVANCE_HINTS = {
    Relevance.relevant: "People with this characteristic could be affected differently, for "
    "better or worse.",
    Relevance.not_relevant: "Nobody would be affected differently because of this "
    "characteristic. Say how you know.",
    Relevance.unknown: "You need more information to say. The full assessment will find out.",
}

_SAFE_ID = re.compile(r"[^A-Za-z0-9_]+")


@dataclass(frozen=True)
class Question:
    """One characteristic on the screening page."""

    characteristic_id: int
    name: str
    guidance: str
    borough_profile: str
    prefix: str  # a valid, unique HTML id stem: the characteristic's key

    @property
    def relevance(self) -> str:
        return f"{self.prefix}-relevance"

    @property
    def reason(self) -> str:
        return f"{self.prefix}-reason"


def questions_for(characteristics) -> list[Question]:
    """A question per characteristic, in order, each with an id stem no other shares."""
    questions, taken = [], set()
    for c in characteristics:
        stem = _SAFE_ID.sub("_", c.key).strip("_") or "characteristic"
        if not stem[0].isalpha():
            stem = f"c_{stem}"
        if stem in taken:
            stem = f"{stem}_{c.id}"
        taken.add(stem)
        questions.append(Question(c.id, c.name, c.guidance or "", c.borough_profile or "", stem))
    return questions


class ScreeningFormBase(EditedTogether, FlaskForm):
    save = button("Save and continue")
    later = button("Save and come back later", secondary=True)

    questions: list[Question] = []

    def is_save_for_later(self) -> bool:
        return bool(self.later.data)

    def answers(self):
        """(question, relevance field, reason field) for each characteristic."""
        return [(q, self[q.relevance], self[q.reason]) for q in self.questions]


def screening_form(questions: list[Question]) -> type[ScreeningFormBase]:
    """A form class with a relevance and a reason field for each question."""
    attrs = {"questions": questions}
    for q in questions:
        what = q.name.lower()
        attrs[q.relevance] = radios(
            f"Is the proposal relevant to {what}?",
            RELEVANCE_LABELS,
            message=f"Select whether the proposal is relevant to {what}",
            hint=q.guidance,
            hints=RELEVANCE_HINTS,
        )
        attrs[q.reason] = long_text(
            f"Reason for your answer on {what}",
            called=f"The reason for {what}",
            hint="Say what you know and how you know it. An approver checks every answer, "
            "“not relevant” most of all.",
            needed=Needed(f"Give a reason for your answer on {what}"),
        )
    return type("ScreeningForm", (ScreeningFormBase,), attrs)


def initial_data(questions: list[Question], answers) -> dict:
    """The stored answers as form data (``answers``: the EIA's ScreeningAnswer rows)."""
    by_id = {a.characteristic_id: a for a in answers}
    data = {}
    for q in questions:
        answer = by_id.get(q.characteristic_id)
        data[q.relevance] = answer.relevance if answer else None
        data[q.reason] = answer.reason if answer else ""
    return data

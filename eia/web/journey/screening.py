"""Screening: relevance and a reason for each characteristic in scope, and what the product
concludes from the answers."""

from dataclasses import dataclass

from flask_login import current_user

from eia import operations
from eia.db import get_session
from eia.models.enums import Relevance
from forms.screening import initial_data, questions_for, screening_form
from workflows.guards import in_scope_characteristics, screening_complete
from workflows.lifecycle import Status

from . import journey
from .editing import (
    context,
    finish,
    form_errors,
    load_eia,
    next_url,
    render_section,
    save,
    task_list_url,
)

NEEDS_ASSESSMENT = (Relevance.relevant, Relevance.unknown)


@dataclass(frozen=True)
class Decision:
    """The product's reading of the screening answers."""

    full_assessment: bool | None  # None while screening is not complete
    headline: str
    explanation: str


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def screening_decision(eia, ctx) -> Decision:
    """The same rule as the guards ``any_relevant_or_unknown``/``all_not_relevant``, once
    every characteristic in scope has an answer and a reason."""
    unfinished = screening_complete(ctx)
    if unfinished:
        return Decision(
            None,
            "Screening is not complete yet",
            " ".join(unfinished) + " Then this page will say whether the "
            "proposal needs a full assessment.",
        )
    answers = sorted(eia.screening_answers, key=lambda a: a.characteristic.position)
    found = [a.characteristic.name.lower() for a in answers if a.relevance in NEEDS_ASSESSMENT]
    if found:
        relevant = [
            a.characteristic.name.lower() for a in answers if a.relevance == Relevance.relevant
        ]
        unknown = [
            a.characteristic.name.lower() for a in answers if a.relevance == Relevance.unknown
        ]
        detail = []
        if relevant:
            detail.append(f"relevant to {_join(relevant)}")
        if unknown:
            detail.append(f"not yet known for {_join(unknown)}")
        return Decision(
            True,
            f"A full assessment is needed because screening found {_join(found)} relevant "
            "or not yet known",
            f"You said the proposal is {' and '.join(detail)}. The full assessment gathers "
            "the evidence and scores the impact for each of these."
            + (" Start it from the task list." if eia.status == Status.screening else ""),
        )
    return Decision(
        False,
        "No full assessment is needed: you can send the screening for sign-off",
        f"You found the proposal not relevant to all {len(answers)} characteristics, each "
        "with a reason. An approver checks that decision before it stands.",
    )


@journey.route("/eias/<reference>/screening", methods=["GET", "POST"])
def screening(reference: str):
    eia = load_eia(reference)
    db = get_session()
    questions = questions_for(in_scope_characteristics(eia, db))
    form = screening_form(questions)(data=initial_data(questions, eia.screening_answers))

    def page(errors=(), status=200, **extra):
        return render_section(
            "journey/screening.html",
            eia,
            "screening",
            form=form,
            errors=errors,
            status=status,
            decision=screening_decision(eia, context(eia)),
            **extra,
        )

    if not form.is_submitted():
        return page()

    form.validate()
    answers = _answers_to_save(form, eia)
    result = save(
        lambda db: operations.save_screening(db, eia, current_user, answers, base=form.edit_base())
    )
    if result.ok and not form.errors:
        decision = screening_decision(eia, context(eia))
        message = "Your screening answers have been saved."
        if decision.full_assessment is not None:
            message += f" {decision.headline}."
        return finish(
            message, task_list_url(eia) if form.is_save_for_later() else next_url(eia, "screening")
        )
    return page(
        screening_errors(form) + result.errors,
        result.status or 400,
        partly_saved=result.ok and bool(answers),
    )


def screening_errors(form) -> list[dict]:
    """The error summary: one entry per characteristic, so a page sent empty lists ten short
    lines rather than twenty. A characteristic with neither answer is one entry linking to
    its first radio; one with a single problem has that field's own error. Both fields keep
    their inline errors."""
    entries = []
    asked = set()
    for q, relevance, reason in form.answers():
        asked |= {relevance.name, reason.name}
        if relevance.errors and reason.errors and relevance.data is None and not reason.data:
            entries.append(
                {
                    "text": f"{q.name}: say whether the proposal is relevant, and why",
                    "href": f"#{relevance.id}",
                }
            )
        else:
            entries += form_errors([f for f in (relevance, reason) if f.errors])
    return form_errors([f for f in form if f.name not in asked]) + entries


def _answers_to_save(form, eia) -> dict[int, tuple[str | None, str]]:
    """characteristic id -> (relevance, reason) for every characteristic with something
    valid to store; an answer in error keeps its saved value."""
    from flask import request

    stored = {a.characteristic_id: a for a in eia.screening_answers}
    answers = {}
    for q, relevance, reason in form.answers():
        old = stored.get(q.characteristic_id)
        new_relevance = old.relevance if old else None
        new_reason = old.reason if old else ""
        if not relevance.errors and relevance.data is not None:
            new_relevance = relevance.data
        if not reason.errors and reason.name in request.form:
            new_reason = reason.data
        if old is None and new_relevance is None and not new_reason:
            continue  # nothing to keep for a characteristic not yet touched
        answers[q.characteristic_id] = (new_relevance, new_reason)
    return answers

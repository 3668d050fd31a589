"""Helpers shared by the full assessment's pages (evidence, impacts, intersectional
impacts, engagement, the action plan, the outcome). Not a view module: the underscore keeps
``init_journey`` from importing it for routes.

Three patterns repeat:

- a characteristic's own page (evidence, impact) is found by its key among the
  characteristics screening found relevant or not yet known (``characteristic_or_404``);
- a list page for a section with nothing that must be filled in (engagement, intersectional
  impacts, the action plan) ends with "Have you completed this section?"
  (``completion_page``);
- removing a row asks first, on a page of its own (``removal_page``).
"""

from collections.abc import Callable

from flask import abort, current_app
from flask_login import current_user
from flask_wtf import FlaskForm

from eia import operations
from eia.sections import section_statuses
from forms.assessment import SectionCompletedForm
from forms.fields import button
from workflows.guards import characteristics_to_assess
from workflows.lifecycle import SECTIONS

from ..auth import forbid_unless
from ..risk_matrix import Score
from .editing import (
    context,
    field_error,
    finish,
    form_errors,
    is_team,
    next_url,
    render_section,
    save,
    task_list_url,
)

# --- characteristics ---------------------------------------------------------------------


def assessed_characteristics(eia) -> list:
    """The characteristics screening found relevant or not yet known, in the council's
    order."""
    return sorted(characteristics_to_assess(eia), key=lambda c: (c.position, c.id))


def characteristic_or_404(eia, key: str):
    found = next((c for c in assessed_characteristics(eia) if c.key == key), None)
    if found is None:
        abort(404)
    return found


def impact_for(eia, characteristic_id: int):
    return next((i for i in eia.impacts if i.characteristic_id == characteristic_id), None)


def after(items: list, item):
    """The item after ``item`` in ``items``, or None after the last."""
    index = items.index(item)
    return items[index + 1] if index + 1 < len(items) else None


def borough_name() -> str:
    """ "Islington" from "Islington Council", for "Islington's profile: …"."""
    return current_app.config.get("COUNCIL_NAME", "The borough").replace(" Council", "")


def child_or_404(rows, row_id: int):
    found = next((r for r in rows if r.id == row_id), None)
    if found is None:
        abort(404)
    return found


# --- scores in words ---------------------------------------------------------------------


def score(likelihood, severity) -> Score | None:
    if likelihood in (1, 2, 3, 4) and severity in (1, 2, 3, 4):
        return Score(likelihood, severity)
    return None


def scores(item) -> tuple[Score | None, Score | None]:
    """(before mitigation, after mitigation) for a scored row."""
    return (
        score(item.inherent_likelihood, item.inherent_severity),
        score(item.residual_likelihood, item.residual_severity),
    )


def score_words(s: Score | None) -> str:
    """ "Likely × Significant = 9, Medium"."""
    if s is None:
        return "not scored yet"
    return f"{s.likelihood_label} × {s.severity_label} = {s.score}, {s.band.label}"


def scores_sentence(item) -> str:
    before, after_ = scores(item)
    return f"Before mitigation: {score_words(before)}. After mitigation: {score_words(after_)}."


def is_scored(item) -> bool:
    return bool(item.direction) and None not in scores(item)


def refused(eia, section: str, *, action=None) -> tuple[list[dict], int] | None:
    """Why this person may not change ``section`` (or ``action``) now, as error-summary
    entries and a status (403 for who they are, 409 for the EIA's state), or None.

    A new or changed row is checked before its answers, so someone who may not change it
    gets the refusal, whatever they typed (which the page keeps)."""
    reasons = operations.edit_refusals(eia, current_user, section, action=action)
    if not reasons:
        return None
    return (
        [{"text": r} for r in reasons],
        403 if any(r.startswith("Only ") for r in reasons) else 409,
    )


def render(template: str, eia, section: str | None, **page):
    """``render_section`` with what the assessment's templates use to show scores."""
    return render_section(
        template,
        eia,
        section,
        scores=scores,
        score_words=score_words,
        borough=borough_name(),
        **page,
    )


# --- "Have you completed this section?" ---------------------------------------------------


def completion_form(eia, section: str) -> SectionCompletedForm:
    marked = section in (eia.completed_sections or [])
    return SectionCompletedForm(data={"completed": "yes" if marked else None})


def completion_page(eia, section: str, template: str, page: Callable[[], dict]):
    """GET: the section's list and the question; POST: save the answer (one audited change)
    and go on, or say what stops the section being complete."""
    form = completion_form(eia, section)

    def show(errors=(), status=200):
        return render(template, eia, section, form=form, errors=errors, status=status, **page())

    if not form.is_submitted():
        return show()
    forbid_unless(is_team(eia))  # who the person is decides before what they sent
    refusal = refused(eia, section)  # then the EIA's state
    if refusal:
        return show(*refusal)
    if not form.validate():
        return show(form_errors(form), 400)
    complete = form.is_complete()
    if complete:
        problems = next(s.problems for s in section_statuses(context(eia)) if s.key == section)
        if problems:
            return show([field_error(form.completed, p) for p in problems], 400)
    result = save(
        lambda db: operations.mark_section_complete(db, eia, current_user, section, complete),
        error_field=form.completed,
    )
    if not result.ok:
        return show(result.errors, result.status or 400)
    if complete:
        return finish(f"{SECTIONS[section]} is marked as completed.", next_url(eia, section))
    return finish(
        f"Your answer has been saved. You can come back to {SECTIONS[section].lower()} later.",
        task_list_url(eia),
    )


# --- removing a row ----------------------------------------------------------------------


class RemoveForm(FlaskForm):
    submit = button("Yes, remove it")


def removal_page(
    eia,
    section: str,
    *,
    what: str,
    summary: list[tuple[str, str]],
    remove: Callable,
    done: str,
    back: str,
):
    """Ask before removing; on POST remove (one audited change) and go back to the list.

    ``what`` names the row ("this action"), ``summary`` is (key, value) rows describing it,
    ``remove(db)`` runs the operation."""
    form = RemoveForm()

    def show(errors=(), status=200):
        return render(
            "journey/remove.html",
            eia,
            None,
            errors=errors,
            status=status,
            form=form,
            what=what,
            summary=summary,
            back=back,
            section_title=SECTIONS[section],
            **_edit_state(eia, section),
        )

    if not form.is_submitted():
        return show()
    refusal = refused(eia, section)
    if refusal:
        return show(*refusal)
    result = save(remove)
    if result.ok:
        return finish(done, back)
    return show(result.errors, result.status or 400)


def _edit_state(eia, section: str) -> dict:
    reasons = operations.edit_refusals(eia, current_user, section)
    return {"can_edit_section": not reasons, "edit_refusals": reasons}

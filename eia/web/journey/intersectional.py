"""Intersectional impacts: groups who share two or more characteristics (for example race
and sex: Black Caribbean boys and school exclusions), described in words and scored like a
single characteristic. The list page is also where the officer says the section is complete,
which is how they say there are none."""

from flask import url_for
from flask_login import current_user

from eia import operations
from eia.db import get_session
from forms.assessment import IntersectionalForm
from workflows.guards import in_scope_characteristics

from . import journey
from ._assessment import (
    child_or_404,
    completion_page,
    refused,
    removal_page,
    render,
    scores_sentence,
)
from .editing import finish, form_errors, load_eia, save, task_list_url

SECTION = "intersectional"


def _list_url(eia) -> str:
    return url_for("journey.intersectional", reference=eia.reference)


def _names(impact) -> str:
    names = sorted(impact.characteristics, key=lambda c: (c.position, c.id))
    return " and ".join(c.name for c in names)


@journey.route("/eias/<reference>/intersectional", methods=["GET", "POST"])
def intersectional(reference: str):
    eia = load_eia(reference)
    return completion_page(
        eia,
        SECTION,
        "journey/intersectional_list.html",
        lambda: {
            "impacts": sorted(eia.intersectional_impacts, key=lambda i: i.id),
            "names": _names,
            "add_url": url_for("journey.intersectional_new", reference=eia.reference),
        },
    )


def _form_page(eia, impact, form, *, errors=(), status=200, partly_saved=False):
    return render(
        "journey/intersectional.html",
        eia,
        SECTION,
        form=form,
        impact=impact,
        errors=errors,
        status=status,
        partly_saved=partly_saved,
        list_url=_list_url(eia),
    )


def _characteristics(eia):
    return in_scope_characteristics(eia, get_session())


@journey.route("/eias/<reference>/intersectional/new", methods=["GET", "POST"])
def intersectional_new(reference: str):
    eia = load_eia(reference)
    form = IntersectionalForm(characteristics=_characteristics(eia))
    if not form.is_submitted():
        return _form_page(eia, None, form)
    refusal = refused(eia, SECTION)
    if refusal:
        return _form_page(eia, None, form, errors=refusal[0], status=refusal[1])
    if not form.validate():
        # A new group is saved whole or not at all, so pressing the button again never
        # adds it twice.
        return _form_page(eia, None, form, errors=form_errors(form), status=400)
    values, ids = form.to_values()
    result = save(lambda db: operations.save_intersectional(db, eia, current_user, values, ids))
    if not result.ok:
        return _form_page(eia, None, form, errors=result.errors, status=result.status or 400)
    return _done(eia, form, max(eia.intersectional_impacts, key=lambda i: i.id))


@journey.route("/eias/<reference>/intersectional/<int:impact_id>", methods=["GET", "POST"])
def intersectional_edit(reference: str, impact_id: int):
    eia = load_eia(reference)
    impact = child_or_404(eia.intersectional_impacts, impact_id)
    form = IntersectionalForm(obj=impact, characteristics=_characteristics(eia))
    if not form.is_submitted():
        return _form_page(eia, impact, form)
    refusal = refused(eia, SECTION)
    if refusal:
        return _form_page(eia, impact, form, errors=refusal[0], status=refusal[1])
    form.validate()
    values, ids = form.to_values()
    if form.characteristic_ids.errors:
        result = None  # save_intersectional needs the group's characteristics
    else:
        result = save(
            lambda db: operations.save_intersectional(
                db, eia, current_user, values, ids, impact_id=impact.id, base=form.edit_base()
            )
        )
    if result is not None and result.ok and not form.errors:
        return _done(eia, form, impact)
    errors = form_errors(form) + (result.errors if result else [])
    return _form_page(
        eia,
        impact,
        form,
        errors=errors,
        status=(result.status if result else None) or 400,
        partly_saved=bool(result and result.ok),
    )


def _done(eia, form, saved):
    message = "The intersectional impact has been saved."
    if saved.inherent_likelihood or saved.residual_likelihood:
        message += " " + scores_sentence(saved)
    return finish(message, task_list_url(eia) if form.is_save_for_later() else _list_url(eia))


@journey.route("/eias/<reference>/intersectional/<int:impact_id>/remove", methods=["GET", "POST"])
def intersectional_remove(reference: str, impact_id: int):
    eia = load_eia(reference)
    impact = child_or_404(eia.intersectional_impacts, impact_id)
    linked = sum(1 for a in eia.actions if a.intersectional_impact_id == impact.id)
    summary = [
        ("Group", impact.description or "Not described yet"),
        ("Characteristics", _names(impact)),
    ]
    if linked:
        summary.append(
            (
                "Actions",
                "1 action in the action plan mitigates this impact. It stays in the plan."
                if linked == 1
                else f"{linked} actions in the action plan mitigate this "
                "impact. They stay in the plan.",
            )
        )
    return removal_page(
        eia,
        SECTION,
        what="this intersectional impact",
        summary=summary,
        remove=lambda db: operations.remove_intersectional(db, eia, current_user, impact.id),
        done="The intersectional impact has been removed.",
        back=_list_url(eia),
    )

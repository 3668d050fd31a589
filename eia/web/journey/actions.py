"""The action plan: what will be done, by whom, by when, its status and the impact it
mitigates. Evidence gaps arrive here as proposed actions. After approval the plan is
delivered: the team, and each action's owner for their own action, keep its status up to
date."""

from flask import url_for
from flask_login import current_user

from eia import operations
from eia.dates import long_date
from eia.db import get_session
from eia.models import User, london_date, utcnow
from eia.models.enums import OPEN_ACTION_STATUSES
from eia.queries.people import active_in_directorate
from eia.scoring import impact_name
from forms.assessment import ActionForm
from workflows.guards import missing_from_action

from . import journey
from ._assessment import child_or_404, completion_page, refused, removal_page, render
from .editing import finish, form_errors, load_eia, save

SECTION = "actions"


def _list_url(eia) -> str:
    return url_for("journey.actions", reference=eia.reference)


def owner_choices(eia, action=None) -> list[User]:
    """Active people in the EIA's directorate, the EIA's owner, and whoever owns the action
    now (so an unchanged owner stays valid), by name."""
    people = {u.id: u for u in active_in_directorate(get_session(), eia.directorate_id)}
    for extra in (eia.owner, action.owner if action is not None else None):
        if extra is not None:
            people.setdefault(extra.id, extra)
    return sorted(people.values(), key=lambda u: (u.name.lower(), u.id))


def _impacts(eia):
    return sorted(eia.impacts, key=lambda i: (i.characteristic.position, i.id))


def _form(eia, action=None) -> ActionForm:
    return ActionForm(
        obj=action,
        owners=owner_choices(eia, action),
        impacts=_impacts(eia),
        intersectional_impacts=sorted(eia.intersectional_impacts, key=lambda i: i.id),
    )


def mitigates(action) -> str:
    if action.impact is not None:
        return f"The impact on {impact_name(action.impact).lower()}"
    if action.intersectional_impact is not None:
        return impact_name(action.intersectional_impact)
    return ""


def _may_change(eia, action) -> bool:
    return not operations.edit_refusals(eia, current_user, SECTION, action=action)


@journey.route("/eias/<reference>/actions", methods=["GET", "POST"])
def actions(reference: str):
    eia = load_eia(reference)
    today = london_date(utcnow())

    def page() -> dict:
        rows = sorted(eia.actions, key=lambda a: (a.due_date is None, a.due_date, a.id))
        changeable = {a.id for a in rows if _may_change(eia, a)}
        return {
            "actions": rows,
            "changeable": changeable,
            "mitigates": mitigates,
            "overdue": lambda a: (
                a.due_date is not None and a.due_date < today and a.status in OPEN_ACTION_STATUSES
            ),
            "add_url": url_for("journey.action_new", reference=eia.reference),
            "missing": missing_from_action,
        }

    return completion_page(eia, SECTION, "journey/actions_list.html", page)


def _form_page(eia, action, form, *, errors=(), status=200):
    page = {}
    if action is not None:
        # An action's owner may update their own action, even outside the EIA's team.
        reasons = operations.edit_refusals(eia, current_user, SECTION, action=action)
        page = {"can_edit_section": not reasons, "edit_refusals": reasons}
    return render(
        "journey/action.html",
        eia,
        SECTION,
        form=form,
        action=action,
        errors=errors,
        status=status,
        list_url=_list_url(eia),
        mitigates=mitigates,
        **page,
    )


@journey.route("/eias/<reference>/actions/new", methods=["GET", "POST"])
def action_new(reference: str):
    eia = load_eia(reference)
    form = _form(eia)
    if not form.is_submitted():
        return _form_page(eia, None, form)
    refusal = refused(eia, SECTION, action=None)
    if refusal:
        return _form_page(eia, None, form, errors=refusal[0], status=refusal[1])
    if not form.validate():
        return _form_page(eia, None, form, errors=form_errors(form), status=400)
    values = form.to_values()
    result = save(lambda db: operations.save_action(db, eia, current_user, values))
    if not result.ok:
        return _form_page(eia, None, form, errors=result.errors, status=result.status or 400)
    return finish("The action has been added to the action plan.", _list_url(eia))


@journey.route("/eias/<reference>/actions/<int:action_id>", methods=["GET", "POST"])
def action_edit(reference: str, action_id: int):
    eia = load_eia(reference)
    action = child_or_404(eia.actions, action_id)
    form = _form(eia, action)
    if not form.is_submitted():
        return _form_page(eia, action, form)
    refusal = refused(eia, SECTION, action=action)
    if refusal:
        return _form_page(eia, action, form, errors=refusal[0], status=refusal[1])
    if not form.validate():
        return _form_page(eia, action, form, errors=form_errors(form), status=400)
    values = form.to_values()
    result = save(
        lambda db: operations.save_action(
            db, eia, current_user, values, action_id=action.id, base=form.edit_base()
        )
    )
    if not result.ok:
        return _form_page(eia, action, form, errors=result.errors, status=result.status or 400)
    return finish("The action has been saved.", _list_url(eia))


@journey.route("/eias/<reference>/actions/<int:action_id>/remove", methods=["GET", "POST"])
def action_remove(reference: str, action_id: int):
    eia = load_eia(reference)
    action = child_or_404(eia.actions, action_id)
    summary = [
        ("Action", action.description),
        ("Owner", action.owner.name if action.owner else "No owner yet"),
        ("Due", long_date(action.due_date) or "Not set"),
    ]
    if action.from_evidence_gap:
        summary.append(("Raised from", "An evidence gap"))
    return removal_page(
        eia,
        SECTION,
        what="this action",
        summary=summary,
        remove=lambda db: operations.remove_action(db, eia, current_user, action.id),
        done="The action has been removed from the action plan.",
        back=_list_url(eia),
    )

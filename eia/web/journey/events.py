"""The lifecycle events the EIA's team fires: one confirmation page for each, asking for
exactly what the event needs. Sign-off (approve, return) has its own page."""

from flask import abort, url_for
from flask_login import current_user

from eia import operations
from forms.events import event_form
from workflows import refusal_reasons
from workflows.guards import GUARDS, NEEDS, decision_date_passed, who_reasons
from workflows.lifecycle import EVENT_RECORDS, EVENTS, sign_off_events, state, transitions_for
from workflows.machine import PERSONAL_GUARDS

from . import journey
from .editing import (
    context,
    finish,
    form_errors,
    load_eia,
    refusal_errors,
    render_section,
    save,
    task_list_url,
)

SIGN_OFF_EVENTS = sign_off_events()
GENERIC_EVENTS = tuple(e for e in EVENTS if e not in SIGN_OFF_EVENTS)

# What happens, in a sentence, before the person confirms; the banner after the event (the
# lifecycle table's words).
EXPLANATIONS = {e.name: e.explanation for e in EVENT_RECORDS if e.explanation}
DONE = {e.name: e.done for e in EVENT_RECORDS if e.done}


def event_url(eia, event: str) -> str:
    return url_for("journey.event", reference=eia.reference, event=event)


def _needs(eia, ctx, event: str) -> tuple[str, ...]:
    rows = transitions_for(event, eia.status)
    if not rows:
        return ()
    needs = rows[0].needs
    if not decision_date_passed(eia, ctx.today):
        needs = tuple(n for n in needs if n != "late_reason")
    return tuple(n for n in needs if n in NEEDS)


def _blockers(eia, ctx, event: str) -> tuple[list[str], int]:
    """Why the event cannot happen now whatever is typed (guards, state, the person), and
    the status to answer with."""
    rows = transitions_for(event, eia.status)
    # Who may fire an event is the same from every state it leaves, so the person is
    # judged first, even where the state allows the event from nowhere.
    who = who_reasons(transitions_for(event)[0].who, ctx)
    if who:
        return who, 403
    if not rows:
        return refusal_reasons(event, ctx), 409
    personal = [r for name in rows[0].guards if name in PERSONAL_GUARDS for r in GUARDS[name](ctx)]
    if personal:  # the person may not, however ready the EIA is (segregation of duties)
        return personal, 403
    reasons = [r for r in refusal_reasons(event, ctx) if r not in _need_reasons(rows[0], ctx)]
    return reasons, (409 if reasons else 200)


def _need_reasons(row, ctx) -> list[str]:
    return [r for name in row.needs for r in NEEDS[name][0](ctx)]


@journey.route("/eias/<reference>/events/<event>", methods=["GET", "POST"])
def event(reference: str, event: str):
    if event not in GENERIC_EVENTS:
        abort(404)
    eia = load_eia(reference)
    ctx = context(eia)
    rows = transitions_for(event, eia.status)
    label = rows[0].label if rows else event.replace("_", " ").capitalize()
    form = event_form(event, _needs(eia, ctx, event), label)()
    blockers, status = _blockers(eia, ctx, event)
    errors = []

    def page(errors, status):
        return render_section(
            "journey/event.html",
            eia,
            None,
            errors=errors,
            status=status,
            form=form,
            event=event,
            label=label,
            blockers=blockers,
            explanation=EXPLANATIONS.get(event, ""),
            state_label=state(eia.status).label,
        )

    if not form.is_submitted():
        return page([], status if status == 403 else 200)
    if blockers:  # who the person is, and the EIA's state, decide before anything typed:
        # the page shows no form then, so none of its fields can be what is wrong
        return page(refusal_errors(blockers), status)
    if not form.validate():
        return page(form_errors(form), 400)
    result = save(
        lambda db: operations.transition(db, eia, event, current_user, **form.inputs()), form=form
    )
    if result.ok:
        return finish(DONE.get(event, f"{label}: done."), task_list_url(eia))
    errors = result.errors
    return page(errors, result.status)

"""The lifecycle events the EIA's team fires: one confirmation page for each, asking for
exactly what the event needs. Sign-off (approve, return) has its own page."""

from flask import abort, url_for
from flask_login import current_user

from eia import operations
from forms.events import event_form
from workflows import refusal_reasons
from workflows.guards import GUARDS, NEEDS, decision_date_passed, who_reasons
from workflows.machine import PERSONAL_GUARDS
from workflows.lifecycle import EVENTS, state, transitions_for

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

SIGN_OFF_EVENTS = ("approve", "return")
GENERIC_EVENTS = tuple(e for e in EVENTS if e not in SIGN_OFF_EVENTS)

# What happens, in a sentence, before the person confirms.
EXPLANATIONS = {
    "start_screening": "Screening asks, for each characteristic, whether the proposal is "
                       "relevant to it and why. You can still change the proposal while you "
                       "screen.",
    "start_full_assessment": "Screening found at least one characteristic relevant or not yet "
                             "known, so the proposal needs a full assessment: evidence, "
                             "engagement, the impact on each group, an action plan and the "
                             "outcome.",
    "screen_out": "Screening found the proposal not relevant to any characteristic. An "
                  "approver will check that decision before it stands.",
    "submit_for_sign_off": "The EIA goes to an approver in its directorate. Nobody can change "
                           "it while it is with them.",
    "withdraw": "The EIA will be closed for good because the proposal is not going ahead. It "
                "stays readable, with its history.",
    "revise": "A new version of the EIA opens for a full assessment. The current version is "
              "kept, readable, as it stands; the actions and outcome carry forward.",
    "start_review": "The continuing duty: check whether the impacts are as expected and the "
                    "actions worked, then confirm the EIA still stands or revise it.",
    "confirm_review": "The EIA stays approved and the next review is set.",
    "archive": "The policy has ended. The EIA will be closed for good and stay readable, "
               "with its history.",
}

# The success banner after the event.
DONE = {
    "start_screening": "Screening has started. Say whether the proposal is relevant to each "
                       "characteristic.",
    "start_full_assessment": "The full assessment has started.",
    "screen_out": "The screening has been sent for sign-off.",
    "submit_for_sign_off": "The EIA has been sent for sign-off.",
    "withdraw": "The EIA has been withdrawn.",
    "revise": "A new version has been opened for revision.",
    "start_review": "The review has started.",
    "confirm_review": "The review is confirmed: the EIA still stands.",
    "archive": "The EIA has been archived.",
}


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
    personal = [r for name in rows[0].guards if name in PERSONAL_GUARDS
                for r in GUARDS[name](ctx)]
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
        return render_section("journey/event.html", eia, None, errors=errors, status=status,
                              form=form, event=event, label=label, blockers=blockers,
                              explanation=EXPLANATIONS.get(event, ""),
                              state_label=state(eia.status).label)

    if not form.is_submitted():
        return page([], status if status == 403 else 200)
    if blockers:  # who the person is, and the EIA's state, decide before anything typed:
        # the page shows no form then, so none of its fields can be what is wrong
        return page(refusal_errors(blockers), status)
    if not form.validate():
        return page(form_errors(form), 400)
    result = save(lambda db: operations.transition(db, eia, event, current_user,
                                                   **form.inputs()), form=form)
    if result.ok:
        return finish(DONE.get(event, f"{label}: done."), task_list_url(eia))
    errors = result.errors
    return page(errors, result.status)

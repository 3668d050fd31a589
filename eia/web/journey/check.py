"""Check your answers, then send: screened out (nothing relevant) or the full assessment,
for sign-off."""

from flask import url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from eia import operations
from eia.sections import NOT_NEEDED, section_statuses
from eia.snapshot import snapshot_eia
from forms.fields import button
from forms.screening import questions_for
from workflows import refusal_reasons
from workflows.guards import in_scope_characteristics
from workflows.lifecycle import SECTIONS, Status, state, submitting_states

from ..auth import forbid_unless
from . import journey
from .editing import (
    can_edit,
    context,
    finish,
    is_team,
    load_eia,
    render_section,
    save,
    section_url,
    task_list_url,
)
from .events import DONE, event_url
from .screening import screening_decision


class SendForm(FlaskForm):
    submit = button("Send for sign-off")


def sending_event(eia) -> str:
    """Screening sends itself (screened out); a full assessment is submitted."""
    return "screen_out" if eia.status == Status.screening else "submit_for_sign_off"


def _change_links(eia) -> dict[str, str | None]:
    return {key: section_url(eia, key) if can_edit(eia, key) else None for key in SECTIONS}


def _error_links(eia, reasons, statuses) -> list[dict]:
    """Each refusal links to the section it is about: its page, or its answers here."""
    errors = []
    for reason in reasons:
        owner = next((s.key for s in statuses if reason in s.problems), None)
        href = None
        if owner is not None:
            href = (
                section_url(eia, owner) if can_edit(eia, owner) else None
            ) or f"#section-{owner}"
        errors.append({"text": reason, "href": href} if href else {"text": reason})
    return errors


@journey.route("/eias/<reference>/check", methods=["GET", "POST"])
def check(reference: str):
    eia = load_eia(reference)
    form = SendForm()
    event = sending_event(eia)
    errors, status = [], 200

    if form.is_submitted():
        forbid_unless(is_team(eia))
        result = save(lambda db: operations.transition(db, eia, event, current_user))
        if result.ok:
            return finish(DONE[event], task_list_url(eia))
        statuses = section_statuses(context(eia))
        errors = _error_links(eia, [e["text"] for e in result.errors], statuses)
        status = result.status

    ctx = context(eia)
    statuses = section_statuses(ctx)
    sendable = eia.status in submitting_states()
    blockers = refusal_reasons(event, ctx) if sendable else []
    form.submit.label.text = (
        "Send the screening for sign-off" if event == "screen_out" else "Send for sign-off"
    )
    decision = screening_decision(eia, ctx)
    questions = {
        q.characteristic_id: q for q in questions_for(in_scope_characteristics(eia, ctx.session))
    }
    anchors = {
        a.characteristic.name: questions[a.characteristic_id].relevance
        for a in eia.screening_answers
        if a.characteristic_id in questions
    }
    return render_section(
        "journey/check.html",
        eia,
        None,
        errors=errors,
        status=status,
        form=form,
        doc=snapshot_eia(eia),
        change=_change_links(eia),
        not_needed={s.key for s in statuses if s.status == NOT_NEEDED},
        sendable=sendable,
        blockers=blockers,
        event=event,
        decision=decision,
        screening_anchors=anchors,
        state_label=state(eia.status).label,
        full_assessment_url=event_url(eia, "start_full_assessment"),
        check_url=url_for("journey.check", reference=eia.reference),
    )

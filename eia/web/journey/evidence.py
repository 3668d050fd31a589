"""Evidence for each characteristic screening found relevant or not yet known: what data
and research say, or an explained evidence gap (which becomes a proposed action in the
action plan)."""

from flask import url_for
from flask_login import current_user

from eia import operations
from forms.assessment import EvidenceForm
from workflows.guards import _join, missing_from_action

from . import journey
from ._assessment import (
    after,
    assessed_characteristics,
    characteristic_or_404,
    impact_for,
    render,
)
from .editing import (
    STATUS_DISPLAY,
    finish,
    form_errors,
    load_eia,
    next_url,
    save,
    task_list_url,
)

COMPLETED = "Completed"
IN_PROGRESS = "In progress"
NOT_STARTED = "Not started"


def evidence_status(impact) -> tuple[str, str]:
    """(status, what it says) for one characteristic's evidence."""
    if impact is None or not (impact.evidence or impact.evidence_gap):
        return NOT_STARTED, ""
    if impact.evidence_gap:
        if impact.evidence_gap_reason.strip():
            return COMPLETED, "Evidence gap explained: an action to close it is in the action plan."
        return IN_PROGRESS, "Explain what evidence is missing and why."
    return COMPLETED, "Evidence given."


def _task(eia, characteristic) -> dict:
    status, hint = evidence_status(impact_for(eia, characteristic.id))
    item = {
        "title": {"text": characteristic.name},
        "href": url_for("journey.evidence_for", reference=eia.reference, key=characteristic.key),
        "status": STATUS_DISPLAY[status],
    }
    if hint:
        item["hint"] = {"text": hint}
    return item


@journey.get("/eias/<reference>/evidence")
def evidence(reference: str):
    eia = load_eia(reference)
    characteristics = assessed_characteristics(eia)
    return render(
        "journey/evidence_list.html",
        eia,
        "evidence",
        items=[_task(eia, c) for c in characteristics],
        continue_url=next_url(eia, "evidence"),
    )


@journey.route("/eias/<reference>/evidence/<key>", methods=["GET", "POST"])
def evidence_for(reference: str, key: str):
    eia = load_eia(reference)
    characteristic = characteristic_or_404(eia, key)
    impact = impact_for(eia, characteristic.id)
    form = EvidenceForm(obj=impact)

    def page(errors=(), status=200, partly_saved=False):
        stored = impact_for(eia, characteristic.id)
        return render(
            "journey/evidence.html",
            eia,
            "evidence",
            form=form,
            errors=errors,
            status=status,
            partly_saved=partly_saved,
            characteristic=characteristic,
            impact=stored,
            gap_action=_gap_action(eia, stored),
            missing=missing_from_action,
            list_url=url_for("journey.evidence", reference=eia.reference),
        )

    if not form.is_submitted():
        return page()

    form.validate()
    values = form.to_values()
    gap_actions = _gap_actions(eia)
    result = save(
        lambda db: operations.save_impact(
            db,
            eia,
            current_user,
            characteristic.id,
            values,
            section="evidence",
            base=form.edit_base(),
        )
    )
    if result.ok and not form.errors:
        message = f"The evidence about {characteristic.name.lower()} has been saved."
        if _gap_actions(eia) > gap_actions:
            raised = _gap_action(eia, impact_for(eia, characteristic.id))
            message += (
                " The evidence gap has been added to the action plan as a proposed "
                "action"
                + (
                    f": give it {_join(missing_from_action(raised))} there."
                    if raised is not None and missing_from_action(raised)
                    else "."
                )
            )
        if form.is_save_for_later():
            return finish(message, task_list_url(eia))
        # Like the impacts: the next characteristic's evidence, then the next section.
        following = after(assessed_characteristics(eia), characteristic)
        return finish(
            message,
            url_for("journey.evidence_for", reference=eia.reference, key=following.key)
            if following
            else next_url(eia, "evidence"),
        )
    return page(
        form_errors(form) + result.errors,
        result.status or 400,
        partly_saved=result.ok and bool(values),
    )


def _gap_actions(eia) -> int:
    return sum(1 for a in eia.actions if a.from_evidence_gap)


def _gap_action(eia, impact):
    """The action raised from this characteristic's evidence gap, if there is one."""
    if impact is None or impact.id is None:
        return None
    return next((a for a in eia.actions if a.from_evidence_gap and a.impact_id == impact.id), None)

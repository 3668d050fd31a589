"""The impact on each characteristic: direction, the aims it touches, likelihood × severity
before and after mitigation (the band in words), and mitigation. The overview shows every
impact scored so far, intersectional ones too, on the risk matrices with a table."""

from dataclasses import dataclass

from flask import url_for
from flask_login import current_user

from eia import operations
from forms.assessment import ImpactForm

from ..risk_matrix import risk_matrix_context
from . import journey
from ._assessment import (
    after,
    assessed_characteristics,
    characteristic_or_404,
    is_scored,
    render,
    scores_sentence,
)
from ._assessment import impact_for as stored_impact
from .editing import STATUS_DISPLAY, finish, form_errors, load_eia, next_url, save, task_list_url

COMPLETED = "Completed"
IN_PROGRESS = "In progress"
NOT_STARTED = "Not started"


def impact_status(impact) -> str:
    if impact is None or not (
        impact.direction
        or impact.inherent_likelihood
        or impact.inherent_severity
        or impact.residual_likelihood
        or impact.residual_severity
        or impact.mitigation
    ):
        return NOT_STARTED
    if is_scored(impact) and not (impact.direction == "negative" and not impact.mitigation.strip()):
        return COMPLETED
    return IN_PROGRESS


def _task(eia, characteristic) -> dict:
    impact = stored_impact(eia, characteristic.id)
    status = impact_status(impact)
    item = {
        "title": {"text": characteristic.name},
        "href": url_for("journey.impact_for", reference=eia.reference, key=characteristic.key),
        "status": STATUS_DISPLAY[status],
    }
    if status != NOT_STARTED:
        hint = scores_sentence(impact)
        if impact.direction == "negative" and not impact.mitigation.strip():
            hint += " Say how you will mitigate this negative impact."
        item["hint"] = {"text": hint}
    return item


@dataclass(frozen=True)
class NotScored:
    """A characteristic to assess with no impact row yet: a row of the table, "Not scored
    yet", so the table lists every characteristic."""

    name: str
    inherent_likelihood: None = None
    inherent_severity: None = None
    residual_likelihood: None = None
    residual_severity: None = None


def matrix_items(eia) -> list:
    """What the risk matrices and their table show: each characteristic to assess (scored or
    not yet) in the council's order, any other characteristic already scored, then the
    intersectional impacts in the order they were added."""
    to_assess = assessed_characteristics(eia)
    rows = [stored_impact(eia, c.id) or NotScored(c.name) for c in to_assess]
    assessed = {c.id for c in to_assess}
    rows += [
        i
        for i in sorted(eia.impacts, key=lambda i: (i.characteristic.position, i.id))
        if i.characteristic_id not in assessed and is_scored(i)
    ]
    return [*rows, *sorted(eia.intersectional_impacts, key=lambda i: i.id)]


@journey.get("/eias/<reference>/impacts")
def impacts(reference: str):
    eia = load_eia(reference)
    return render(
        "journey/impacts_list.html",
        eia,
        "impacts",
        items=[_task(eia, c) for c in assessed_characteristics(eia)],
        matrices=risk_matrix_context(matrix_items(eia)),
        continue_url=next_url(eia, "impacts"),
    )


@journey.route("/eias/<reference>/impacts/<key>", methods=["GET", "POST"])
def impact_for(reference: str, key: str):
    eia = load_eia(reference)
    characteristic = characteristic_or_404(eia, key)
    impact = stored_impact(eia, characteristic.id)
    form = ImpactForm(obj=impact)

    def page(errors=(), status=200, partly_saved=False):
        return render(
            "journey/impact.html",
            eia,
            "impacts",
            form=form,
            errors=errors,
            status=status,
            partly_saved=partly_saved,
            characteristic=characteristic,
            impact=stored_impact(eia, characteristic.id),
            list_url=url_for("journey.impacts", reference=eia.reference),
            evidence_url=url_for(
                "journey.evidence_for", reference=eia.reference, key=characteristic.key
            ),
        )

    if not form.is_submitted():
        return page()

    form.validate()
    values = form.to_values()
    result = save(
        lambda db: operations.save_impact(
            db,
            eia,
            current_user,
            characteristic.id,
            values,
            section="impacts",
            base=form.edit_base(),
        )
    )
    if result.ok and not form.errors:
        saved = stored_impact(eia, characteristic.id)
        message = f"The impact on {characteristic.name.lower()} has been saved. " + scores_sentence(
            saved
        )
        if form.is_save_for_later():
            return finish(message, task_list_url(eia))
        following = after(assessed_characteristics(eia), characteristic)
        return finish(
            message,
            url_for("journey.impact_for", reference=eia.reference, key=following.key)
            if following
            else url_for("journey.impacts", reference=eia.reference),
        )
    return page(
        form_errors(form) + result.errors,
        result.status or 400,
        partly_saved=result.ok and bool(values),
    )

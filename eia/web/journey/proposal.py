"""Describe the proposal: the first section of every EIA."""

from flask_login import current_user

from eia import operations
from eia.snapshot import snapshot_eia
from forms.proposal import ProposalForm

from . import journey
from .editing import (
    finish,
    form_errors,
    load_eia,
    next_url,
    render_section,
    save,
    task_list_url,
    valid_values,
)


@journey.route("/eias/<reference>/proposal", methods=["GET", "POST"])
def proposal(reference: str):
    eia = load_eia(reference)
    form = ProposalForm(obj=eia)
    if not form.is_submitted():
        return render_section(
            "journey/proposal.html", eia, "proposal", form=form, doc=snapshot_eia(eia)
        )

    form.validate()
    values = valid_values(form, ProposalForm.FIELDS)
    result = save(
        lambda db: operations.update_eia(
            db, eia, "proposal", current_user, values, base=form.edit_base()
        )
    )
    if result.ok and not form.errors:
        later = form.is_save_for_later()
        return finish(
            "Your answers about the proposal have been saved.",
            task_list_url(eia) if later else next_url(eia, "proposal"),
        )
    errors = form_errors(form) + result.errors
    return render_section(
        "journey/proposal.html",
        eia,
        "proposal",
        form=form,
        errors=errors,
        status=result.status or 400,
        partly_saved=result.ok and bool(values),
        doc=snapshot_eia(eia),
    )

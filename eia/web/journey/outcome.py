"""The outcome of the assessment (one of the EHRC's four), why, the three-part justification
outcome 3 needs, and the date the EIA will be reviewed."""

from flask_login import current_user

from eia import operations
from forms.assessment import OutcomeForm

from . import journey
from ._assessment import render
from .editing import finish, form_errors, load_eia, next_url, save, task_list_url, valid_values


@journey.route("/eias/<reference>/outcome", methods=["GET", "POST"])
def outcome(reference: str):
    eia = load_eia(reference)
    form = OutcomeForm(obj=eia)

    def page(errors=(), status=200, partly_saved=False):
        return render(
            "journey/outcome.html",
            eia,
            "outcome",
            form=form,
            errors=errors,
            status=status,
            partly_saved=partly_saved,
        )

    if not form.is_submitted():
        return page()

    form.validate()
    values = valid_values(form, operations.OUTCOME_FIELDS)
    result = save(
        lambda db: operations.update_eia(
            db, eia, "outcome", current_user, values, base=form.edit_base()
        )
    )
    if result.ok and not form.errors:
        return finish(
            "The outcome and review date have been saved.",
            task_list_url(eia) if form.is_save_for_later() else next_url(eia, "outcome"),
        )
    return page(
        form_errors(form) + result.errors,
        result.status or 400,
        partly_saved=result.ok and bool(values),
    )

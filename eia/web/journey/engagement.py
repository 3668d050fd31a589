"""Engagement and consultation, "you said, we did": who was asked, how, when, what they
said and what changed as a result. The list page is also where the officer says the section
is complete."""

from flask import url_for
from flask_login import current_user

from eia import operations
from eia.dates import long_date
from forms.assessment import EngagementForm

from . import journey
from ._assessment import child_or_404, completion_page, refused, removal_page, render
from .editing import finish, form_errors, load_eia, save

SECTION = "engagement"


def _list_url(eia) -> str:
    return url_for("journey.engagement", reference=eia.reference)


def _records(eia) -> list:
    return sorted(eia.engagements, key=lambda r: (r.held_on is None, r.held_on, r.id))


@journey.route("/eias/<reference>/engagement", methods=["GET", "POST"])
def engagement(reference: str):
    eia = load_eia(reference)
    return completion_page(
        eia,
        SECTION,
        "journey/engagement_list.html",
        lambda: {
            "records": _records(eia),
            "add_url": url_for("journey.engagement_new", reference=eia.reference),
        },
    )


def _form_page(eia, record, form, *, errors=(), status=200):
    return render(
        "journey/engagement.html",
        eia,
        SECTION,
        form=form,
        record=record,
        errors=errors,
        status=status,
        list_url=_list_url(eia),
    )


@journey.route("/eias/<reference>/engagement/new", methods=["GET", "POST"])
def engagement_new(reference: str):
    eia = load_eia(reference)
    form = EngagementForm()
    if not form.is_submitted():
        return _form_page(eia, None, form)
    refusal = refused(eia, SECTION)
    if refusal:
        return _form_page(eia, None, form, errors=refusal[0], status=refusal[1])
    if not form.validate():
        return _form_page(eia, None, form, errors=form_errors(form), status=400)
    values = form.to_values()
    result = save(lambda db: operations.add_engagement(db, eia, current_user, values))
    if not result.ok:
        return _form_page(eia, None, form, errors=result.errors, status=result.status or 400)
    return finish(f"The engagement with {values['who']} has been added.", _list_url(eia))


@journey.route("/eias/<reference>/engagement/<int:record_id>", methods=["GET", "POST"])
def engagement_edit(reference: str, record_id: int):
    eia = load_eia(reference)
    record = child_or_404(eia.engagements, record_id)
    form = EngagementForm(obj=record)
    if not form.is_submitted():
        return _form_page(eia, record, form)
    refusal = refused(eia, SECTION)
    if refusal:
        return _form_page(eia, record, form, errors=refusal[0], status=refusal[1])
    if not form.validate():
        return _form_page(eia, record, form, errors=form_errors(form), status=400)
    values = form.to_values()
    result = save(
        lambda db: operations.update_engagement(
            db, eia, current_user, record.id, values, base=form.edit_base()
        )
    )
    if not result.ok:
        return _form_page(eia, record, form, errors=result.errors, status=result.status or 400)
    return finish(f"The engagement with {values['who']} has been saved.", _list_url(eia))


@journey.route("/eias/<reference>/engagement/<int:record_id>/remove", methods=["GET", "POST"])
def engagement_remove(reference: str, record_id: int):
    eia = load_eia(reference)
    record = child_or_404(eia.engagements, record_id)
    return removal_page(
        eia,
        SECTION,
        what="this engagement record",
        summary=[
            ("Who you asked", record.who),
            ("How", record.method),
            ("When", long_date(record.held_on)),
        ],
        remove=lambda db: operations.remove_engagement(db, eia, current_user, record.id),
        done="The engagement record has been removed.",
        back=_list_url(eia),
    )

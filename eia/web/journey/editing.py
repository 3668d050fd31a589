"""The helpers every page of the guided journey is built from.

A section page (the proposal, screening, and later evidence, impacts, intersectional
impacts, engagement, the action plan and the outcome) does the same five things:

1. load the EIA by reference: 404 if there is none, 403 if the person may not see it
   (``load_eia``);
2. build its form, with the stored answers behind the posted ones (``obj=``/``data=``), so
   a field the browser did not send keeps its saved value;
3. on POST, validate, then save every field that is valid (``valid_values``) through ONE
   operation and ONE commit (``save``). ``save`` rolls back and turns ``EditRefused``,
   ``TransitionRefused``, ``ValueError``/``LookupError`` and data errors into error-summary
   entries and a status (403 when the person may not do it, 409 when the EIA's state does
   not allow it, 400 for bad input) — never a 500, never half a change;
4. if everything was valid and saved, ``finish`` flashes a success message (shown in the
   notification banner of ``journey/layout.html``) and redirects: "Save and continue" to
   ``next_url`` (the next section that is open and has a page, else the task list), "Save
   and come back later" to the task list;
5. otherwise ``render_section`` shows the page again with the error summary (``form_errors``
   plus the refusals), the typed values, and the section's comments.

A later page, for example the outcome, looks like this::

    from flask_login import current_user

    from eia import operations
    from forms.assessment import OutcomeForm

    from . import journey
    from .editing import (finish, form_errors, load_eia, next_url, render_section, save,
                          task_list_url, valid_values)

    @journey.route("/eias/<reference>/outcome", methods=["GET", "POST"])
    def outcome(reference):
        eia = load_eia(reference)
        form = OutcomeForm(obj=eia)
        if not form.is_submitted():
            return render_section("journey/outcome.html", eia, "outcome", form=form)
        form.validate()
        values = valid_values(form, operations.OUTCOME_FIELDS)
        result = save(lambda db: operations.update_eia(db, eia, "outcome", current_user,
                                                       values))
        if result.ok and not form.errors:
            return finish("Outcome saved",
                          task_list_url(eia) if form.is_save_for_later()
                          else next_url(eia, "outcome"))
        return render_section("journey/outcome.html", eia, "outcome", form=form,
                              errors=form_errors(form) + result.errors,
                              status=result.status or 400,
                              partly_saved=result.ok and bool(values))

Several operations in one save are still one commit, e.g. a section with nothing that must
be filled in (engagement, intersectional, actions) saves a row and the officer's "I have
completed this section" together::

    save(lambda db: (operations.add_engagement(db, eia, current_user, values),
                     operations.mark_section_complete(db, eia, current_user, "engagement",
                                                      form.complete.data)))

and its template::

    {% extends "journey/layout.html" %}
    {% from "journey/_macros.html" import partly_saved_note, not_editable %}
    {% block title %}Outcome and review date{% endblock %}
    {% block intro %}{{ partly_saved_note(partly_saved) }}{% endblock %}
    {% block form %}
      {% if not (can_edit_section or errors) %}{{ not_editable(edit_refusals, task_list_url) }}
      {% else %}
      <form method="post" novalidate>
        {{ form.csrf_token }}
        {{ form.outcome }} ...
        <div class="govuk-button-group">{{ form.save }} {{ form.later }}</div>
      </form>
      {% endif %}
    {% endblock %}

``render_section`` also gives the template ``can_edit_section`` and ``edit_refusals`` (may
this person change the section now, and if not why), ``task_list_url`` and
``section_url(eia, key)``. The layout gives the back link to the task list, the caption
(reference and title), the error summary, the success banner, one h1 (the ``title``
block, or ``heading`` when it differs) and, when ``section`` is given, the comments on that
section. A module in this package that adds routes to ``journey`` is registered by
``init_journey`` with no further wiring. ``SECTION_ENDPOINTS`` already names the eight
sections' endpoints, so the task list and check-your-answers page link to a section's page
as soon as it exists.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlmodel import Session
from wtforms import BooleanField, SelectMultipleField

from eia import edit_conflicts
from eia.capabilities import can_comment, on_team
from eia.db import get_session
from eia.edit_conflicts import EditConflict
from eia.models import Eia, utcnow
from eia.operations import EditRefused, edit_refusals
from eia.queries.comments import section_comments
from eia.queries.eias import eia_for_editing
from eia.sections import CANNOT_START, COMPLETED, IN_PROGRESS, NOT_NEEDED, NOT_STARTED
from forms.comments import CommentForm
from workflows import TransitionRefused
from workflows.guards import NEED_INPUTS, GuardContext
from workflows.lifecycle import SECTIONS

from ..loading import load_viewable

# The page for each section. A page that does not exist yet is simply not linked to.
SECTION_ENDPOINTS = {
    "proposal": "journey.proposal",
    "screening": "journey.screening",
    "evidence": "journey.evidence",
    "engagement": "journey.engagement",
    "impacts": "journey.impacts",
    "intersectional": "journey.intersectional",
    "actions": "journey.actions",
    "outcome": "journey.outcome",
}

# Comments may be on a section or on the EIA as a whole.
COMMENT_SECTIONS = ("general", *SECTIONS)


# --- loading ---------------------------------------------------------------------------


def load_eia(reference: str) -> Eia:
    """The EIA with everything its pages show (``eia_for_editing``): 404 if unknown, 403 if
    not visible."""
    return load_viewable(eia_for_editing, reference)


def context(eia: Eia, *, inputs: dict | None = None) -> GuardContext:
    """The guard context for the signed-in person, now."""
    return GuardContext(
        eia=eia,
        actor=current_user._get_current_object(),
        inputs=inputs or {},
        session=get_session(),
        now=utcnow(),
    )


def is_team(eia: Eia) -> bool:
    """The EIA's owner or an officer in its service (who may edit it)."""
    return on_team(current_user, eia)


def can_edit(eia: Eia, section: str) -> bool:
    return not edit_refusals(eia, current_user, section)


# --- where to go -----------------------------------------------------------------------


def task_list_url(eia: Eia, **kwargs) -> str:
    return url_for("journey.tasks", reference=eia.reference, **kwargs)


def page_exists(endpoint: str) -> bool:
    return endpoint in current_app.view_functions


def section_url(eia: Eia, section: str, *, anchor: str | None = None) -> str | None:
    """The section's page, or None while that page has not been built."""
    endpoint = SECTION_ENDPOINTS.get(section)
    if endpoint is None or not page_exists(endpoint):
        return None
    return url_for(endpoint, reference=eia.reference, _anchor=anchor)


def next_url(eia: Eia, section: str) -> str:
    """After "Save and continue": the next section this person can work on now, if it has
    a page; otherwise the task list."""
    keys = list(SECTIONS)
    for later in keys[keys.index(section) + 1 :]:
        url = section_url(eia, later)
        if url is not None and can_edit(eia, later):
            return url
    return task_list_url(eia)


def safe_path(target: str | None, default: str) -> str:
    """``target`` if it is a path on this site, never another host."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return default


# --- forms -----------------------------------------------------------------------------


def form_errors(form) -> list[dict]:
    """Error-summary entries for every field in error, in the form's order, each linking
    to the field's input (a date's first box in error, a radio group's first radio)."""
    return [{"text": f.errors[0], "href": f"#{f.id}"} for f in form if f.errors]


def refusal_errors(reasons: Iterable[str], href: str | None = None) -> list[dict]:
    """Error-summary entries for reasons the product refused something that are about no
    field (who the person is, the EIA's state): plain text, unless ``href`` is given."""
    return [{"text": r, "href": href} if href else {"text": r} for r in reasons]


def field_error(field, text: str) -> dict:
    """An error-summary entry for ``text`` that links to ``field``, which shows it too (its
    inline error message), as the GOV.UK pattern asks."""
    if text not in field.errors:
        field.errors = [*field.errors, text]
    return {"text": text, "href": f"#{field.id}"}


def need_field(form, need: str):
    """The field of ``form`` that gives the lifecycle need ``need`` (guards.NEED_INPUTS), or
    None when the form has none the person fills in (the page carries ``seen`` itself)."""
    name = NEED_INPUTS.get(need)
    if form is None or name is None or name not in form:
        return None
    field = form[name]
    return None if field.type == "HiddenField" else field


def transition_errors(refused: TransitionRefused, form=None) -> list[dict]:
    """Error-summary entries for a refused lifecycle event, in the order of its reasons. A
    reason a need gave (no attestation, no comment, no late reason) links to the need's
    input on ``form`` and is shown beside it; the others — who the person is, what the EIA
    lacks or its state — are about no field and stand as plain text."""
    fields = {}
    for need, reasons in refused.needs.items():
        field = need_field(form, need)
        if field is not None:
            fields.update(dict.fromkeys(reasons, field))
    entries = []
    for reason in refused.reasons:
        field = fields.get(reason)
        entries.append(field_error(field, reason) if field is not None else {"text": reason})
    return entries


def _always_sent(f) -> bool:
    # An unticked checkbox is absent from the form data: absent means "not ticked".
    return isinstance(f, BooleanField | SelectMultipleField)


def valid_values(form, names: Iterable[str]) -> dict:
    """``{name: data}`` for the fields in ``names`` that were sent and are valid: what a
    save may store. A field in error, or one the browser did not send (an unanswered radio
    group), is left out, so its saved answer stays as it was."""
    sent = request.form
    values = {}
    for name in names:
        f = form[name]
        if f.errors:
            continue
        if f.name not in sent and not _always_sent(f):
            continue
        values[name] = f.data
    return values


# --- saving ----------------------------------------------------------------------------


@dataclass
class Saved:
    """What ``save`` did: ``ok``, or the ``errors`` to show and the ``status`` to answer."""

    ok: bool
    result: object = None
    errors: list[dict] = field(default_factory=list)
    status: int | None = None


def save(operation: Callable[[Session], object], *, form=None, error_field=None) -> Saved:
    """Run ``operation(session)`` (operations flush, never commit) and commit once.

    Refusals and bad input roll everything back and come back as errors: EditRefused (409,
    or 403 when the person is not on the EIA's team), TransitionRefused (409, or 403 when
    the person may not do it), ValueError/LookupError and values the database will not
    store (400). A refusal for want of something the person gives with an event links to
    its field on ``form`` (``transition_errors``); other refusals are about no field and are
    plain text. Bad input is shown on ``error_field``, the field it is about, if one is.
    """
    db = get_session()
    try:
        result = operation(db)
        db.commit()
    except EditConflict as exc:
        # Someone else changed the same answers: render_section shows theirs and the
        # person's, with the person's typed values kept.
        db.rollback()
        g.edit_conflict = exc
        return Saved(False, errors=[], status=409)
    except TransitionRefused as exc:
        db.rollback()
        return Saved(
            False, errors=transition_errors(exc, form), status=403 if exc.forbidden else 409
        )
    except EditRefused as exc:
        db.rollback()
        return Saved(
            False, errors=refusal_errors(exc.reasons), status=403 if exc.forbidden else 409
        )
    except (ValueError, LookupError) as exc:
        db.rollback()
        return Saved(False, errors=_errors_on(error_field, [_sentence(str(exc))]), status=400)
    except (sa.exc.DataError, sa.exc.IntegrityError):
        db.rollback()
        current_app.logger.warning("a journey save was refused by the database", exc_info=True)
        return Saved(
            False,
            errors=_errors_on(
                error_field,
                ["Something you entered could not be saved. Check your answers and try again."],
            ),
            status=400,
        )
    return Saved(True, result=result)


def _errors_on(field, reasons: Iterable[str]) -> list[dict]:
    if field is None:
        return refusal_errors(reasons)
    return [field_error(field, r) for r in reasons]


def _sentence(text: str) -> str:
    text = text.strip() or "That could not be saved"
    return text[0].upper() + text[1:] + ("" if text.endswith(".") else ".")


def finish(message: str | None, url: str):
    """Flash ``message`` for the success banner and redirect to ``url``."""
    if message:
        flash(message, "success")
    return redirect(url)


# The task list component's status for each of the product's words.
STATUS_DISPLAY = {
    COMPLETED: {"text": COMPLETED},
    IN_PROGRESS: {"tag": {"text": IN_PROGRESS, "classes": "govuk-tag--light-blue"}},
    NOT_STARTED: {"tag": {"text": NOT_STARTED, "classes": "govuk-tag--blue"}},
    CANNOT_START: {"text": CANNOT_START, "classes": "govuk-task-list__status--cannot-start-yet"},
    NOT_NEEDED: {"text": NOT_NEEDED, "classes": "govuk-task-list__status--cannot-start-yet"},
}

# --- rendering -------------------------------------------------------------------------


def comments_context(
    eia: Eia, section: str, *, form: CommentForm | None = None, next_path: str | None = None
) -> dict:
    """What ``journey/_comments.html`` needs for ``section``."""
    if form is None:
        form = CommentForm(formdata=None, data={"section": section, "next": next_path or ""})
    return {
        "comment_section": section,
        "comments": section_comments(get_session(), eia.id, section),
        "comment_form": form,
        "can_comment": can_comment(current_user, eia),
        "comment_action": url_for("journey.comment", reference=eia.reference, section=section),
    }


def render_section(
    template: str, eia: Eia, section: str | None, *, errors=(), status: int = 200, **page
):
    """Render a journey page: the layout's error summary from ``errors``, the comments on
    ``section`` (none when ``section`` is None), and ``page`` for the template."""
    form = page.get("form")
    if hasattr(form, "edit_base"):
        errors = [*_edited_together(eia, form), *errors]
    values = {
        "eia": eia,
        "section": section,
        "errors": list(errors),
        "task_list_url": task_list_url(eia),
        "section_url": section_url,
        "can_edit_section": can_edit(eia, section) if section in SECTIONS else False,
        "edit_refusals": edit_refusals(eia, current_user, section) if section in SECTIONS else [],
    }
    if section is not None:
        values.update(comments_context(eia, section))
    values.update(page)
    return render_template(template, **values), status


# --- editing together (eia.edit_conflicts) ------------------------------------------------


def _edited_together(eia: Eia, form) -> list[dict]:
    """Fill in what the form carries about when it was opened, and, after a save refused
    because someone else changed the same answers, say so in the error summary and beside
    each answer, keeping the person's typed values in the form.

    A page opened now carries the audit trail's position now. A page shown again after a
    post keeps the position it was opened at (its merge with others' changes holds), plus
    the conflicts it has now shown, so saving it again keeps the person's answers."""
    if not form.is_submitted():
        form.since.data = str(edit_conflicts.mark(get_session(), eia.id))
        form.overwrite.data = ""
    conflict = g.pop("edit_conflict", None)
    if conflict is None:
        return []
    tokens = set((form.overwrite.data or "").split())
    summary = []
    for c in conflict.conflicts:
        tokens.add(c.change.token)
        field, theirs, yours = _field_for_path(form, c.change.path, c.change.new, c.yours)
        what = field.label.text if field is not None else " ".join(c.change.path)
        text = (
            f"{c.change.by} changed “{what}” after you opened this page: their answer "
            f"is “{_answer(field, theirs)}”. Yours, “{_answer(field, yours)}”, "
            "is kept below. Save again to replace theirs with yours, or change yours."
        )
        if field is not None:
            field.errors = [*field.errors, text]
        summary.append(
            {"text": text, "href": f"#{field.id}"} if field is not None else {"text": text}
        )
    form.overwrite.data = " ".join(sorted(tokens))
    return summary


def _field_for_path(form, path: tuple[str, ...], theirs, yours):
    """(field, their value, your value) in the form's terms for an audit path: a field of
    the same name (``("title",)``, ``("#12", "who")``, ``("age", "mitigation")`` on a
    characteristic's page), a screening answer (``("age", "relevance")`` is the field
    ``age-relevance``), or what the form says the column is shown as."""
    if "-".join(path[-2:]) in form:
        return form["-".join(path[-2:])], theirs, yours
    name, theirs = form.audit_to_form(path[-1], theirs)
    _, yours = form.audit_to_form(path[-1], yours)
    field = form[name] if name in form else None  # noqa: SIM401 (a Form has no .get)
    return field, theirs, yours


def _answer(field, value) -> str:
    """A stored value in the words the field offers (a radio's label), else as text."""
    if value in (None, "", []):
        return "no answer"
    if isinstance(value, bool):
        return "yes" if value else "no"
    words = _choice_labels(field)
    if isinstance(value, list):
        return ", ".join(words.get(str(v), str(v)) for v in value)
    text = words.get(str(value), str(value))
    return text if len(text) <= 300 else text[:297] + "…"


def _choice_labels(field) -> dict[str, str]:
    choices = getattr(field, "choices", None)
    if not isinstance(choices, list | tuple):
        return {}
    return {str(c[0]): str(c[1]) for c in choices if isinstance(c, tuple) and len(c) >= 2}

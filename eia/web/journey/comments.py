"""Comments on a section (or on the EIA as a whole), in any state, by the EIA's team, its
directorate's approvers and equality officers (eia.capabilities.can_comment)."""

from flask import abort, render_template
from flask_login import current_user

from eia import operations
from eia.capabilities import can_comment
from forms.comments import CommentForm

from ..auth import forbid_unless
from . import journey
from .editing import (
    COMMENT_SECTIONS,
    comments_context,
    finish,
    form_errors,
    load_eia,
    safe_path,
    save,
    section_url,
    task_list_url,
)


def _back(eia, section: str) -> str:
    return (
        section_url(eia, section, anchor="comments") if section != "general" else None
    ) or task_list_url(eia, _anchor="comments")


@journey.post("/eias/<reference>/comments/<section>")
def comment(reference: str, section: str):
    if section not in COMMENT_SECTIONS:
        abort(404)
    eia = load_eia(reference)
    forbid_unless(can_comment(current_user, eia))
    form = CommentForm()
    back = safe_path(form.next.data, _back(eia, section))
    if form.validate():
        result = save(
            lambda db: operations.add_comment(db, eia, current_user, section, form.body.data),
            error_field=form.body,
        )
        if result.ok:
            return finish("Your comment has been added.", back)
        errors, status = result.errors, result.status
    else:
        errors, status = form_errors(form), 400
    # Shown on a page of its own, with what was typed, so nothing is lost.
    return render_template(
        "journey/comment.html",
        eia=eia,
        errors=errors,
        back=back,
        section=section,
        task_list_url=task_list_url(eia),
        **comments_context(eia, section, form=form),
    ), status

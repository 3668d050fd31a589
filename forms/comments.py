"""A comment on one section of an EIA (or on the EIA as a whole: "general")."""

from flask_wtf import FlaskForm
from wtforms import HiddenField

from forms.fields import Needed, button, long_text

COMMENT_PREFIX = "comment"


class CommentForm(FlaskForm):
    """Rendered with the prefix ``comment`` (ids ``comment-body``...), so it can sit on a
    page below another form without their ids clashing. ``section`` is informational: the
    URL the form posts to names the section. ``next`` is where to go afterwards (a path on
    this site only)."""

    body = long_text(
        "Add a comment",
        called="Your comment",
        hint="Comments are kept with the EIA and shown to its team, its approvers and the "
        "Policy and Equality Unit.",
        needed=Needed("Enter your comment"),
    )
    section = HiddenField()
    next = HiddenField()
    submit = button("Add comment", secondary=True)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", COMMENT_PREFIX)
        super().__init__(*args, **kwargs)

    def is_save_for_later(self) -> bool:
        return False

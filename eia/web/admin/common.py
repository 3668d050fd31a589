"""The blueprint, who may use it, and what every change does: go through an operation of
eia/admin_operations.py (which writes its audit record), commit once, log who made it, say
so in a banner."""

from flask import Blueprint, abort, current_app, flash, render_template, request
from flask_login import current_user

from eia.capabilities import Capability, may
from eia.db import get_session
from eia.models import User
from eia.models.enums import ROLE_LABELS

admin = Blueprint("admin", __name__, url_prefix="/admin")

# Who may open any page here (Capability.manage); people pages and the council's structure
# are administrators' only (Capability.administer).

# Ids in URLs are database integers: anything bigger is simply not there (PostgreSQL would
# refuse to compare an integer column with it).
_MAX_ID = 2**31 - 1


@admin.before_request
def _managers_only():
    # Signing in is checked first, by the application (anonymous people go to sign in).
    if not may(current_user, Capability.manage):
        abort(403)


@admin.context_processor
def _words():
    return {"role_labels": ROLE_LABELS, "is_admin": is_admin()}


def is_admin() -> bool:
    return may(current_user, Capability.administer)


def admins_only() -> None:
    if not is_admin():
        abort(403)


def me() -> User:
    """The signed-in administrator, as the row itself (operations record who acted)."""
    return current_user._get_current_object()


def get_or_404(model, row_id: int):
    if not 0 < row_id <= _MAX_ID:
        abort(404)
    row = get_session().get(model, row_id)
    if row is None:
        abort(404)
    return row


def done(message: str) -> None:
    """After a change has been committed: log who made it, and tell them in a banner."""
    # The person's id, never their email or name (the message names people and teams):
    # the audit trail has the full record of who changed what.
    current_app.logger.info(
        "Configuration changed (%s)",
        request.endpoint,
        extra={"event": "configuration_changed", "user_id": current_user.id},
    )
    flash(message, "success")


@admin.get("")
def index():
    return render_template("admin/index.html")

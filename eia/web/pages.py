"""The pages that show EIAs. Views stay thin: queries live in ``queries``, words in
``labels`` and ``history``."""

import sqlalchemy as sa
from flask import Blueprint, abort, render_template, request
from flask_login import current_user
from sqlmodel import select

from eia.capabilities import can_view
from eia.db import get_session
from eia.history import history
from eia.models import utcnow
from eia.snapshot import snapshot_eia
from workflows import event_readiness
from workflows.guards import GuardContext
from workflows.lifecycle import STATES

from . import queries
from .auth import forbid_unless

pages = Blueprint("pages", __name__)

STATE_NAMES = frozenset(s.name for s in STATES)


@pages.get("/")
def index():
    session = get_session()
    status = request.args.get("status")
    if status not in STATE_NAMES:
        status = None
    return render_template(
        "eia_list.html",
        eias=queries.list_eias(session, current_user, status),
        counts=queries.count_by_status(session, current_user),
        status=status,
    )


@pages.get("/eias/<reference>")
def eia_page(reference: str):
    session = get_session()
    eia = queries.eia_for_page(session, reference)
    if eia is None:
        abort(404)
    forbid_unless(can_view(current_user, eia))
    return render_template(
        "eia/page.html",
        eia=eia,
        doc=snapshot_eia(eia),
        next_steps=event_readiness(GuardContext(eia=eia, actor=None, session=session,
                                                now=utcnow())),
        history=history(queries.audit_trail(session, eia.id)),
    )


@pages.get("/eias/<reference>/versions/<int:number>")
def version_page(reference: str, number: int):
    version = queries.frozen_version(get_session(), reference, number)
    if version is None:
        abort(404)
    forbid_unless(can_view(current_user, version.eia))
    return render_template("eia/version.html", version=version, doc=version.snapshot)


@pages.get("/healthz")
def healthz():
    try:
        get_session().exec(select(1)).one()
    except sa.exc.SQLAlchemyError:
        return "database unavailable", 503, {"Content-Type": "text/plain"}
    return "ok", 200, {"Content-Type": "text/plain"}

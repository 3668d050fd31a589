"""The pages that show EIAs. Views stay thin: queries live in ``eia/queries``, words in
``labels`` and ``history``."""

from flask import Blueprint, render_template, request
from flask_login import current_user

from eia.db import get_session
from eia.history import history
from eia.models import utcnow
from eia.queries import eias
from eia.queries.audit import audit_trail
from eia.snapshot import snapshot_eia
from workflows import event_readiness
from workflows.guards import GuardContext
from workflows.lifecycle import STATES

from .loading import load_viewable

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
        eias=eias.list_eias(session, current_user, status),
        counts=eias.count_by_status(session, current_user),
        status=status,
    )


@pages.get("/eias/<reference>")
def eia_page(reference: str):
    session = get_session()
    eia = load_viewable(eias.eia_for_page, reference)
    return render_template(
        "eia/page.html",
        eia=eia,
        doc=snapshot_eia(eia),
        next_steps=event_readiness(
            GuardContext(eia=eia, actor=None, session=session, now=utcnow())
        ),
        history=history(audit_trail(session, eia.id)),
        imported_original=eias.imported_original(session, eia),
    )


@pages.get("/eias/<reference>/versions/<int:number>")
def version_page(reference: str, number: int):
    version = load_viewable(
        eias.frozen_version, reference, number, eia_of=lambda version: version.eia
    )
    return render_template("eia/version.html", version=version, doc=version.snapshot)

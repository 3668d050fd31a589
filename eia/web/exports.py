"""Downloads for signed-in people: the register they see on "All EIAs" as CSV or XLSX, and
one EIA as JSON (eia.exports.document) or as a printable, tagged PDF. Each needs what
viewing does: the register lists only what the person may see (``visible_clause``), an EIA
only for those who may view it (``can_view``)."""

import json

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_login import current_user

from eia.db import get_session
from eia.exports.document import eia_document
from eia.exports.pdf import pdf_response
from eia.exports.register import register_table
from eia.exports.tables import FORMATS, download
from eia.history import history
from eia.models import london_date, utcnow
from eia.queries import eias
from eia.queries.audit import audit_trail
from eia.queries.comments import comments_with_authors
from workflows.lifecycle import state, states_where

from .loading import load_viewable
from .pages import STATE_NAMES

exports = Blueprint("exports", __name__)


@exports.get("/register/download")
def register_download():
    """?format=csv|xlsx, and the "All EIAs" page's own ?status= filter."""
    fmt = request.args.get("format", "csv")
    if fmt not in FORMATS:
        abort(400)
    status = request.args.get("status") or None
    if status is not None and status not in STATE_NAMES:
        abort(400)
    session = get_session()
    table = register_table(session, eias.list_eias(session, current_user, status))
    suffix = f"-{status}" if status else ""
    return download(table, fmt, f"eia-register{suffix}-{london_date(utcnow()).isoformat()}")


def _viewable(reference: str):
    return get_session(), load_viewable(eias.eia_for_page, reference)


@exports.get("/eias/<reference>.json")
def eia_json(reference: str):
    session, eia = _viewable(reference)
    comments = comments_with_authors(session, eia.id)
    doc = eia_document(eia, audit_trail(session, eia.id), utcnow(), comments)
    body = json.dumps(doc, ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="{eia.reference}.json"',
            "Cache-Control": "no-store",
        },
    )


@exports.get("/eias/<reference>.pdf")
def eia_pdf(reference: str):
    """The EIA as it stands now (the staff copy: owner, comments on sign-off, history)."""
    session, eia = _viewable(reference)
    from eia.snapshot import snapshot_eia

    label = state(eia.status).label.lower()
    html = render_template(
        "pdf/eia.html",
        doc=snapshot_eia(eia),
        public=False,
        version_note=(
            f"Version {eia.version}, {label}. Printed from the live record: "
            "it may change until it is approved."
            if eia.status in states_where(active=True, signed_off=False)
            else f"Version {eia.version}, {label}."
        ),
        history=history(audit_trail(session, eia.id)),
        reviews=sorted(eia.reviews, key=lambda r: r.reviewed_at),
        produced_on=utcnow(),
    )
    return pdf_response(html, eia.reference)


@exports.get("/eias/<reference>.docx")
def eia_docx(reference: str):
    """For committee reports: the equality implications and the EIA as an appendix, from
    the council's Word template (eia.exports.word)."""
    from eia.exports import word

    session, eia = _viewable(reference)
    comments = comments_with_authors(session, eia.id)
    doc = eia_document(eia, audit_trail(session, eia.id), utcnow(), comments)
    config = current_app.config
    values = word.context(doc, config["COUNCIL_NAME"], config["PRODUCT_NAME"])
    try:
        body = word.render(word.template_path(config), values)
    except word.TemplateProblem as problem:
        current_app.logger.error("Word download of %s: %s", eia.reference, problem)
        return render_template("errors/word_template.html", reason=str(problem)), 503
    return Response(
        body,
        mimetype=word.MIMETYPE,
        headers={
            "Content-Disposition": f'attachment; filename="{eia.reference}.docx"',
            "Cache-Control": "no-store",
        },
    )

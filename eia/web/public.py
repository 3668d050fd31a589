"""The public register: no sign-in. Lists and shows only EIAs that were signed off, are
marked to publish and are not confidential (eia.exports.public decides, in one clause), and
each as the frozen copy of its approved version. Anything else is "not found" (404), the
same answer as for a reference that does not exist, so nothing confidential is revealed even
by its existence. These endpoints are listed in ``auth.PUBLIC_ENDPOINTS``."""


from flask import Blueprint, abort, render_template, request, url_for

from eia.db import get_session
from eia.exports import public as published
from eia.exports.pdf import pdf_response
from eia.exports.register import latest_approvals
from eia.exports.tables import FORMATS, Table, download
from eia.models import london_date, utcnow
from eia.models.enums import OUTCOME_LABELS
from forms.public import PublicSearchForm

from .pagination import page_count, page_number, pagination

public = Blueprint("public", __name__, url_prefix="/public")

SEARCH_FIELDS = ("q", "directorate", "state", "outcome")


def _search_args() -> dict:
    return {name: request.args.get(name) for name in SEARCH_FIELDS
            if (request.args.get(name) or "").strip()}


def _form():
    return PublicSearchForm(request.args, directorates=published.public_directorates(
        get_session()))


def _errors(form, *extra: str) -> list[dict]:
    return ([{"text": field.errors[0], "href": f"#{field.id}"} for field in form if field.errors]
            + [{"text": text, "href": "#q"} for text in extra])


@public.get("/register", endpoint="register")
def register_page():
    session = get_session()
    form = _form()
    page = page_number()
    if not form.validate() or page is None:
        return render_template(
            "public/register.html", form=form, rows=[], total=0, args={},
            errors=_errors(form, *([] if page is not None else ["Page must be a whole number"])),
        ), 400
    criteria = form.criteria()
    total = published.count_published(session, criteria)
    pages = page_count(total, published.PAGE_SIZE)
    if page > pages:
        abort(404)
    eias = published.published_eias(session, criteria, page=page)
    approvals = latest_approvals(session, [e.id for e in eias])
    return render_template(
        "public/register.html", form=form, errors=[], total=total, page=page, pages=pages,
        rows=[{"eia": e, "approval": approvals.get(e.id)} for e in eias],
        args=_search_args(), searched=bool(_search_args()),
        pagination=pagination(page, pages, "public.register", _search_args(),
                              "Pages of the register"),
        state_labels=published.PUBLIC_STATE_LABELS,
    )





@public.get("/register/download")
def register_download():
    """The search's results (every page) as CSV or XLSX: ?format=csv|xlsx."""
    fmt = request.args.get("format", "csv")
    form = _form()
    if fmt not in FORMATS or not form.validate():
        abort(400)
    session = get_session()
    eias = published.published_eias(session, form.criteria(), page=None)
    approvals = latest_approvals(session, [e.id for e in eias])
    table = Table("Public register of EIAs", [
        "Reference", "Title", "Directorate", "Service", "Status", "Decision date",
        "Sign-off date", "Signed off late", "Outcome", "Review date", "Web page",
    ])
    for e in eias:
        approval = approvals.get(e.id)
        table.add(e.reference, e.title, e.directorate.name, e.service.name,
                  published.PUBLIC_STATE_LABELS[e.status], e.decision_date,
                  london_date(approval.signed_at) if approval else None,
                  approval.late if approval else None,
                  OUTCOME_LABELS.get(e.outcome, e.outcome or ""), e.review_date,
                  url_for("public.eia_page", reference=e.reference, _external=True))
    return download(table, fmt, f"public-eia-register-{london_date(utcnow()).isoformat()}")


def _published(reference: str):
    found = published.published_version(get_session(), reference)
    if found is None:
        abort(404)
    eia, version = found
    return eia, version, published.public_document(version.snapshot)


def _approved_on(doc: dict):
    dates = [s["signed_at"] for s in doc["sign_offs"] if s.get("version") == doc["version"]]
    return max(dates) if dates else None


@public.get("/eias/<reference>")
def eia_page(reference: str):
    eia, version, doc = _published(reference)
    return render_template("public/eia.html", eia=eia, version=version, doc=doc,
                           approved_on=_approved_on(doc),
                           state_label=published.PUBLIC_STATE_LABELS[eia.status])


@public.get("/eias/<reference>.pdf")
def eia_pdf(reference: str):
    eia, version, doc = _published(reference)
    from .dates import long_date

    approved_on = _approved_on(doc)
    note = (f"Version {version.version}, as approved"
            + (f" on {long_date(approved_on)}" if approved_on else "")
            + f". Status: {published.PUBLIC_STATE_LABELS[eia.status].lower()}.")
    html = render_template("pdf/eia.html", doc=doc, public=True, version_note=note,
                           history=[], reviews=[], produced_on=utcnow())
    return pdf_response(html, eia.reference)

"""The public register: no sign-in. Lists and shows only EIAs with an approved version that
was marked to publish and not confidential, and not since made confidential or unpublished
(eia.exports.public decides, in one clause), each as the frozen copy of its last approved
version: an EIA being revised stays, marked "under revision", as it was approved; one
withdrawn after it was published stays, marked "withdrawn". Anything else is "not found"
(404), the same answer as for a reference that does not exist, so nothing confidential is
revealed even by its existence. These endpoints are listed in ``auth.PUBLIC_ENDPOINTS``.

The heavy routes (the PDF, the register's downloads) are rate-limited for anonymous people
(eia/web/ratelimit.py), and the PDF is built once per version and kept
(eia/exports/public_pdf.py)."""

from flask import Blueprint, Flask, abort, render_template, request, url_for

from eia.dates import long_date
from eia.db import get_session
from eia.exports import public as published
from eia.exports.pdf import pdf_bytes_response
from eia.exports.public_pdf import kept_pdf
from eia.exports.register import latest_approvals
from eia.exports.tables import FORMATS, Table, download
from eia.models import london_date, utcnow
from eia.models.enums import OUTCOME_LABELS
from forms.public import PublicSearchForm
from workflows.lifecycle import Status

from .pagination import page_count, page_number, pagination
from .ratelimit import limit_anonymous

public = Blueprint("public", __name__, url_prefix="/public")

SEARCH_FIELDS = ("q", "directorate", "state", "outcome")
DOWNLOADS = "public-downloads"  # the rate limit's bucket: the PDF and the register's files


def _search_args() -> dict:
    return {
        name: request.args.get(name)
        for name in SEARCH_FIELDS
        if (request.args.get(name) or "").strip()
    }


def _form():
    return PublicSearchForm(request.args, directorates=published.public_directorates(get_session()))


def _errors(form, *extra: str) -> list[dict]:
    # ``extra``: errors in the address (a ?page= typed by hand), which no field sets: words
    # only, linking nowhere.
    return [{"text": field.errors[0], "href": f"#{field.id}"} for field in form if field.errors] + [
        {"text": text} for text in extra
    ]


@public.get("/register", endpoint="register")
def register_page():
    session = get_session()
    form = _form()
    page = page_number()
    if not form.validate() or page is None:
        return render_template(
            "public/register.html",
            form=form,
            rows=[],
            total=0,
            args={},
            errors=_errors(form, *([] if page is not None else ["Page must be a whole number"])),
        ), 400
    criteria = form.criteria()
    total = published.count_published(session, criteria)
    pages = page_count(total, published.PAGE_SIZE)
    if page > pages:
        abort(404)
    rows = published.published_eias(session, criteria, page=page)
    approvals = latest_approvals(session, [r.eia.id for r in rows])
    return render_template(
        "public/register.html",
        form=form,
        errors=[],
        total=total,
        page=page,
        pages=pages,
        rows=[
            {
                "eia": r.eia,
                "public_copy": r.copy,
                "status": r.status,
                "approval": approvals.get(r.eia.id),
            }
            for r in rows
        ],
        args=_search_args(),
        searched=bool(_search_args()),
        pagination=pagination(
            page, pages, "public.register", _search_args(), "Pages of the register"
        ),
    )


@public.get("/register/download")
@limit_anonymous(DOWNLOADS)
def register_download():
    """The search's results (every page) as CSV or XLSX: ?format=csv|xlsx."""
    fmt = request.args.get("format", "csv")
    form = _form()
    if fmt not in FORMATS or not form.validate():
        abort(400)
    session = get_session()
    rows = published.published_eias(session, form.criteria(), page=None)
    approvals = latest_approvals(session, [r.eia.id for r in rows])
    table = Table(
        "Public register of EIAs",
        [
            "Reference",
            "Title",
            "Directorate",
            "Service",
            "Status",
            "Decision date",
            "Sign-off date",
            "Signed off late",
            "Outcome",
            "Review date",
            "Web page",
        ],
    )
    for r in rows:
        e, approval = r.eia, approvals.get(r.eia.id)
        table.add(
            e.reference,
            r.copy.title,
            e.directorate.name,
            e.service.name,
            published.PUBLIC_STATE_LABELS[r.status],
            r.copy.decision_date,
            london_date(approval.signed_at) if approval else None,
            approval.late if approval else None,
            OUTCOME_LABELS.get(r.copy.outcome, r.copy.outcome or ""),
            r.review_date,
            url_for("public.eia_page", reference=e.reference, _external=True),
        )
    return download(table, fmt, f"public-eia-register-{london_date(utcnow()).isoformat()}")


def _published(reference: str):
    found = published.published_version(get_session(), reference)
    if found is None:
        abort(404)
    doc = published.public_document(found.version.snapshot)
    if found.eia.version == found.copy.version:
        # A review confirmed since approval set the next review date on the live row (the
        # version itself is unchanged); during a revision the live row is the draft's.
        doc["review_date"] = (
            found.eia.review_date.isoformat() if found.eia.review_date else doc["review_date"]
        )
    return found, doc


def _approved_on(doc: dict):
    dates = [s["signed_at"] for s in doc["sign_offs"] if s.get("version") == doc["version"]]
    return max(dates) if dates else None


def _status_note(found, approved_on) -> str:
    """One plain sentence about the copy shown: which version, and what became of it since."""
    version = f"Version {found.version.version}, as approved" + (
        f" on {long_date(approved_on)}" if approved_on else ""
    )
    if found.status == "under_revision":
        return (
            f"{version}. Under revision: a new version of this assessment is being "
            "prepared. This version stands until the new one is approved."
        )
    if found.status == Status.withdrawn:
        return (
            f"{version}. Withdrawn: the proposal was dropped on "
            f"{long_date(found.eia.status_changed_at)}, so this assessment no longer "
            "applies. It is kept here as the public record."
        )
    return f"{version}. Status: {published.PUBLIC_STATE_LABELS[found.status].lower()}."


@public.get("/eias/<reference>")
def eia_page(reference: str):
    found, doc = _published(reference)
    return render_template(
        "public/eia.html",
        eia=found.eia,
        version=found.version,
        doc=doc,
        status=found.status,
        approved_on=_approved_on(doc),
        state_label=published.PUBLIC_STATE_LABELS[found.status],
    )


@public.get("/eias/<reference>.pdf")
@limit_anonymous(DOWNLOADS)
def eia_pdf(reference: str):
    """Built once per version and kept (eia/exports/public_pdf.py): only the first request,
    or the first after what it says has changed, takes the time to build it."""
    found, doc = _published(reference)
    html = render_template(
        "pdf/eia.html",
        doc=doc,
        public=True,
        version_note=_status_note(found, _approved_on(doc)),
        history=[],
        reviews=[],
        produced_on=None,
    )
    return pdf_bytes_response(kept_pdf(get_session(), found.copy, html), found.eia.reference)


def init_public(app: Flask) -> None:
    app.register_blueprint(public)

    @app.template_global()
    def shown_on_public_register(eia) -> bool:
        """For the link from an EIA's staff page to its public copy."""
        return published.is_public(get_session(), eia)

"""The audit page for the Policy and Equality Unit and administrators: the whole trail,
searched by EIA, person, event and date range (a GET form, no JavaScript needed), newest
first, a page at a time; the results as CSV or XLSX; and the tamper check (the same as
``eia audit verify``) at the press of a button."""

from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user

from eia import audit, audit_search
from eia.capabilities import Capability, may
from eia.db import get_session
from eia.exports.tables import FORMATS, Table, download
from eia.history import what_happened
from forms.audit import AuditSearchForm

from .auth import forbid_unless
from .pagination import page_count, page_number, pagination

audit_pages = Blueprint("audit", __name__)

FILTER_FIELDS = ("reference", "person", "event", "date_from", "date_to")


def _only_auditors() -> None:
    forbid_unless(may(current_user, Capability.audit))


def _filter_args() -> dict:
    """The search as query-string pairs (for page links and the download links)."""
    return {
        name: request.args.getlist(name)
        for name in FILTER_FIELDS
        if any(v.strip() for v in request.args.getlist(name))
    }


def _rows(records) -> list[dict]:
    return [
        {
            "record": record,
            "reference": reference,
            "title": title,
            "when": audit_search.london_time(record.occurred_at),
            "what": what_happened(record),
        }
        for record, reference, title in records
    ]


def _errors(form: AuditSearchForm, *extra: str) -> list[dict]:
    """The error summary's items: each field's first problem, linked to its box; then the
    errors in the address (``?page=``, ``?format=``), which no field sets, in words only."""
    items = [{"text": field.errors[0], "href": f"#{field.id}"} for field in form if field.errors]
    return items + [{"text": text} for text in extra]


def _refuse(form: AuditSearchForm, *extra: str):
    return render_template(
        "audit/index.html",
        form=form,
        rows=[],
        total=0,
        page=1,
        pages=0,
        errors=_errors(form, *extra),
        args={},
        report=None,
    ), 400


@audit_pages.get("/audit")
def search():
    _only_auditors()
    form = AuditSearchForm(request.args)
    page = page_number()
    if not form.validate() or page is None:
        return _refuse(form, *([] if page is not None else ["Page must be a whole number"]))
    return _render(form, page)


def _render(form: AuditSearchForm, page: int, report=None, status: int = 200):
    session = get_session()
    criteria = form.criteria()
    total = audit_search.count(session, criteria)
    pages = page_count(total, audit_search.PAGE_SIZE)
    if page > pages:
        abort(404)
    rows = _rows(audit_search.search(session, criteria, page=page))
    return render_template(
        "audit/index.html",
        form=form,
        rows=rows,
        total=total,
        page=page,
        pages=pages,
        errors=[],
        args=_filter_args(),
        report=report,
        pagination=pagination(
            page, pages, "audit.search", _filter_args(), "Pages of audit records"
        ),
        criteria=criteria,
    ), status


@audit_pages.post("/audit/verify")
def verify():
    """Walk the whole chain (CSRF-checked like every POST) and show the result."""
    _only_auditors()
    report = audit.verify(get_session(), secret_key=current_app.config["SECRET_KEY"])
    form = AuditSearchForm(None)
    return _render(form, 1, report=report)


def _cell_sized(text: str, limit: int = 32_000) -> str:
    """The record's details (old and new values, as JSON) within a spreadsheet cell's
    32,767 characters: a longer one is cut, and says so."""
    return text if len(text) <= limit else text[:limit] + " … (cut: see the database)"


@audit_pages.get("/audit/download")
def download_results():
    """The search's results, every page of them, as CSV or XLSX (?format=csv|xlsx)."""
    _only_auditors()
    fmt = request.args.get("format", "csv")
    form = AuditSearchForm(request.args)
    if not form.validate() or fmt not in FORMATS:
        return _refuse(form, *([] if fmt in FORMATS else ["Download as CSV or XLSX"]))
    records = audit_search.all_rows(get_session(), form.criteria())
    table = Table(
        "Audit trail",
        [
            "Position",
            "When (London time)",
            "Person",
            "Kind",
            "Event",
            "What happened",
            "From state",
            "To state",
            "EIA reference",
            "EIA title",
            "EIA version",
            "Comment",
            "Details",
            "Hash",
        ],
    )
    for row in _rows(records):
        r = row["record"]
        table.add(
            r.seq,
            row["when"],
            r.actor_name,
            r.action,
            r.event,
            row["what"],
            r.from_state,
            r.to_state,
            row["reference"],
            row["title"],
            r.eia_version,
            r.comment,
            _cell_sized(r.details),
            r.hash,
        )
    return download(table, fmt, "audit-trail")

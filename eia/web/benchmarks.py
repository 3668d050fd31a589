"""The pan-London practice standard on the web.

Public (no sign-in; listed in ``auth.PUBLIC_ENDPOINTS``):

- ``/open-data/eia-practice.json``: this council's ``eia-practice/1`` feed, signed
  (``?download=1``: the same as a file to save);
- ``/open-data/eia-practice.pub``: the public key it is signed with (JSON, the JWK form);
- ``/open-data/eia-practice-1.schema.json``: the standard's JSON Schema.

The comparison (``/benchmarking``, ``Capability.benchmark``: the Policy and Equality Unit and
administrators): add councils by their feed's address or a file, refresh them, and compare
one measure for one financial year: a table and a chart with each council's position and
trend, London's median and this council highlighted, as CSV or XLSX too. Fetching and
checking is ``eia.standard.compare``; storing (audited) is ``eia.admin_operations``.
"""

import json

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from govuk_frontend_wtf.main import wtforms_errors

from eia import admin_operations as admin_ops
from eia.capabilities import Capability, may
from eia.db import get_session
from eia.exports.tables import FORMATS, Table, download
from eia.models import london_date, utcnow
from eia.reporting import benchmarks as figures
from eia.reporting.years import FinancialYear
from forms.benchmarks import AddCouncilForm, CompareForm, RefreshForm

from .auth import forbid_unless
from .charts import bar_chart
from .ratelimit import limit_anonymous

benchmarks = Blueprint("benchmarks", __name__)

JSON = "application/json"
FEED_LIMIT = "practice-feed"  # the rate limit's bucket for anonymous requests of the feed


def _council_name() -> str:
    return current_app.config.get("COUNCIL_NAME", "This council")


# --- the open data -----------------------------------------------------------------------------


def _json(body: str, filename: str | None = None) -> Response:
    headers = {"Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*"}
    if filename:
        headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return Response(body, mimetype=JSON, headers=headers)


@benchmarks.get("/open-data/eia-practice.json")
@limit_anonymous(FEED_LIMIT)
def feed():
    """Worked out afresh (the annual figures of five years): rate-limited for anonymous
    people as the register's downloads are."""
    from eia.standard.feed import signed_feed

    body = json.dumps(signed_feed(get_session(), _council_name()), ensure_ascii=False, indent=1)
    return _json(body, "eia-practice.json" if request.args.get("download") else None)


@benchmarks.get("/open-data/eia-practice.pub")
def public_key():
    from eia.standard.signing import council_key, public_jwk

    return _json(json.dumps(public_jwk(council_key(get_session()).public_key())))


@benchmarks.get("/open-data/eia-practice-1.schema.json")
def schema():
    from eia.standard.schema import schema_text

    return _json(schema_text())


# --- the comparison ----------------------------------------------------------------------------


def _only_the_unit() -> None:
    forbid_unless(may(current_user, Capability.benchmark))


def _me():
    return current_user._get_current_object()


def _show(value, unit: str) -> str:
    if value is None:
        return "Not published"
    if value == "<5":
        return "Fewer than 5"
    if unit == "%":
        return f"{value:g}%"
    return f"{value:g}"


def _chosen(args):
    """The figures, the form and the comparison the query string asks for (or the errors)."""
    db = get_session()
    today = london_date(utcnow())
    every = figures.all_figures(db, _council_name(), today)
    measures = figures.measures(figures.characteristic_names(every))
    years = sorted({y for f in every for y in f.years}, reverse=True)
    form = CompareForm(
        args,
        measures=[(m.key, m.label) for m in measures],
        years=[(str(y), FinancialYear(y).label) for y in years],
    )
    if not form.validate() or not years:
        return every, form, None
    measure = next((m for m in measures if m.key == form.measure.data), measures[0])
    year = int(form.year.data) if form.year.data else years[0]
    return every, form, figures.compare(every, measure, year)


def _chart(comparison):
    unit = comparison.measure.unit
    rows = [
        (
            f"{r.name} (this council)" if r.own else r.name,
            {"value": float(r.value)},
            _show(r.value, unit),
        )
        for r in comparison.rows
        if isinstance(r.value, (int, float))
    ]
    return bar_chart(
        "chart-benchmark",
        f"{comparison.measure.label}, {FinancialYear(comparison.start_year).label}",
        rows,
        empty="No council has published this figure for this year.",
    )


def _table(comparison) -> Table:
    unit = comparison.measure.unit
    year_labels = [FinancialYear(y).label for y in comparison.years]
    table = Table(
        f"{comparison.measure.label}, {FinancialYear(comparison.start_year).label}",
        ["Council", "This council", "Figure", "Position", *year_labels],
    )
    for r in comparison.rows:
        table.add(
            r.name,
            "Yes" if r.own else "No",
            _show(r.value, unit),
            f"{r.position} of {comparison.ranked}" if r.position else "",
            *[_show(v, unit) for _, v in r.trend],
        )
    table.add(
        "London median",
        "",
        _show(comparison.median, unit) if comparison.median is not None else "No figures",
        "",
        *[""] * len(year_labels),
    )
    return table


def _page(add_form=None, status=200, extra=()):
    _, form, comparison = _chosen(request.args)
    add_form = add_form or AddCouncilForm()
    errors = wtforms_errors(add_form)["errorList"] + wtforms_errors(form)["errorList"]
    errors += list(extra)
    return render_template(
        "reports/benchmarking.html",
        form=form,
        add_form=add_form,
        refresh_form=RefreshForm(),
        errors=errors,
        comparison=comparison,
        chart=_chart(comparison) if comparison else None,
        councils=figures.councils(get_session()),
        show=_show,
        year_label=lambda y: FinancialYear(y).label,
        council_name=_council_name(),
        download_url=lambda fmt: url_for(
            "benchmarks.download",
            measure=comparison.measure.key,
            year=comparison.start_year,
            format=fmt,
        ),
    ), (400 if errors and status == 200 else status)


@benchmarks.get("/benchmarking")
def index():
    _only_the_unit()
    return _page()


@benchmarks.get("/benchmarking/download", endpoint="download")
def download_comparison():
    _only_the_unit()
    fmt = request.args.get("format", "csv")
    _, form, comparison = _chosen(request.args)
    if fmt not in FORMATS or comparison is None:
        return _page()
    return download(_table(comparison), fmt, "eia-practice-comparison")


def _key_for(form, url: str | None) -> tuple[str, str]:
    from eia.standard import compare as feeds  # (cryptography, jsonschema: when used)

    typed = (form.public_key.data or "").strip()
    if typed:
        return feeds.public_key_text(typed), "given"
    if not url:
        raise feeds.FeedProblem(
            "Enter the council's public key: a file's signature can only be checked against "
            "the key the council publishes"
        )
    return feeds.public_key_text(feeds.fetch(feeds.key_url(url))), "fetched"


def _read_upload(upload) -> bytes:
    from eia.standard import compare as feeds  # (cryptography, jsonschema: when used)

    raw = upload.read(feeds.MAX_BYTES + 1) if hasattr(upload, "read") else b""
    if len(raw) > feeds.MAX_BYTES:
        raise feeds.FeedProblem("The file must be smaller than 2 MB")
    return raw


@benchmarks.post("/benchmarking/councils")
def add_council():
    _only_the_unit()
    from eia.standard import compare as feeds  # (cryptography, jsonschema: when used)

    db = get_session()
    form = AddCouncilForm()
    if not form.validate_on_submit():
        return _page(form)
    url = form.feed_url.data or None
    upload = form.file.data
    try:
        if url:
            url = feeds.check_address(url)
            body = feeds.fetch(url)
        elif upload:
            body, url = _read_upload(upload), None
        else:
            raise feeds.FeedProblem("Enter the address of the council's feed, or choose a file")
        if not body:
            raise feeds.FeedProblem("The file is empty: choose the council's feed")
        key, source = _key_for(form, url)
        feed = feeds.check(feeds.parse(body), key)
        if figures.council_named(db, feed["council"]["name"]) is not None:
            raise feeds.FeedProblem(
                f"{feed['council']['name']} is in the comparison already: refresh it instead"
            )
    except feeds.FeedProblem as problem:
        target = form.feed_url if url else form.file
        if "public key" in str(problem) and not url and upload:
            target = form.public_key
        target.errors = [*target.errors, str(problem)]
        return _page(form)
    council = admin_ops.add_benchmark_council(
        db, _me(), feed, public_key=key, key_source=source, feed_url=url
    )
    db.commit()
    flash(f"{council.name} added to the comparison", "success")
    return redirect(url_for("benchmarks.index"))


@benchmarks.post("/benchmarking/councils/<int:council_id>/refresh")
def refresh(council_id: int):
    _only_the_unit()
    from eia.standard import compare as feeds  # (cryptography, jsonschema: when used)

    db = get_session()
    council = figures.council(db, council_id)
    if council is None or not council.feed_url:
        return _page(status=404)
    if not RefreshForm().validate_on_submit():
        return redirect(url_for("benchmarks.index"))
    try:
        feed = feeds.check(feeds.parse(feeds.fetch(council.feed_url)), council.public_key)
        if feed["council"]["name"] != council.name:
            raise feeds.FeedProblem(
                f"The feed is now {feed['council']['name']}'s, not {council.name}'s"
            )
    except feeds.FeedProblem as problem:
        admin_ops.refresh_benchmark_council(db, _me(), council, error=str(problem))
        db.commit()
        text = f"{council.name} could not be refreshed: {problem} The last good copy is kept."
        return _page(extra=[{"text": text, "href": f"#council-{council.id}"}])
    years = admin_ops.refresh_benchmark_council(db, _me(), council, feed)
    db.commit()
    flash(
        f"{council.name} refreshed: {len(years)} year{'' if len(years) == 1 else 's'} kept",
        "success",
    )
    return redirect(url_for("benchmarks.index"))

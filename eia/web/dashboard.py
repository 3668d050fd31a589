"""The Policy and Equality Unit's dashboard: the figures, the list behind each figure, the
cumulative impact on one group, and each table as CSV or XLSX. Equality officers and
administrators only. The figures are worked out in ``eia.reporting``; this module reads the
filters, draws the charts and hands tables to ``eia.exports.tables.download``."""

from flask import Blueprint, current_app, render_template, request, url_for
from flask_login import current_user
from sqlmodel import select

from eia.capabilities import Capability, may
from eia.db import get_session
from eia.exports.tables import FORMATS, download
from eia.models import Characteristic, london_date, utcnow
from eia.models.enums import OUTCOME_LABELS, Outcome
from eia.reporting import figures
from eia.reporting.cumulative import WARNING_AT, cumulative_impact, decision_rounds
from eia.reporting.drilldown import BadFigure, drilldown
from eia.reporting.filters import Options, Parsed, filter_options, parse_filters, parse_period
from eia.reporting.quality import FLAGS, flags_for
from eia.reporting.stages import STAGES
from eia.reporting.tables import (
    TABLES,
    cumulative_table,
    drilldown_table,
    flag_unit,
    percent,
    review_rows,
)
from workflows.lifecycle import STATES

from .auth import forbid_unless
from .charts import BAND_SERIES, bar_chart

dashboard = Blueprint("dashboard", __name__)

STATE_LABELS = {s.name: s.label for s in STATES}


def _only_the_unit() -> None:
    forbid_unless(may(current_user, Capability.dashboard))


def _plural(n, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


@dashboard.app_template_global("quality_flags")
def eia_quality_flags(eia):
    """The quality flags one EIA raises (for templates/partials/quality_flags.html)."""
    return flags_for(get_session(), eia.id, london_date(utcnow()))


def _format_asked() -> str | None:
    return request.args.get("format") or None


def _bad_format(fmt) -> bool:
    return fmt is not None and fmt not in FORMATS


# --- the dashboard ---------------------------------------------------------------------------

@dashboard.get("/dashboard")
def index():
    _only_the_unit()
    session, today = get_session(), london_date(utcnow())
    options = filter_options(session, today)
    parsed = parse_filters(request.args, options)
    fmt, table = _format_asked(), request.args.get("table")
    if parsed.ok and (fmt or table) and (_bad_format(fmt) or table not in TABLES):
        parsed.errors.append(("filters", "The download asked for does not exist: choose CSV "
                                         "or XLSX under one of the tables"))
    if not parsed.ok:
        return _page(parsed, options, None), 400
    d = figures.dashboard(session, parsed.filters, today)
    if fmt or table:
        return download(TABLES[table](d), fmt, f"eia-dashboard-{table}")
    return _page(parsed, options, d)


# The table by directorate and quarter shows the latest quarters on the page (over ten years
# of a large council it has thousands of rows: half the page's time, and no one reads them
# there); a filter reaches any other quarter, and the download has them all.
RECENT_QUARTERS = 8


def _recent_completion(d) -> tuple[list, int, int]:
    """The rows of the latest ``RECENT_QUARTERS`` quarters (and the rows of approvals with
    no decision date, which have no quarter), how many quarters they cover, and how many
    quarters in all."""
    quarters = sorted({c.quarter for c in d.completion if c.quarter is not None})
    shown = set(quarters[-RECENT_QUARTERS:])
    return ([c for c in d.completion if c.quarter is None or c.quarter in shown], len(shown),
            len(quarters))


def _page(parsed: Parsed, options: Options, d):
    return render_template(
        "dashboard/index.html", parsed=parsed, options=options, d=d,
        recent=_recent_completion(d) if d is not None else ([], 0, 0),
        charts=_charts(d) if d is not None else {}, flags=FLAGS, stages=STAGES,
        outcomes=[(o.value, OUTCOME_LABELS[o]) for o in Outcome], state_labels=STATE_LABELS,
        drill=_drill_links(parsed), download_url=_download_links(parsed), percent=percent,
        review_rows=review_rows, flag_unit=flag_unit,
        warning_at=_warning_at())


def _drill_links(parsed: Parsed):
    def drill(figure: str, **own) -> str:
        return url_for("dashboard.drilldown", **parsed.filters.args(), figure=figure,
                       **{k: v for k, v in own.items() if v is not None})
    return drill


def _download_links(parsed: Parsed):
    def download_url(table: str, fmt: str) -> str:
        return url_for("dashboard.index", **parsed.filters.args(), table=table, format=fmt)
    return download_url


def _charts(d) -> dict:
    completion = [(c.quarter.label, {"value": (c.rate or 0) * 100},
                   f"{c.rate_text} on time ({c.on_time} of {c.due} due)" if c.due
                   else "no decision due yet")
                  for c in d.completion_by_quarter if c.quarter is not None]
    stages = [(STATE_LABELS[s], {"value": d.stages[s].median_days or 0},
               f"{d.stages[s].median_days:.1f} days ({_plural(d.stages[s].spells, 'spell')})"
               if d.stages[s].spells else "no finished spell")
              for s in STAGES]
    negative = [(row.name, row.by_band, ", ".join(
        f"{row.by_band[s.key]} {s.label.lower()}" for s in BAND_SERIES if row.by_band[s.key])
                 + f" ({row.total} in all)") for row in d.negative_impacts]
    return {
        "completion": bar_chart("chart-completion", "Completion rate by quarter of the "
                                "decision date", completion,
                                empty="No EIA has a decision date in these filters."),
        "states": bar_chart("chart-states", "EIAs in each state", [
            (s.label, {"value": d.states.get(s.name, 0)},
             _plural(d.states.get(s.name, 0), "EIA")) for s in STATES]),
        "stages": bar_chart("chart-stages", "Median days spent in each stage", stages),
        "outcomes": bar_chart("chart-outcomes", "EIAs by outcome", [
            (f"Outcome {o.value}", {"value": d.outcomes[o.value]},
             _plural(d.outcomes[o.value], "EIA")) for o in Outcome]),
        "negative": bar_chart("chart-negative", "Negative impacts after mitigation by "
                              "characteristic and band", negative, BAND_SERIES,
                              empty="No signed-off EIA has a negative impact in these filters."),
    }


# --- the list behind a figure -----------------------------------------------------------------

@dashboard.get("/dashboard/eias", endpoint="drilldown")
def drilldown_page():
    _only_the_unit()
    session, today = get_session(), london_date(utcnow())
    options = filter_options(session, today)
    parsed = parse_filters(request.args, options)
    fmt = _format_asked()
    if _bad_format(fmt):
        parsed.errors.append(("figure", "Choose CSV or XLSX to download the list"))
    found = None
    if parsed.ok:
        try:
            found = drilldown(session, parsed.filters, request.args, today)
        except BadFigure as bad:
            parsed.errors.append((bad.field, bad.message))
    if found is None:
        parsed.errors[:] = [("figure", message) for _, message in parsed.errors]
        return render_template("dashboard/drilldown.html", parsed=parsed, options=options,
                               found=None, state_labels=STATE_LABELS), 400
    if fmt:
        return download(drilldown_table(found), fmt, f"eia-dashboard-{found.args['figure']}")
    return render_template(
        "dashboard/drilldown.html", parsed=parsed, options=options, found=found,
        state_labels=STATE_LABELS,
        download_url=lambda f: url_for("dashboard.drilldown", **parsed.filters.args(),
                                       **found.args, format=f),
        back=url_for("dashboard.index", **parsed.filters.args()))



# --- cumulative impact ------------------------------------------------------------------------

def _warning_at() -> int:
    return int(current_app.config.get("CUMULATIVE_IMPACT_WARNING_AT", WARNING_AT))


@dashboard.get("/dashboard/cumulative")
def cumulative():
    _only_the_unit()
    session = get_session()
    characteristics = session.exec(select(Characteristic.id, Characteristic.name)
                                   .order_by(Characteristic.position, Characteristic.id)).all()
    names = dict(characteristics)
    rounds = decision_rounds(session)
    args = request.args
    submitted = any(k != "format" for k in args)
    errors: list[tuple[str, str]] = []
    chosen = []
    for raw in args.getlist("characteristic"):
        raw = raw.strip()
        if not raw.isdigit() or len(raw) > 9 or int(raw) not in names:
            errors.append(("characteristic", "Choose characteristics from the list"))
            break
        if int(raw) not in chosen:
            chosen.append(int(raw))
    if submitted and not chosen and not errors:
        errors.append(("characteristic", "Choose at least one characteristic: several make "
                                         "an intersectional group"))
    decision_round = (args.get("round") or "").strip() or None
    if decision_round and decision_round not in rounds:
        errors.append(("round", "Choose a decision round from the list"))
    date_from, date_to, quarter = parse_period(args, errors)
    fmt = _format_asked()
    if _bad_format(fmt):
        errors.append(("characteristic", "Choose CSV or XLSX to download the list"))
    if quarter is not None and not errors:
        date_from, date_to = quarter.first_day, quarter.last_day
    group = " and ".join(names[c] for c in chosen)
    result = None
    if submitted and not errors:
        result = cumulative_impact(session, chosen, date_from=date_from, date_to=date_to,
                                   decision_round=decision_round, warning_at=_warning_at())
        if fmt:
            return download(cumulative_table(result, group), fmt, "eia-cumulative-impact")
    values = {k: args.get(k, "") for k in args}
    scope = _scope_words(decision_round, date_from, date_to, quarter)
    return render_template(
        "dashboard/cumulative.html", characteristics=characteristics,
        round_choices=[(r, r) for r in rounds],
        quarter_choices=filter_options(session, london_date(utcnow())).quarter_choices,
        chosen=chosen, errors=errors, values=values, result=result, group=group, scope=scope,
        warning_at=_warning_at(), state_labels=STATE_LABELS,
        download_url=lambda f: url_for("dashboard.cumulative", **{
            k: v for k, v in args.to_dict(flat=False).items() if k != "format"}, format=f),
    ), 400 if errors else 200


def _scope_words(decision_round, date_from, date_to, quarter) -> str:
    from eia.dates import long_date

    parts = []
    if decision_round:
        parts.append(f"the decision round “{decision_round}”")
    if quarter is not None:
        parts.append(f"decisions in {quarter.long_label}")
    elif date_from and date_to:
        parts.append(f"decisions from {long_date(date_from)} to {long_date(date_to)}")
    elif date_from:
        parts.append(f"decisions from {long_date(date_from)}")
    elif date_to:
        parts.append(f"decisions up to {long_date(date_to)}")
    return ", ".join(parts) or "all signed-off decisions"


@dashboard.app_template_filter("error_link")
def error_link(error: tuple[str, str]) -> dict:
    """(field id, message) as an item of a GOV.UK error summary."""
    field_id, message = error
    return {"text": message, "href": f"#{field_id}"}

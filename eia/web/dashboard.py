"""The Policy and Equality Unit's dashboard: the figures, the list behind each figure, the
cumulative impact on one group, and each table as CSV or XLSX. Equality officers and
administrators only. The figures are worked out in ``eia.reporting``; this module reads the
filters, draws the charts and hands tables to ``eia.exports.tables.download``."""

from urllib.parse import urlencode

from flask import Blueprint, current_app, render_template, request, url_for
from flask_login import current_user
from govuk_frontend_wtf.main import wtforms_errors

from eia.capabilities import Capability, may
from eia.db import get_session
from eia.exports.tables import FORMATS, download
from eia.models import london_date, utcnow
from eia.models.enums import OUTCOME_LABELS, Outcome
from eia.reporting import figures
from eia.reporting.cumulative import (
    WARNING_AT,
    characteristic_choices,
    cumulative_impact,
    decision_rounds,
)
from eia.reporting.drilldown import BadFigure, drilldown
from eia.reporting.filters import Filters, filter_options
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
from eia.words import plural
from forms.dashboard import CumulativeForm, DashboardFilterForm
from workflows.lifecycle import STATES

from .auth import forbid_unless
from .charts import BAND_SERIES, bar_chart

dashboard = Blueprint("dashboard", __name__)

STATE_LABELS = {s.name: s.label for s in STATES}


def _only_the_unit() -> None:
    forbid_unless(may(current_user, Capability.dashboard))


@dashboard.app_template_global("quality_flags")
def eia_quality_flags(eia):
    """The quality flags one EIA raises (for templates/partials/quality_flags.html)."""
    return flags_for(get_session(), eia.id, london_date(utcnow()))


def _format_asked() -> str | None:
    return request.args.get("format") or None


def _bad_format(fmt) -> bool:
    return fmt is not None and fmt not in FORMATS


def _errors(form, *extra: tuple[str, str]) -> list[dict]:
    """The error summary's items: each field's first problem, linked to its box, then the
    problems of the address (``extra``: the id each links to, the words)."""
    return wtforms_errors(form)["errorList"] + [
        {"text": text, "href": f"#{to}"} for to, text in extra
    ]


def _filter_form() -> DashboardFilterForm:
    options = filter_options(get_session(), london_date(utcnow()))
    return DashboardFilterForm(request.args, options=options)


# --- the dashboard ---------------------------------------------------------------------------


@dashboard.get("/dashboard")
def index():
    _only_the_unit()
    session, today = get_session(), london_date(utcnow())
    form = _filter_form()
    if not form.validate():
        return _page(form, Filters(), None, _errors(form)), 400
    filters = form.criteria()
    fmt, table = _format_asked(), request.args.get("table")
    if (fmt or table) and (_bad_format(fmt) or table not in TABLES):
        return _page(
            form,
            filters,
            None,
            _errors(
                form,
                (
                    "filters",
                    "The download asked for does not exist: choose CSV or XLSX under one "
                    "of the tables",
                ),
            ),
        ), 400
    d = figures.dashboard(session, filters, today)
    if fmt or table:
        return download(TABLES[table](d), fmt, f"eia-dashboard-{table}")
    return _page(form, filters, d, [])


# The characters werkzeug leaves as they are in a query (https://url.spec.whatwg.org/).
_QUERY_SAFE = "!$'()*,/:;?@"

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
    return (
        [c for c in d.completion if c.quarter is None or c.quarter in shown],
        len(shown),
        len(quarters),
    )


def _page(form: DashboardFilterForm, filters: Filters, d, errors: list[dict]):
    return render_template(
        "dashboard/index.html",
        form=form,
        errors=errors,
        d=d,
        recent=_recent_completion(d) if d is not None else ([], 0, 0),
        charts=_charts(d) if d is not None else {},
        flags=FLAGS,
        stages=STAGES,
        outcomes=[(o.value, OUTCOME_LABELS[o]) for o in Outcome],
        state_labels=STATE_LABELS,
        drill=_drill_links(filters),
        download_url=_download_links(filters),
        percent=percent,
        review_rows=review_rows,
        flag_unit=flag_unit,
        warning_at=_warning_at(),
    )


def _drill_links(filters: Filters):
    """The link to the list behind a figure. The page has thousands of them on a large
    council (a number in each cell of the completion table): the drill-down's address is
    built once and each link adds its query, as ``url_for`` would write it (``url_for`` for
    each took over half the page's time at 100,000 EIAs)."""
    base, args = url_for("dashboard.drilldown"), filters.args()

    def drill(figure: str, **own) -> str:
        query = {**args, "figure": figure, **{k: v for k, v in own.items() if v is not None}}
        return f"{base}?{urlencode(list(query.items()), safe=_QUERY_SAFE)}"

    return drill


def _download_links(filters: Filters):
    def download_url(table: str, fmt: str) -> str:
        return url_for("dashboard.index", **filters.args(), table=table, format=fmt)

    return download_url


def _charts(d) -> dict:
    completion = [
        (
            c.quarter.label,
            {"value": (c.rate or 0) * 100},
            f"{c.rate_text} on time ({c.on_time} of {c.due} due)"
            if c.due
            else "no decision due yet",
        )
        for c in d.completion_by_quarter
        if c.quarter is not None
    ]
    stages = [
        (
            STATE_LABELS[s],
            {"value": d.stages[s].median_days or 0},
            f"{d.stages[s].median_days:.1f} days ({plural(d.stages[s].spells, 'spell')})"
            if d.stages[s].spells
            else "no finished spell",
        )
        for s in STAGES
    ]
    negative = [
        (
            row.name,
            row.by_band,
            ", ".join(
                f"{row.by_band[s.key]} {s.label.lower()}" for s in BAND_SERIES if row.by_band[s.key]
            )
            + f" ({row.total} in all)",
        )
        for row in d.negative_impacts
    ]
    return {
        "completion": bar_chart(
            "chart-completion",
            "Completion rate by quarter of the decision date",
            completion,
            empty="No EIA has a decision date in these filters.",
        ),
        "states": bar_chart(
            "chart-states",
            "EIAs in each state",
            [
                (
                    s.label,
                    {"value": d.states.get(s.name, 0)},
                    plural(d.states.get(s.name, 0), "EIA"),
                )
                for s in STATES
            ],
        ),
        "stages": bar_chart("chart-stages", "Median days spent in each stage", stages),
        "outcomes": bar_chart(
            "chart-outcomes",
            "EIAs by outcome",
            [
                (
                    f"Outcome {o.value}",
                    {"value": d.outcomes[o.value]},
                    plural(d.outcomes[o.value], "EIA"),
                )
                for o in Outcome
            ],
        ),
        "negative": bar_chart(
            "chart-negative",
            "Negative impacts after mitigation by characteristic and band",
            negative,
            BAND_SERIES,
            empty="No signed-off EIA has a negative impact in these filters.",
        ),
    }


# --- the list behind a figure -----------------------------------------------------------------


@dashboard.get("/dashboard/eias", endpoint="drilldown")
def drilldown_page():
    """The list behind a figure: the page has no form, so every problem (in the filters,
    the figure or the format the link names) links to the words under its heading."""
    _only_the_unit()
    form = _filter_form()
    found, problems = None, []
    if not form.validate():
        problems = [e["text"] for e in _errors(form)]
    elif _bad_format(_format_asked()):
        problems = ["Choose CSV or XLSX to download the list"]
    else:
        try:
            found = drilldown(get_session(), form.criteria(), request.args, london_date(utcnow()))
        except BadFigure as bad:
            problems = [bad.message]
    if found is None:
        return render_template(
            "dashboard/drilldown.html",
            found=None,
            filtered=False,
            errors=[{"text": p, "href": "#figure"} for p in problems],
        ), 400
    filters, fmt = form.criteria(), _format_asked()
    if fmt:
        return download(drilldown_table(found), fmt, f"eia-dashboard-{found.args['figure']}")
    return render_template(
        "dashboard/drilldown.html",
        found=found,
        filtered=filters.active,
        errors=[],
        download_url=lambda f: url_for(
            "dashboard.drilldown", **filters.args(), **found.args, format=f
        ),
        back=url_for("dashboard.index", **filters.args()),
    )


# --- cumulative impact ------------------------------------------------------------------------


def _warning_at() -> int:
    return int(current_app.config.get("CUMULATIVE_IMPACT_WARNING_AT", WARNING_AT))


@dashboard.get("/dashboard/cumulative")
def cumulative():
    _only_the_unit()
    session = get_session()
    characteristics = characteristic_choices(session)
    form = CumulativeForm(
        request.args,
        options=filter_options(session, london_date(utcnow())),
        characteristics=characteristics,
        rounds=decision_rounds(session),
        submitted=any(k != "format" for k in request.args),
    )
    fmt = _format_asked()
    form.validate()  # the problems are in the form's errors
    errors = _errors(
        form,
        *(
            [("characteristic", "Choose CSV or XLSX to download the list")]
            if _bad_format(fmt)
            else []
        ),
    )
    result, group, scope = None, "", ""
    if form.submitted and not errors:
        chosen, quarter = form.chosen(), form.chosen_quarter()
        date_from, date_to = (
            (quarter.first_day, quarter.last_day)
            if quarter is not None
            else (form.date_from.data, form.date_to.data)
        )
        names = dict(characteristics)
        group = " and ".join(names[c] for c in chosen)
        scope = _scope_words(form.round.data, date_from, date_to, quarter)
        result = cumulative_impact(
            session,
            chosen,
            date_from=date_from,
            date_to=date_to,
            decision_round=form.round.data or None,
            warning_at=_warning_at(),
        )
        if fmt:
            return download(cumulative_table(result, group), fmt, "eia-cumulative-impact")
    return render_template(
        "dashboard/cumulative.html",
        form=form,
        errors=errors,
        result=result,
        group=group,
        scope=scope,
        warning_at=_warning_at(),
        state_labels=STATE_LABELS,
        download_url=lambda f: url_for(
            "dashboard.cumulative",
            **{k: v for k, v in request.args.to_dict(flat=False).items() if k != "format"},
            format=f,
        ),
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

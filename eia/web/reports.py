"""The Policy and Equality Unit's two questions and the annual equality report, for one
financial year: "Which directorates sign off late?" (``/dashboard/late-sign-off``), "Which
groups keep getting hit?" (``/dashboard/groups``) and the annual report
(``/reports/annual?year=2025``, also as Word, CSV and XLSX), with the list behind every
number (``/reports/annual/list``). Equality officers and administrators only, as the
dashboard. The figures are worked out in ``eia.reporting.annual``; this module reads the
year, draws the charts and lays out the downloads."""

from flask import Blueprint, Response, current_app, render_template, request, url_for
from flask_login import current_user
from govuk_frontend_wtf.main import wtforms_errors

from eia.capabilities import Capability, may
from eia.db import get_session
from eia.exports.annual_docx import DocSection, DocTable, annual_docx
from eia.exports.tables import FORMATS, download
from eia.models import london_date, utcnow
from eia.models.enums import OUTCOME_LABELS, Outcome
from eia.reporting.annual import DEFINITIONS, BadCell, annual_report, cell_list
from eia.reporting.annual_tables import annual_table
from eia.reporting.cumulative import WARNING_AT, decision_rounds
from eia.reporting.filters import filter_options
from eia.reporting.groups import BAND_KEYS, BAND_LABELS
from eia.reporting.late_signoff import SMALL, SORTS
from eia.reporting.quality import EIA_FLAGS
from eia.reporting.tables import days, drilldown_table, percent
from eia.reporting.years import FinancialYear
from forms.dashboard import GroupsForm, LateSignOffForm, YearForm, year_choices

from .auth import forbid_unless
from .charts import BAND_SERIES, bar_chart

reports = Blueprint("reports", __name__)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _only_the_unit() -> None:
    forbid_unless(may(current_user, Capability.dashboard))


def _warning_at() -> int:
    return int(current_app.config.get("CUMULATIVE_IMPACT_WARNING_AT", WARNING_AT))


def _years(today) -> tuple[list[tuple[str, str]], FinancialYear]:
    options = filter_options(get_session(), today)
    earliest = options.quarters[-1].start_year if options.quarters else None
    current = FinancialYear.of(today)
    return year_choices(earliest, current.start_year), current


def _errors(form, *extra: str) -> list[dict]:
    return wtforms_errors(form)["errorList"] + [{"text": t, "href": "#year"} for t in extra]


def _report(year: FinancialYear, today, decision_round: str | None = None):
    return annual_report(
        get_session(), year, today, warning_at=_warning_at(), decision_round=decision_round
    )


def _groups_form(years) -> GroupsForm:
    return GroupsForm(request.args, years=years, rounds=decision_rounds(get_session()))


def _linker(year: FinancialYear, decision_round: str | None = None):
    def cell_url(key: str, fmt: str | None = None) -> str:
        extra = {"format": fmt} if fmt else {}
        if decision_round and key.startswith("round."):
            extra["round"] = decision_round
        return url_for("reports.annual_list", year=year.value, cell=key, **extra)

    return cell_url


def _common(form, errors, report, **more) -> dict:
    return dict(
        form=form,
        errors=errors,
        r=report,
        cell_url=_linker(report.year, report.round and report.round.decision_round)
        if report
        else None,
        definitions=DEFINITIONS,
        percent=percent,
        days=days,
        small=SMALL,
        band_keys=BAND_KEYS,
        band_labels=BAND_LABELS,
        outcomes=[(o.value, OUTCOME_LABELS[o]) for o in Outcome],
        eia_flags=EIA_FLAGS,
        **more,
    )


# --- "Which directorates sign off late?" ------------------------------------------------------


@reports.get("/dashboard/late-sign-off")
def late_signoff():
    _only_the_unit()
    today = london_date(utcnow())
    years, current = _years(today)
    form = LateSignOffForm(request.args, years=years, sorts=SORTS)
    if not form.validate():
        return render_template(
            "reports/late_signoff.html", **_common(form, _errors(form), None)
        ), 400
    report = _report(form.chosen_year(current), today)
    sort, order = form.sort.data or "directorate", form.order.data or "asc"
    rows = report.late.sorted_rows(sort, descending=order == "desc")
    return render_template(
        "reports/late_signoff.html",
        **_common(
            form,
            [],
            report,
            rows=rows,
            sort=sort,
            order=order,
            sorts=SORTS,
            sort_url=lambda key: url_for(
                "reports.late_signoff",
                year=report.year.value,
                sort=key,
                order="desc" if key == sort and order == "asc" else "asc",
            ),
            chart=_late_chart(report),
        ),
    )


def _late_chart(report):
    rows = []
    for row in report.late.rows:
        c, last = row.this, row.last
        if not c.due:
            continue
        text = f"{c.rate_text} on time ({c.on_time} of {c.due} due)" if not c.small else c.rate_text
        if last.due:
            text += f"; last year {round(last.rate * 100)}%"
        rows.append((row.directorate, {"value": c.rate * 100}, text))
    return bar_chart(
        "chart-late",
        f"Decisions signed off on time by directorate, {report.year.label}",
        rows,
        empty="No decision was due in this year.",
    )


# --- "Which groups keep getting hit?" ---------------------------------------------------------


@reports.get("/dashboard/groups")
def groups():
    _only_the_unit()
    today = london_date(utcnow())
    years, current = _years(today)
    form = _groups_form(years)
    if not form.validate():
        return render_template("reports/groups.html", **_common(form, _errors(form), None)), 400
    report = _report(form.chosen_year(current), today, form.chosen_round())
    return render_template(
        "reports/groups.html", **_common(form, [], report, chart=_groups_chart(report))
    )


def _groups_chart(report):
    year = report.year
    rows = []
    for row in report.groups.rows:
        counts = row.of(year)
        if not counts.negative:
            continue
        words = ", ".join(
            f"{counts.by_band[s.key]} {s.label.lower()}"
            for s in BAND_SERIES
            if counts.by_band[s.key]
        )
        rows.append((row.name, dict(counts.by_band), f"{words} ({counts.negative} decisions)"))
    return bar_chart(
        "chart-groups",
        f"Signed-off decisions with a negative impact after mitigation, by group, {year.label}",
        rows,
        BAND_SERIES,
        empty="No signed-off decision found a negative impact in this year.",
    )


# --- the annual report ------------------------------------------------------------------------


ANNUAL_FORMATS = {"docx", *FORMATS}


@reports.get("/reports/annual")
def annual():
    _only_the_unit()
    today = london_date(utcnow())
    years, current = _years(today)
    form = YearForm(request.args, years=years)
    fmt = request.args.get("format") or None
    problems = (
        []
        if fmt is None or fmt in ANNUAL_FORMATS
        else ["Choose Word, CSV or XLSX to download the report"]
    )
    if not form.validate() or problems:
        return render_template(
            "reports/annual.html", **_common(form, _errors(form, *problems), None)
        ), 400
    report = _report(form.chosen_year(current.previous()), today)
    if fmt == "docx":
        body = annual_docx(*_document(report))
        return Response(
            body,
            mimetype=DOCX,
            headers={
                "Content-Disposition": (
                    f'attachment; filename="eia-annual-report-{report.year.value}.docx"'
                ),
                "Cache-Control": "no-store",
            },
        )
    if fmt:
        return download(annual_table(report), fmt, f"eia-annual-report-{report.year.value}")
    return render_template(
        "reports/annual.html",
        **_common(
            form,
            [],
            report,
            rows=report.late.sorted_rows("directorate"),
            late_chart=_late_chart(report),
            chart=_groups_chart(report),
            download_url=lambda f: url_for("reports.annual", year=report.year.value, format=f),
        ),
    )


@reports.get("/reports/annual/list", endpoint="annual_list")
def annual_list():
    """The list behind a number of the report (or of either question's page)."""
    _only_the_unit()
    today = london_date(utcnow())
    years, current = _years(today)
    form = _groups_form(years)
    fmt = request.args.get("format") or None
    found, problems = None, []
    if not form.validate():
        problems = [e["text"] for e in _errors(form)]
    elif fmt is not None and fmt not in FORMATS:
        problems = ["Choose CSV or XLSX to download the list"]
    elif not (request.args.get("cell") or "").strip():
        problems = ["Choose a number on the annual report: the link you followed names none"]
    else:
        report = _report(form.chosen_year(current.previous()), today, form.chosen_round())
        try:
            found = cell_list(get_session(), report, request.args["cell"].strip())
        except BadCell as bad:
            problems = [str(bad)]
    if found is None:
        return render_template(
            "dashboard/drilldown.html",
            found=None,
            filtered=False,
            errors=[{"text": p, "href": "#figure"} for p in problems],
            back=url_for("reports.annual"),
            back_words="Annual equality report",
        ), 400
    if fmt:
        return download(drilldown_table(found), fmt, "eia-annual-report-list")
    return render_template(
        "dashboard/drilldown.html",
        found=found,
        filtered=False,
        errors=[],
        download_url=lambda f: url_for(
            "reports.annual_list",
            year=report.year.value,
            cell=found.args["cell"],
            format=f,
            **({"round": form.chosen_round()} if form.chosen_round() else {}),
        ),
        back=url_for("reports.annual", year=report.year.value),
        back_words="Annual equality report",
    )


# --- the Word document ------------------------------------------------------------------------


def _document(report) -> tuple[str, list[str], list[DocSection]]:
    """The report's words and tables, as the page says them."""
    y = report.year
    title = f"Equality Impact Assessments: annual report {y.label}"
    intro = [
        f"This report covers the financial year {y.long_label}. It is the Equality Impact "
        "Assessment (EIA) part of the council's annual report under the Public Sector Equality "
        "Duty (section 149 of the Equality Act 2010).",
        DEFINITIONS["decisions"],
        f"Figures as of {report.today.day} {report.today:%B %Y}.",
    ]
    rows = report.directorates + [report.total]
    sections = [
        DocSection(
            "EIAs screened, fully assessed and signed off",
            [DEFINITIONS[k] for k in ("screened_out", "fully_assessed", "approved", "published")],
            [
                DocTable(
                    f"EIAs by directorate, {y.label}",
                    [
                        "Directorate",
                        "Decisions",
                        "Screened out",
                        "Fully assessed",
                        "Signed off",
                        "On the public register",
                    ],
                    [
                        [
                            r.directorate,
                            r.decisions,
                            r.screened_out,
                            r.fully_assessed,
                            r.approved,
                            _share(r.published, r.approved),
                        ]
                        for r in rows
                    ],
                )
            ],
        ),
        DocSection(
            "Signed off before the decision",
            [
                DEFINITIONS["completion"],
                f"Rates from fewer than {SMALL} decisions are shown with "
                "their counts: too few to compare.",
            ],
            [
                DocTable(
                    f"Completion by directorate, {y.label} and {y.previous().label}",
                    [
                        "Directorate",
                        "Due",
                        "On time",
                        "Late",
                        "Missed",
                        "No decision date recorded",
                        "Completion rate",
                        f"Rate in {y.previous().label}",
                        "Change",
                    ],
                    [
                        [
                            row.directorate,
                            row.this.due,
                            row.this.on_time,
                            row.this.late,
                            row.this.missed,
                            row.this.no_date,
                            row.this.rate_text,
                            row.last.rate_text,
                            row.change_text,
                        ]
                        for row in [*report.late.sorted_rows("directorate"), report.late.total]
                    ],
                )
            ],
        ),
        DocSection(
            "Before and at the time of the decision",
            [DEFINITIONS[k] for k in ("started", "signed", "started_after")],
            [
                DocTable(
                    f"Before and at the time, {y.label}",
                    [
                        "Directorate",
                        "Median working days started before",
                        "Median working days signed off before",
                        "Started after the decision date",
                    ],
                    [
                        [
                            row.directorate,
                            _days(row.time.median_started),
                            _days(row.time.median_signed),
                            _share(row.time.started_after, len(row.time.started)),
                        ]
                        for row in [*report.late.sorted_rows("directorate"), report.late.total]
                    ],
                )
            ],
        ),
        DocSection(
            "Reviews and action plans",
            [DEFINITIONS["reviews"], DEFINITIONS["actions"]],
            [
                DocTable(
                    f"Reviews and actions by directorate, {y.label}",
                    [
                        "Directorate",
                        "Reviews done",
                        "Reviews done on time",
                        "Actions due",
                        "Actions delivered on time",
                    ],
                    [
                        [
                            r.directorate,
                            r.reviews_done,
                            r.reviews_on_time,
                            r.actions_due,
                            _share(r.actions_delivered, r.actions_due),
                        ]
                        for r in rows
                    ],
                )
            ],
        ),
        _groups_section(report),
        DocSection(
            "Outcomes and what changed",
            [DEFINITIONS["outcomes"], DEFINITIONS["changed"]],
            [
                DocTable(
                    f"Signed-off decisions by outcome, {y.label}",
                    ["Outcome", "Decisions"],
                    [[words, report.groups.outcomes[v]] for v, words in _outcome_words()],
                ),
                DocTable(
                    f"Proposals changed because of the assessment, {y.label}",
                    ["Changed", "Decisions"],
                    [
                        ["Adjusted (outcome 2)", report.groups.changed_outcome_2],
                        ["Engagement recorded what changed", report.groups.changed_engagement],
                        ["Either", report.groups.changed_either],
                    ],
                ),
            ],
        ),
        DocSection(
            "Quality flags",
            [DEFINITIONS["flags"]],
            [
                DocTable(
                    f"Quality flags, {y.label}",
                    ["Flag", "Number"],
                    [
                        [
                            "Signed off after the decision date (decisions)",
                            report.late.total.this.late,
                        ],
                        [
                            "Signed off with no decision date recorded (decisions)",
                            report.late.total.this.no_date,
                        ],
                        *[[f"{f.label} (EIAs)", report.flags[f.key]] for f in EIA_FLAGS],
                    ],
                )
            ],
        ),
    ]
    return title, intro, sections


def _groups_section(report) -> DocSection:
    y = report.year
    return DocSection(
        "Groups most often negatively affected, and what was done",
        [DEFINITIONS["groups"], DEFINITIONS["mitigated"], DEFINITIONS["cumulative"]],
        [
            DocTable(
                f"Signed-off decisions with a negative impact after mitigation, {y.label}",
                [
                    "Group",
                    *[f"Worst band {BAND_LABELS[b].lower()}" for b in reversed(BAND_KEYS)],
                    "All negative",
                    "Mitigation lowered a band",
                    "Positive",
                    "Cumulative impact",
                ],
                [
                    [
                        row.name,
                        *[row.of(y).by_band[b] for b in reversed(BAND_KEYS)],
                        row.of(y).negative,
                        row.of(y).mitigated,
                        row.of(y).positive,
                        "Hit by 2 or more decisions"
                        if row.of(y).negative >= report.groups.warning_at
                        else "",
                    ]
                    for row in report.groups.rows
                ],
            ),
            DocTable(
                "Signed-off decisions with a negative impact after mitigation, by year",
                ["Group", *[v.label for v in report.groups.years]],
                [
                    [row.name, *[row.of(v).negative for v in report.groups.years]]
                    for row in report.groups.rows
                ],
            ),
        ],
    )


def _outcome_words():
    return [(o.value, OUTCOME_LABELS[o]) for o in Outcome]


def _share(n: int, of: int) -> str:
    return f"{n} of {of} ({round(n / of * 100)}%)" if of else "None"


def _days(value) -> str:
    return "None" if value is None else f"{days(value)}"

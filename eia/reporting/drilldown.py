"""The list behind each figure of the dashboard: the same filters and the figure's own
condition (the functions in ``figures``, ``quality`` and ``stages``), so the list always has
as many entries as the figure says. One query per list.

A figure is named in the query string: ``figure=state&value=approved``,
``figure=completion&value=late&group=<directorate id>&fq=2026-Q1``,
``figure=negative_impacts&characteristic=<id>&band=high`` ... Each figure is a record of
``FIGURES``: its key, its title, its condition (the WHERE clause the dashboard counts) and
the unit it lists (``Unit``: one row per EIA, or per action, impact, spell in a stage or
decision, each with its EIA, and the columns shown for it); the decisions are the
completion figures and the flags about decisions: one per version of an EIA, so a revised
EIA can be listed once per version. ``drilldown`` looks the figure up and runs its query.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from eia.models import (
    ActionItem,
    Characteristic,
    Directorate,
    Eia,
    EiaDecision,
    ImpactAssessment,
    Service,
    StageSpell,
    as_utc,
    london_date,
)
from eia.models.enums import ACTION_STATUS_LABELS, OUTCOME_LABELS, Outcome
from eia.scoring import BANDS
from workflows.lifecycle import STATES

from .decisions import counted, decision_condition, decision_date, decision_quarter_key
from .figures import (
    NO_DATE_LABEL,
    eia_has_overdue_action,
    evidence_gap_condition,
    negative_impact_condition,
    overdue_action_condition,
    overdue_review_condition,
    residual_band,
    screening_condition,
)
from .filters import Filters, Quarter
from .quality import EIA_FLAGS, FLAGS, FLAGS_BY_KEY
from .stages import STAGES

STATE_LABELS = {s.name: s.label for s in STATES}
BAND_LABELS = {b.key: b.label for b in BANDS}

COMPLETION_WORDS = {
    "on_time": "signed off on or before the decision date",
    "late": "signed off after the decision date",
    "no_date": "signed off with no decision date recorded",
    "missed": "not signed off, decision date passed",
    "upcoming": "not signed off, decision still to come",
    "due": "due (signed off, or decision date passed)",
}
REVIEW_WORDS = {
    "past_date": "past their review date, review not started",
    "under_review": "under review and past their review date",
    "all": "with a review overdue",
}
SCREENING_WORDS = {
    "screened_out": "screened out (no full assessment)",
    "full_assessment": "that went into full assessment",
    "decided": "that finished screening",
}


class BadFigure(ValueError):
    """The figure asked for does not exist (shown to the person as an error)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass
class Entry:
    reference: str
    title: str
    status: str
    directorate: str
    service: str
    decision_date: date | None
    details: list = field(default_factory=list)  # the unit's own columns


@dataclass
class DrillDown:
    title: str
    unit: str  # "EIA", "decision", "action", "impact", "spell"
    detail_columns: list[str]
    entries: list[Entry]
    args: dict[str, str]  # the figure's own URL values (without the filters)

    @property
    def count(self) -> int:
        return len(self.entries)

    @property
    def unit_words(self) -> str:
        return self.unit if self.count == 1 else self.unit + "s"


# --- the units a list can count: what one row is, and its own columns ----------------------

_EIA_COLUMNS = (
    Eia.reference,
    Eia.title,
    Eia.status,
    Directorate.name.label("directorate"),
    Service.name.label("service"),
    Eia.decision_date,
)


def _eia_query(*columns):
    return (
        select(*_EIA_COLUMNS, *columns)
        .select_from(Eia)
        .join(Directorate, Directorate.id == Eia.directorate_id)
        .join(Service, Service.id == Eia.service_id)
    )


def _eias(filters: Filters, where: list):
    return _eia_query().where(filters.clause(), *where).order_by(Eia.reference)


def _decisions(filters: Filters, where: list):
    """One row per decision (a version of an EIA), in a period by its own date."""
    return (
        select(
            *_EIA_COLUMNS[:5],
            decision_date().label("decision_date"),
            EiaDecision.version,
            EiaDecision.signed_off_at,
        )
        .select_from(EiaDecision)
        .join(Eia, Eia.id == EiaDecision.eia_id)
        .join(Directorate, Directorate.id == Eia.directorate_id)
        .join(Service, Service.id == Eia.service_id)
        .where(filters.clause(decision_date=decision_date()), counted(), *where)
        .order_by(Eia.reference, EiaDecision.version)
    )


def _actions(filters: Filters, where: list):
    return (
        _eia_query(ActionItem.description, ActionItem.due_date, ActionItem.status)
        .join(ActionItem, ActionItem.eia_id == Eia.id)
        .where(filters.clause(), *where)
        .order_by(ActionItem.due_date, Eia.reference, ActionItem.id)
    )


def _impacts(extra):
    """One row per characteristic assessed, with ``extra`` (a column of the impact)."""

    def query(filters: Filters, where: list):
        return (
            _eia_query(Characteristic.name.label("characteristic"), extra.label("extra"))
            .join(ImpactAssessment, ImpactAssessment.eia_id == Eia.id)
            .join(Characteristic, Characteristic.id == ImpactAssessment.characteristic_id)
            .where(filters.clause(), *where)
            .order_by(Eia.reference, Characteristic.position)
        )

    return query


def _spells(filters: Filters, where: list):
    """One row per spell in a stage (``eia.reporting.stages``: the figure counts finished
    spells, ``StageSpell.left_at`` set)."""
    return (
        _eia_query(StageSpell.entered_at, StageSpell.left_at, StageSpell.days)
        .join(StageSpell, StageSpell.eia_id == Eia.id)
        .where(filters.clause(), StageSpell.left_at.is_not(None), *where)
        .order_by(StageSpell.days, Eia.reference)
    )


def _moment(value) -> datetime:
    """A timestamp as aware UTC (SQLite may hand back the stored text)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return as_utc(value)


@dataclass(frozen=True)
class Unit:
    """What one row of a list is: its name, the columns it shows after the EIA's, the query
    (for the dashboard's filters and the figure's conditions) and its own values in words."""

    name: str  # "EIA", "decision", "action", "impact", "spell"
    columns: tuple[str, ...]
    query: Callable[[Filters, list], sa.Select]
    words: Callable[[list], list] = list


EIAS = Unit("EIA", (), _eias)
DECISIONS = Unit(
    "decision",
    ("Version", "Signed off"),
    _decisions,
    lambda v: [v[0], "Not signed off" if v[1] is None else london_date(_moment(v[1]))],
)
ACTIONS = Unit(
    "action",
    ("Action", "Due date", "Status"),
    _actions,
    lambda v: [v[0], v[1], ACTION_STATUS_LABELS.get(v[2], v[2])],
)
EVIDENCE_GAPS = Unit(
    "impact", ("Characteristic", "Evidence gap"), _impacts(ImpactAssessment.evidence_gap_reason)
)
NEGATIVE_IMPACTS = Unit(
    "impact",
    ("Characteristic", "Band after mitigation"),
    _impacts(residual_band()),
    lambda v: [v[0], BAND_LABELS.get(v[1], v[1])],
)
SPELLS = Unit(
    "spell",
    ("Entered", "Left", "Days"),
    _spells,
    lambda v: [_moment(v[0]), _moment(v[1]), round(float(v[2]), 1)],
)


# --- narrowing a figure to one cell of its table --------------------------------------------


def _number(raw: str, name: str) -> int:
    if not raw.isdigit() or len(raw) > 9:
        raise BadFigure(name, f"The {name} in the link is not a number")
    return int(raw)


def _group(session: Session, raw: str):
    group = _number(raw, "group")
    name = session.exec(select(Directorate.name).where(Directorate.id == group)).first()
    if name is None:
        raise BadFigure("group", "The directorate in the link does not exist")
    return str(group), f": {name}", Eia.directorate_id == group


def _quarter(session: Session, raw: str):
    if raw == "none":
        return raw, f", {NO_DATE_LABEL.lower()}", decision_date().is_(None)
    quarter = Quarter.parse(raw)
    if quarter is None:
        raise BadFigure("fq", "The quarter in the link is not a quarter")
    return quarter.value, f", decision in {quarter.label}", decision_quarter_key() == quarter.key


def _characteristic(session: Session, raw: str):
    characteristic = _number(raw, "characteristic")
    name = session.exec(
        select(Characteristic.name).where(Characteristic.id == characteristic)
    ).first()
    if name is None:
        raise BadFigure("characteristic", "The characteristic in the link does not exist")
    return (str(characteristic), f": {name}", ImpactAssessment.characteristic_id == characteristic)


def _band(session: Session, raw: str):
    if raw not in BAND_LABELS:
        raise BadFigure("band", _NAMES_NONE.format("a band"))
    return raw, f", {BAND_LABELS[raw].lower()} after mitigation", residual_band() == raw


# A cell's own URL value -> what reads it: (its value for links, the title's ending, the
# condition it adds), or BadFigure.
Narrowing = Callable[[Session, str], tuple[str, str, sa.ColumnElement[bool]]]
BY_CELL: dict[str, Narrowing] = {"group": _group, "fq": _quarter}
BY_IMPACT: dict[str, Narrowing] = {"characteristic": _characteristic}
_NAMES_NONE = "Choose {}: the link you followed names none that exists"


# --- the figures ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One figure of the dashboard (or a family of them, one per ``value``): ``title`` has
    ``{words}`` for the value's words; ``condition(value, today)`` is its WHERE clause; the
    list has one row per ``unit``; ``narrowing`` names the URL values that narrow it to one
    cell of a table (a directorate, a quarter, a characteristic, a band)."""

    key: str
    title: str
    unit: Unit
    condition: Callable[[str | None, date], sa.ColumnElement[bool]] | None = None
    values: Mapping[str, str] | None = None  # value -> its words; None: no value
    choose: str = ""  # what the error asks for when the value is not one of them
    narrowing: Mapping[str, Narrowing] = field(default_factory=dict)

    def title_for(self, value: str | None) -> str:
        return self.title.format(words=self.values[value]) if self.values else self.title


def _on_decisions(value: str, today: date):
    """A flag about decisions counts the completion part it is."""
    return decision_condition(FLAGS_BY_KEY[value].decision_part, today)


FIGURES = (
    Figure("total", "All EIAs", EIAS),
    Figure(
        "state",
        "EIAs in the state “{words}”",
        EIAS,
        lambda v, _: Eia.status == v,
        STATE_LABELS,
        "a state",
    ),
    Figure(
        "outcome",
        "EIAs with {words}",
        EIAS,
        lambda v, _: Eia.outcome == v,
        {o.value: OUTCOME_LABELS[o] for o in Outcome},
        "an outcome",
    ),
    Figure(
        "completion",
        "Decisions {words}",
        DECISIONS,
        decision_condition,
        COMPLETION_WORDS,
        "a completion figure",
        BY_CELL,
    ),
    Figure(
        "reviews", "EIAs {words}", EIAS, overdue_review_condition, REVIEW_WORDS, "a review figure"
    ),
    Figure(
        "eias_actions_overdue",
        "EIAs with an overdue action",
        EIAS,
        lambda _, today: eia_has_overdue_action(today),
    ),
    Figure(
        "actions_overdue",
        "Overdue actions",
        ACTIONS,
        lambda _, today: overdue_action_condition(today),
    ),
    Figure(
        "screening",
        "EIAs {words}",
        EIAS,
        lambda v, _: screening_condition(v),
        SCREENING_WORDS,
        "a screening figure",
    ),
    Figure(
        "evidence_gaps",
        "Characteristics assessed with an explained evidence gap",
        EVIDENCE_GAPS,
        lambda *_: evidence_gap_condition(),
        narrowing=BY_IMPACT,
    ),
    Figure(
        "negative_impacts",
        "Negative impacts after mitigation in signed-off EIAs",
        NEGATIVE_IMPACTS,
        lambda *_: negative_impact_condition(),
        narrowing={**BY_IMPACT, "band": _band},
    ),
    Figure(
        "stage",
        "Time spent in the stage “{words}” (finished spells)",
        SPELLS,
        lambda v, _: StageSpell.stage == v,
        {s: STATE_LABELS[s] for s in STAGES},
        "a stage",
    ),
    # The quality flags: those about decisions list decisions, like the completion figures.
    Figure(
        "flag",
        "Decisions flagged: {words}",
        DECISIONS,
        _on_decisions,
        {f.key: f.label for f in FLAGS if f.decision_part},
        "a quality flag",
        BY_CELL,
    ),
    Figure(
        "flag",
        "EIAs flagged: {words}",
        EIAS,
        lambda v, today: FLAGS_BY_KEY[v].expression(today),
        {f.key: f.label for f in EIA_FLAGS},
        "a quality flag",
    ),
)


def _figure(args) -> tuple[Figure, str | None]:
    """The figure ``args`` names, and its value (BadFigure if there is none such)."""
    key = (args.get("figure") or "").strip()
    value = (args.get("value") or "").strip()
    named = [f for f in FIGURES if f.key == key]
    if not named:
        raise BadFigure("figure", _NAMES_NONE.format("a figure from the dashboard"))
    if named[0].values is None:
        return named[0], None
    found = next((f for f in named if value in f.values), None)
    if found is None:
        raise BadFigure("value", _NAMES_NONE.format(named[0].choose))
    return found, value


def drilldown(session: Session, filters: Filters, args, today: date) -> DrillDown:
    """The entries behind the figure ``args`` names (raises BadFigure if none)."""
    figure, value = _figure(args)
    own = {"figure": figure.key, **({} if value is None else {"value": value})}
    title = figure.title_for(value)
    where = [] if figure.condition is None else [figure.condition(value, today)]
    for name, narrow in figure.narrowing.items():
        raw = (args.get(name) or "").strip()
        if raw:
            own[name], ending, condition = narrow(session, raw)
            title, where = title + ending, [*where, condition]
    unit = figure.unit
    entries = [
        Entry(*row[:6], unit.words(list(row[6:])))
        for row in session.exec(unit.query(filters, where)).all()
    ]
    return DrillDown(title, unit.name, list(unit.columns), entries, own)

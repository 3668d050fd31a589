"""The list behind each figure of the dashboard: the same filters and the figure's own
condition (the functions in ``figures``, ``quality`` and ``stages``), so the list always has
as many entries as the figure says. One query per list.

A figure is named in the query string: ``figure=state&value=approved``,
``figure=completion&value=late&group=<directorate id>&fq=2026-Q1``,
``figure=negative_impacts&characteristic=<id>&band=high`` ... (``FIGURES`` lists them).
Most figures count EIAs; a few count actions, impacts, spells in a stage or decisions (the
completion figures and the flags about decisions: one per version of an EIA, so a revised
EIA can be listed once per version), and then the list has one row per action, impact,
spell or decision, each with its EIA.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, select

from eia.models import (
    ActionItem,
    Characteristic,
    Directorate,
    Eia,
    EiaDecision,
    ImpactAssessment,
    Service,
    as_utc,
    london_date,
)
from eia.models.enums import ACTION_STATUS_LABELS, OUTCOME_LABELS, Outcome
from eia.scoring import BANDS
from workflows.lifecycle import STATES

from .decisions import PARTS as COMPLETION_PARTS
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
from .quality import FLAGS_BY_KEY
from .stages import STAGES, spells

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
REVIEW_WORDS = {"past_date": "past their review date, review not started",
                "under_review": "under review and past their review date",
                "all": "with a review overdue"}
SCREENING_WORDS = {"screened_out": "screened out (no full assessment)",
                   "full_assessment": "that went into full assessment",
                   "decided": "that finished screening"}
FIGURES = ("total", "state", "outcome", "completion", "reviews", "eias_actions_overdue",
           "actions_overdue", "screening", "evidence_gaps", "negative_impacts", "stage", "flag")


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
    unit: str  # "EIA", "action", "impact", "spell"
    detail_columns: list[str]
    entries: list[Entry]
    args: dict[str, str]  # the figure's own URL values (without the filters)

    @property
    def count(self) -> int:
        return len(self.entries)

    @property
    def unit_words(self) -> str:
        return self.unit if self.count == 1 else self.unit + "s"


def _choice(args, name: str, allowed, words: str) -> str:
    value = (args.get(name) or "").strip()
    if value not in allowed:
        raise BadFigure(name, f"Choose {words}: the link you followed names none that exists")
    return value


def _whole(args, name: str) -> int | None:
    value = (args.get(name) or "").strip()
    if not value:
        return None
    if not value.isdigit() or len(value) > 9:
        raise BadFigure(name, f"The {name} in the link is not a number")
    return int(value)


_EIA_COLUMNS = (Eia.reference, Eia.title, Eia.status, Directorate.name.label("directorate"),
                Service.name.label("service"), Eia.decision_date)


def _eia_query(*columns):
    return (select(*_EIA_COLUMNS, *columns).select_from(Eia)
            .join(Directorate, Directorate.id == Eia.directorate_id)
            .join(Service, Service.id == Eia.service_id))


def drilldown(session: Session, filters: Filters, args, today: date) -> DrillDown:
    """The entries behind the figure ``args`` names (raises BadFigure if none)."""
    figure = _choice(args, "figure", FIGURES, "a figure from the dashboard")
    own = {"figure": figure}
    where = [filters.clause()]
    unit, details, query = "EIA", [], None
    if figure == "total":
        title = "All EIAs"
    elif figure == "state":
        value = own["value"] = _choice(args, "value", STATE_LABELS, "a state")
        title, where = f"EIAs in the state “{STATE_LABELS[value]}”", where + [
            Eia.status == value]
    elif figure == "outcome":
        value = own["value"] = _choice(args, "value", [o.value for o in Outcome], "an outcome")
        title, where = f"EIAs with {OUTCOME_LABELS[Outcome(value)]}", where + [
            Eia.outcome == value]
    elif figure == "completion" or (figure == "flag" and _decision_flag(args)):
        if figure == "completion":
            value = own["value"] = _choice(args, "value", COMPLETION_PARTS,
                                           "a completion figure")
            title = f"Decisions {COMPLETION_WORDS[value]}"
        else:
            flag = FLAGS_BY_KEY[_decision_flag(args)]
            own["value"], value = flag.key, flag.decision_part
            title = f"Decisions flagged: {flag.label}"
        where = [filters.clause(decision_date=decision_date()), counted(),
                 decision_condition(value, today)]
        group = _whole(args, "group")
        if group is not None:
            name = session.exec(select(Directorate.name).where(Directorate.id == group)).first()
            if name is None:
                raise BadFigure("group", "The directorate in the link does not exist")
            own["group"], title = str(group), f"{title}: {name}"
            where.append(Eia.directorate_id == group)
        fq = (args.get("fq") or "").strip()
        if fq == "none":
            own["fq"], title = fq, f"{title}, {NO_DATE_LABEL.lower()}"
            where.append(decision_date().is_(None))
        elif fq:
            quarter = Quarter.parse(fq)
            if quarter is None:
                raise BadFigure("fq", "The quarter in the link is not a quarter")
            own["fq"], title = quarter.value, f"{title}, decision in {quarter.label}"
            where.append(decision_quarter_key() == quarter.key)
        unit, details = "decision", ["Version", "Signed off"]
        query = (select(*_EIA_COLUMNS[:5], decision_date().label("decision_date"),
                        EiaDecision.version, EiaDecision.signed_off_at)
                 .select_from(EiaDecision).join(Eia, Eia.id == EiaDecision.eia_id)
                 .join(Directorate, Directorate.id == Eia.directorate_id)
                 .join(Service, Service.id == Eia.service_id)
                 .where(*where).order_by(Eia.reference, EiaDecision.version))
    elif figure == "reviews":
        value = own["value"] = _choice(args, "value", REVIEW_WORDS, "a review figure")
        title = f"EIAs {REVIEW_WORDS[value]}"
        where.append(overdue_review_condition(value, today))
    elif figure == "eias_actions_overdue":
        title = "EIAs with an overdue action"
        where.append(eia_has_overdue_action(today))
    elif figure == "screening":
        value = own["value"] = _choice(args, "value", SCREENING_WORDS, "a screening figure")
        title = f"EIAs {SCREENING_WORDS[value]}"
        where.append(screening_condition(value))
    elif figure == "flag":
        value = own["value"] = _choice(args, "value", FLAGS_BY_KEY, "a quality flag")
        title = f"EIAs flagged: {FLAGS_BY_KEY[value].label}"
        where.append(FLAGS_BY_KEY[value].expression(today))
    elif figure == "actions_overdue":
        unit, details = "action", ["Action", "Due date", "Status"]
        title = "Overdue actions"
        query = (_eia_query(ActionItem.description, ActionItem.due_date, ActionItem.status)
                 .join(ActionItem, ActionItem.eia_id == Eia.id)
                 .where(*where, overdue_action_condition(today))
                 .order_by(ActionItem.due_date, Eia.reference, ActionItem.id))
    elif figure in ("evidence_gaps", "negative_impacts"):
        unit = "impact"
        conditions = [evidence_gap_condition() if figure == "evidence_gaps"
                      else negative_impact_condition()]
        title = ("Characteristics assessed with an explained evidence gap"
                 if figure == "evidence_gaps"
                 else "Negative impacts after mitigation in signed-off EIAs")
        characteristic = _whole(args, "characteristic")
        if characteristic is not None:
            name = session.exec(select(Characteristic.name)
                                .where(Characteristic.id == characteristic)).first()
            if name is None:
                raise BadFigure("characteristic", "The characteristic in the link does not exist")
            own["characteristic"], title = str(characteristic), f"{title}: {name}"
            conditions.append(ImpactAssessment.characteristic_id == characteristic)
        if figure == "negative_impacts" and (args.get("band") or "").strip():
            band = own["band"] = _choice(args, "band", BAND_LABELS, "a band")
            title = f"{title}, {BAND_LABELS[band].lower()} after mitigation"
            conditions.append(residual_band() == band)
        extra = (ImpactAssessment.evidence_gap_reason if figure == "evidence_gaps"
                 else residual_band())
        details = ["Characteristic", "Evidence gap" if figure == "evidence_gaps"
                   else "Band after mitigation"]
        query = (_eia_query(Characteristic.name.label("characteristic"), extra.label("extra"))
                 .join(ImpactAssessment, ImpactAssessment.eia_id == Eia.id)
                 .join(Characteristic, Characteristic.id == ImpactAssessment.characteristic_id)
                 .where(*where, *conditions)
                 .order_by(Eia.reference, Characteristic.position))
    elif figure == "stage":
        value = own["value"] = _choice(args, "value", STAGES, "a stage")
        unit, details = "spell", ["Entered", "Left", "Days"]
        title = f"Time spent in the stage “{STATE_LABELS[value]}” (finished spells)"
        s = spells(filters.clause())
        query = (_eia_query(s.c.entered, s.c.left, s.c.days)
                 .join(s, s.c.eia_id == Eia.id)
                 .where(s.c.stage == value)
                 .order_by(s.c.days, Eia.reference))
    if query is None:
        query = _eia_query().where(*where).order_by(Eia.reference)
    entries = [Entry(r[0], r[1], r[2], r[3], r[4], r[5], _details(figure, list(r[6:])))
               for r in session.exec(query).all()]
    return DrillDown(title, unit, details, entries, own)


def _decision_flag(args) -> str | None:
    """The flag ``args`` names, when it is a flag about decisions."""
    flag = FLAGS_BY_KEY.get((args.get("value") or "").strip())
    return flag.key if flag is not None and flag.decision_part else None


def _details(figure: str, values: list) -> list:
    """The unit's own columns in words (bands as words, days to one decimal place, the day
    a decision was signed off)."""
    if figure in ("completion", "flag") and len(values) == 2:
        signed = values[1]
        return [values[0], "Not signed off" if signed is None else london_date(_moment(signed))]
    if figure == "negative_impacts":
        return [values[0], BAND_LABELS.get(values[1], values[1])]
    if figure == "stage":
        return [_moment(values[0]), _moment(values[1]), round(float(values[2]), 1)]
    if figure == "actions_overdue":
        return [values[0], values[1], ACTION_STATUS_LABELS.get(values[2], values[2])]
    return values


def _moment(value) -> datetime:
    """A timestamp as aware UTC (SQLite hands back the stored text from a window function)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return as_utc(value)

"""Each section's status on the task list, from the lifecycle (can it be worked on now?)
and the section's own completeness (the same checks the guards make)."""

from dataclasses import dataclass

from eia.models import Eia
from eia.models.enums import Relevance
from workflows import guards
from workflows.guards import GuardContext
from workflows.lifecycle import (
    SECTIONS,
    editable_sections,
    sections_where,
    states_where,
    submitting_states,
)

NOT_STARTED = "Not started"
IN_PROGRESS = "In progress"
COMPLETED = "Completed"
CANNOT_START = "Cannot start yet"
NOT_NEEDED = "Not needed"

# Sections with nothing that must be filled in: done when the officer says so.
CONFIRMED_SECTIONS = sections_where(confirmed=True)
FULL_ASSESSMENT_SECTIONS = sections_where(full_assessment=True)
_AFTER_SUBMISSION = states_where(submitted=True)


@dataclass(frozen=True)
class SectionStatus:
    key: str
    title: str
    status: str
    problems: tuple[str, ...] = ()
    editable: bool = False


@guards.kept
def evidence_unscored(ctx: GuardContext) -> list[str]:
    """The characteristics to assess that have no evidence row at all."""
    eia = ctx.eia
    unscored = [
        c.name.lower()
        for c in guards.characteristics_to_assess(eia)
        if c.id not in {i.characteristic_id for i in eia.impacts}
    ]
    if not unscored:
        return []
    return ["Give the evidence, or explain the evidence gap, for " + guards._join(unscored) + "."]


def _problems(section: str, ctx: GuardContext) -> list[str]:
    """What stops ``section`` being complete (empty when it is)."""
    if section == "proposal":
        return guards.proposal_complete(ctx)
    if section == "screening":
        return guards.screening_complete(ctx)
    if section == "evidence":
        return evidence_unscored(ctx) + guards.evidence_or_gap(ctx)
    if section == "impacts":
        return guards.characteristic_impacts_scored(ctx) + guards.negative_impacts_mitigated(ctx)
    if section == "intersectional":
        return guards.intersectional_impacts_scored(ctx)
    if section == "actions":
        return guards.actions_planned(ctx)
    if section == "outcome":
        return guards.outcome_chosen(ctx) + guards.review_date_set(ctx)
    return []


# Sections whose content is in rows of their own (kept: eia.reporting.page_summaries).
ROW_SECTIONS = ("screening", "evidence", "impacts", "intersectional", "engagement", "actions")


def has_content(section: str, eia: Eia) -> bool:
    """Whether ``section`` has anything in it yet (worked out from the EIA's rows)."""
    return _has_content(section, eia)


def _has_content(section: str, eia: Eia, kept=None) -> bool:
    if section == "proposal":
        return bool(eia.title or eia.summary or eia.proposal_type or eia.affects)
    if kept is not None and section in ROW_SECTIONS:
        return bool(kept.facts.get("content", {}).get(section))
    if section == "screening":
        return any(a.relevance for a in eia.screening_answers)
    if section == "evidence":
        return any(i.evidence or i.evidence_gap for i in eia.impacts)
    if section == "impacts":
        return any(i.direction for i in eia.impacts)
    if section == "intersectional":
        return bool(eia.intersectional_impacts)
    if section == "engagement":
        return bool(eia.engagements)
    if section == "actions":
        return bool(eia.actions)
    if section == "outcome":
        return bool(eia.outcome or eia.review_date)
    return False


def full_assessment_needed(eia: Eia, kept=None) -> bool | None:
    """True/False once screening is answered; None while it is not."""
    if kept is not None:
        return kept.facts.get("full_assessment_needed")
    answers = [a.relevance for a in eia.screening_answers]
    if not answers or None in answers:
        return None
    return any(r in (Relevance.relevant, Relevance.unknown) for r in answers)


def section_statuses(ctx: GuardContext) -> list[SectionStatus]:
    eia = ctx.eia
    editable = editable_sections(eia.status)
    kept = ctx.kept
    needed = full_assessment_needed(eia, kept)
    screened_out = needed is False and not any(
        _has_content(s, eia, kept) for s in FULL_ASSESSMENT_SECTIONS
    )
    statuses = []
    for key, title in SECTIONS.items():
        problems = _problems(key, ctx)
        can_edit = key in editable
        if key in FULL_ASSESSMENT_SECTIONS and screened_out:
            status = NOT_NEEDED
        elif key in CONFIRMED_SECTIONS:
            confirmed = key in eia.completed_sections and not problems
            status = (
                COMPLETED
                if confirmed
                else IN_PROGRESS
                if _has_content(key, eia, kept)
                else NOT_STARTED
                if can_edit
                else CANNOT_START
            )
        elif not problems and _has_content(key, eia, kept):
            status = COMPLETED
        elif _has_content(key, eia, kept):
            status = IN_PROGRESS
        else:
            status = NOT_STARTED if can_edit else CANNOT_START
        statuses.append(SectionStatus(key, title, status, tuple(problems), can_edit))
    return statuses


def check_answers_status(eia: Eia, statuses: list[SectionStatus]) -> str:
    """The last task: checking answers and sending for sign-off."""
    if eia.status in _AFTER_SUBMISSION:
        return COMPLETED
    if eia.status not in submitting_states():
        return CANNOT_START
    required = [
        s
        for s in statuses
        if s.status not in (NOT_NEEDED,)
        and (s.key not in CONFIRMED_SECTIONS or s.status == IN_PROGRESS)
    ]
    if all(s.status == COMPLETED for s in required):
        return NOT_STARTED
    return CANNOT_START

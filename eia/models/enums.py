"""Vocabularies stored as plain strings (portable across SQLite and PostgreSQL)."""

from enum import StrEnum


class Role(StrEnum):
    officer = "officer"
    approver = "approver"
    equality_officer = "equality_officer"
    admin = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.officer: "Officer",
    Role.approver: "Approver",
    Role.equality_officer: "Equality officer (Policy and Equality Unit)",
    Role.admin: "Administrator",
}


class ProposalType(StrEnum):
    new_policy = "new_policy"
    service_change = "service_change"
    budget_saving = "budget_saving"
    procurement = "procurement"
    staffing_change = "staffing_change"
    strategy = "strategy"
    other = "other"


PROPOSAL_TYPE_LABELS = {
    ProposalType.new_policy: "New policy",
    ProposalType.service_change: "Change to a service",
    ProposalType.budget_saving: "Budget saving",
    ProposalType.procurement: "Procurement",
    ProposalType.staffing_change: "Staffing change",
    ProposalType.strategy: "Strategy or programme",
    ProposalType.other: "Other",
}


class AffectedGroup(StrEnum):
    residents = "residents"
    service_users = "service_users"
    staff = "staff"
    partners = "partners"


AFFECTED_GROUP_LABELS = {
    AffectedGroup.residents: "Residents",
    AffectedGroup.service_users: "Service users",
    AffectedGroup.staff: "Staff",
    AffectedGroup.partners: "Partners",
}


class DecisionType(StrEnum):
    committee = "committee"
    officer = "officer"


DECISION_TYPE_LABELS = {
    DecisionType.committee: "Committee or Executive decision",
    DecisionType.officer: "Officer decision",
}


class Relevance(StrEnum):
    relevant = "relevant"
    not_relevant = "not_relevant"
    unknown = "unknown"


RELEVANCE_LABELS = {
    Relevance.relevant: "Relevant",
    Relevance.not_relevant: "Not relevant",
    Relevance.unknown: "Don't know yet",
}


class Direction(StrEnum):
    positive = "positive"
    negative = "negative"
    neutral = "neutral"
    unclear = "unclear"


DIRECTION_LABELS = {
    Direction.positive: "Positive",
    Direction.negative: "Negative",
    Direction.neutral: "Neutral",
    Direction.unclear: "Unclear",
}


class CharacteristicKind(StrEnum):
    protected = "protected"
    socio_economic = "socio_economic"
    local = "local"


class Outcome(StrEnum):
    no_major_change = "1"
    adjust = "2"
    continue_despite_adverse = "3"
    stop = "4"


OUTCOME_LABELS = {
    Outcome.no_major_change: "Outcome 1: no major change needed",
    Outcome.adjust: "Outcome 2: adjust the proposal to remove barriers or better advance equality",
    Outcome.continue_despite_adverse: "Outcome 3: continue despite adverse impact",
    Outcome.stop: "Outcome 4: stop and remove the proposal",
}


class ActionStatus(StrEnum):
    proposed = "proposed"
    planned = "planned"
    in_progress = "in_progress"
    done = "done"
    cancelled = "cancelled"


ACTION_STATUS_LABELS = {
    ActionStatus.proposed: "Proposed",
    ActionStatus.planned: "Planned",
    ActionStatus.in_progress: "In progress",
    ActionStatus.done: "Done",
    ActionStatus.cancelled: "Cancelled",
}

OPEN_ACTION_STATUSES = (ActionStatus.proposed, ActionStatus.planned, ActionStatus.in_progress)


class SignOffDecision(StrEnum):
    approved = "approved"
    returned = "returned"

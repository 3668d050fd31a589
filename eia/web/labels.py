"""The words (and tag colours) pages show for the values stored as codes."""

from eia.exports.public import PUBLIC_STATE_LABELS
from eia.models.enums import (
    ACTION_STATUS_LABELS,
    AFFECTED_GROUP_LABELS,
    DECISION_TYPE_LABELS,
    DIRECTION_LABELS,
    OUTCOME_LABELS,
    PROPOSAL_TYPE_LABELS,
    RELEVANCE_LABELS,
)
from eia.scoring import BANDS, LIKELIHOOD_LABELS, SEVERITY_LABELS
from workflows.lifecycle import STATES, public_statuses

VOCABULARIES = {
    "state": {s.name: s.label for s in STATES},
    "public_status": PUBLIC_STATE_LABELS,  # the public register's words (eia/exports/public.py)
    "proposal_type": PROPOSAL_TYPE_LABELS,
    "affects": AFFECTED_GROUP_LABELS,
    "decision_type": DECISION_TYPE_LABELS,
    "relevance": RELEVANCE_LABELS,
    "direction": DIRECTION_LABELS,
    "outcome": OUTCOME_LABELS,
    "action_status": ACTION_STATUS_LABELS,
    "band": {b.key: b.label for b in BANDS},
    "likelihood": LIKELIHOOD_LABELS,
    "severity": SEVERITY_LABELS,
    "sign_off": {"approved": "Approved", "returned": "Returned to the officer"},
    "review": {"confirmed": "Confirmed", "revised": "Revised"},
    "aim": {
        "eliminate_discrimination": "Eliminate discrimination",
        "advance_equality_of_opportunity": "Advance equality of opportunity",
        "foster_good_relations": "Foster good relations",
    },
}

# Colour only repeats what the words say.
TAG_CLASSES = {
    "state": {str(s.name): s.tag for s in STATES},  # the lifecycle table's
    "public_status": {status: tag for status, (_, tag) in public_statuses().items()},
    "band": {
        "negligible": "govuk-tag--grey",
        "low": "govuk-tag--green",
        "medium": "govuk-tag--yellow",
        "high": "govuk-tag--red",
    },
}


def label(value, vocabulary: str) -> str:
    """The words for a stored value; "" when there is none."""
    if value is None or value == "":
        return ""
    return VOCABULARIES[vocabulary].get(value, str(value))

"""The lifecycle as data. The machine, the guards, the README diagram and the tests all read
this one table; change the workflow here and nowhere else.

Each transition names:
- ``who``: actor rules, any one of which lets a person fire the event;
- ``guards``: readiness checks, all of which must pass (they say why not in plain words);
- ``needs``: what the person must supply with the event (a comment, a reason, an attestation);
- ``effects``: records written after the state changes (sign-off, review, new version).
"""

from dataclasses import dataclass, field

# The sections of an EIA an officer fills in, in the order of the guided journey.
SECTIONS = {
    "proposal": "Describe the proposal",
    "screening": "Screening",
    "evidence": "Evidence",
    "engagement": "Engagement and consultation",
    "impacts": "Impact on each characteristic",
    "intersectional": "Intersectional impacts",
    "actions": "Action plan",
    "outcome": "Outcome and review date",
}

_ASSESSMENT_SECTIONS = frozenset(
    {"proposal", "screening", "evidence", "engagement", "impacts", "intersectional", "actions",
     "outcome"}
)


@dataclass(frozen=True)
class State:
    name: str
    label: str
    meaning: str
    editable: frozenset = field(default_factory=frozenset)
    terminal: bool = False


@dataclass(frozen=True)
class Transition:
    event: str
    label: str
    source: str
    dest: str
    who: tuple[str, ...]
    guards: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    effects: tuple[str, ...] = ()


STATES = (
    State("draft", "Draft", "the officer describes the proposal", frozenset({"proposal"})),
    State(
        "screening",
        "Screening",
        "the officer judges each characteristic's relevance",
        frozenset({"proposal", "screening"}),
    ),
    State(
        "full_assessment",
        "Full assessment",
        "evidence, engagement, impact scoring, mitigation, action plan, outcome",
        _ASSESSMENT_SECTIONS,
    ),
    State("awaiting_sign_off", "Awaiting sign-off", "with the approver"),
    State(
        "approved",
        "Approved",
        "signed off and in force; the action plan is being delivered",
        frozenset({"actions"}),
    ),
    State(
        "under_review",
        "Under review",
        "the review date came (continuing duty): confirm or revise",
        frozenset({"actions"}),
    ),
    State("withdrawn", "Withdrawn", "the proposal was dropped", terminal=True),
    State("archived", "Archived", "the policy ended", terminal=True),
)

_TEAM = ("eia_team",)
_APPROVER = ("directorate_approver",)
_NON_TERMINAL = tuple(s.name for s in STATES if not s.terminal)

TRANSITIONS = (
    Transition(
        "start_screening", "Start screening", "draft", "screening", _TEAM,
        guards=("proposal_complete",),
    ),
    Transition(
        "screen_out", "Screen out and send for sign-off", "screening", "awaiting_sign_off", _TEAM,
        guards=("screening_complete", "all_not_relevant"),
        effects=("record_screening_conclusion",),
    ),
    Transition(
        "start_full_assessment", "Start the full assessment", "screening", "full_assessment",
        _TEAM,
        guards=("screening_complete", "any_relevant_or_unknown"),
    ),
    Transition(
        "submit_for_sign_off", "Send for sign-off", "full_assessment", "awaiting_sign_off", _TEAM,
        guards=(
            "proposal_complete",
            "impacts_scored",
            "evidence_or_gap",
            "negative_impacts_mitigated",
            "actions_planned",
            "outcome_chosen",
            "review_date_set",
        ),
    ),
    Transition(
        "approve", "Approve", "awaiting_sign_off", "approved", _APPROVER,
        guards=("segregation_of_duties",),
        needs=("content_seen", "attestation", "late_reason"),
        effects=("record_approval", "freeze_version"),
    ),
    Transition(
        "return", "Return to the officer for full assessment", "awaiting_sign_off",
        "full_assessment", _APPROVER,
        guards=("segregation_of_duties",),
        needs=("content_seen", "comment", "return_target"),
        effects=("record_return",),
    ),
    Transition(
        "return", "Return to the officer for screening", "awaiting_sign_off", "screening",
        _APPROVER,
        guards=("segregation_of_duties",),
        needs=("content_seen", "comment", "return_target"),
        effects=("record_return",),
    ),
    Transition(
        "start_review", "Start the review", "approved", "under_review",
        ("scheduler", "eia_team", "directorate_approver", "equality_officer"),
        guards=("review_due_for_scheduler",),
    ),
    Transition(
        "confirm_review", "Confirm the EIA still stands", "under_review", "approved", _APPROVER,
        guards=("segregation_of_duties",),
        needs=("review_notes", "next_review_date"),
        effects=("record_review_confirmed",),
    ),
    Transition(
        "revise", "Revise: open a new version", "under_review", "full_assessment",
        _TEAM + _APPROVER,
        needs=("review_notes",),
        effects=("freeze_version", "open_new_version"),
    ),
    *(
        Transition(
            "withdraw", "Withdraw the proposal", source, "withdrawn",
            _TEAM + _APPROVER + ("admin",),
            needs=("reason",),
            effects=("record_closing_reason",),
        )
        for source in _NON_TERMINAL
    ),
    Transition(
        "archive", "Archive: the policy has ended", "approved", "archived",
        _APPROVER + ("admin",),
        needs=("reason",),
        effects=("record_closing_reason",),
    ),
)

_STATES_BY_NAME = {s.name: s for s in STATES}
EVENTS = tuple(dict.fromkeys(t.event for t in TRANSITIONS))
EVENT_LABELS = {
    "start_screening": "Start screening",
    "screen_out": "Screen out",
    "start_full_assessment": "Start full assessment",
    "submit_for_sign_off": "Send for sign-off",
    "approve": "Approve",
    "return": "Return to officer",
    "start_review": "Start review",
    "confirm_review": "Confirm review",
    "revise": "Revise",
    "withdraw": "Withdraw",
    "archive": "Archive",
}


def state(name: str) -> State:
    return _STATES_BY_NAME[name]


def transitions_for(event: str, source: str | None = None) -> list[Transition]:
    return [
        t for t in TRANSITIONS if t.event == event and (source is None or t.source == source)
    ]


def binds_content(event: str) -> bool:
    """A decision on the content (approve, return): the page it is taken on carries the
    content's fingerprint, and its audit record keeps the fingerprint decided on."""
    return any("content_seen" in t.needs for t in transitions_for(event))


def editable_sections(status: str) -> frozenset:
    return _STATES_BY_NAME[status].editable


def mermaid_diagram() -> str:
    """The lifecycle as a Mermaid state diagram, generated from the table (for the README)."""
    lines = ["stateDiagram-v2", "    [*] --> draft"]
    seen = set()
    for t in TRANSITIONS:
        if t.event == "withdraw":
            continue
        key = (t.source, t.dest, t.event)
        if key in seen:
            continue
        seen.add(key)
        lines.append(f"    {t.source} --> {t.dest}: {t.event}")
    for s in STATES:
        if s.terminal:
            lines.append(f"    {s.name} --> [*]")
    lines.append("    note left of withdrawn: withdraw, from any state that is not terminal")
    return "\n".join(lines)

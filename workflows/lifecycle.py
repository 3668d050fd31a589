"""The lifecycle as data. The machine, the guards, the README diagram and the tests all read
this one table; change the workflow here and nowhere else. It holds:

- ``Status``, the states as stored, and ``STATES``: each state's words, tag colour and the
  flags every grouping of states elsewhere is read from (``states_where(public=True)``);
- ``SECTION_RECORDS``: the sections an officer fills in, with their names;
- ``TRANSITIONS`` (below) and ``EVENT_RECORDS``: each event's words (its label, the
  history's phrase, the journey's explanation and banner).

tests/test_lifecycle.py fails when a state lacks a flag or words, or an event its words.

Each transition names:
- ``who``: actor rules, any one of which lets a person fire the event;
- ``guards``: readiness checks, all of which must pass (they say why not in plain words);
- ``needs``: what the person must supply with the event (a comment, a reason, an attestation);
- ``effects``: records written after the state changes (sign-off, review, new version).
"""

from dataclasses import dataclass, field
from enum import StrEnum


class Status(StrEnum):
    """An EIA's state, as stored (``Eia.status``). A ``str``: compares equal to its name."""

    draft = "draft"
    screening = "screening"
    full_assessment = "full_assessment"
    awaiting_sign_off = "awaiting_sign_off"
    approved = "approved"
    under_review = "under_review"
    withdrawn = "withdrawn"
    archived = "archived"


@dataclass(frozen=True)
class Section:
    """A section of an EIA the officer fills in. ``title``: the task list's and the page's
    words; ``short``: the history's ("Impacts edited"); ``full_assessment``: only a full
    assessment has it; ``confirmed``: nothing in it must be filled in, so it is done when
    the officer says so."""

    key: str
    title: str
    short: str
    full_assessment: bool = False
    confirmed: bool = False


# The sections of an EIA an officer fills in, in the order of the guided journey.
SECTION_RECORDS = (
    Section("proposal", "Describe the proposal", "Proposal"),
    Section("screening", "Screening", "Screening"),
    Section("evidence", "Evidence", "Evidence", full_assessment=True),
    Section(
        "engagement",
        "Engagement and consultation",
        "Engagement and consultation",
        full_assessment=True,
        confirmed=True,
    ),
    Section("impacts", "Impact on each characteristic", "Impacts", full_assessment=True),
    Section(
        "intersectional",
        "Intersectional impacts",
        "Intersectional impacts",
        full_assessment=True,
        confirmed=True,
    ),
    Section("actions", "Action plan", "Action plan", full_assessment=True, confirmed=True),
    Section("outcome", "Outcome and review date", "Outcome and review date", full_assessment=True),
)
SECTIONS = {s.key: s.title for s in SECTION_RECORDS}

_ASSESSMENT_SECTIONS = frozenset(SECTIONS)


@dataclass(frozen=True)
class State:
    """A state and what the rest of the product needs to know of it (flags that group the
    states: every grouping elsewhere is ``states_where(...)`` of these).

    - ``tag``: the GOV.UK tag's colour class (colour only repeats the words);
    - ``signed_off``: a version was approved and the EIA has not gone back for changes;
    - ``submitted``: sent for sign-off at least (the task list's last task is done);
    - ``in_force``: approved and its review date counts (a review is due or under way);
    - ``drafting``: the officer is writing it (idle reminders; ``drafting_words`` say so);
    - ``public``: a published EIA in this state is on the public register;
    - ``revision``: a published EIA in this state is being revised (the register shows the
      last approved version, "under revision");
    - ``public_label``: the public's words for it (None for a revision state), and
      ``public_order`` where it comes in the register's list of statuses;
    - ``owner_next``: what its owner must do next, in a sentence (My EIAs), with these
      fields: ``{open_actions}`` (their open actions: "2 open actions, 1 overdue") and
      ``{with_whom}`` (where it is: "with Ann Approver, sent on 3 March 2026");
      ``owner_next_actions``, when it differs while the owner has open actions.
    Active means not ``terminal``.
    """

    name: str
    label: str
    meaning: str
    editable: frozenset = field(default_factory=frozenset)
    terminal: bool = False
    # Every state says each of these (None is "not said": tests/test_lifecycle.py fails).
    tag: str | None = None  # "" is GOV.UK's default (blue) tag
    signed_off: bool | None = None
    submitted: bool | None = None
    in_force: bool | None = None
    drafting: bool | None = None
    public: bool | None = None
    revision: bool | None = None
    drafting_words: str = ""
    public_label: str | None = None
    public_order: int = 0
    owner_next: str = ""
    owner_next_actions: str = ""

    FLAGS = ("tag", "signed_off", "submitted", "in_force", "drafting", "public", "revision")

    @property
    def active(self) -> bool:
        return not self.terminal


# Every flag off: each state below turns on its own.
_NO = dict(
    signed_off=False, submitted=False, in_force=False, drafting=False, public=False, revision=False
)

STATES = (
    State(
        Status.draft,
        "Draft",
        "the officer describes the proposal",
        frozenset({"proposal"}),
        tag="govuk-tag--grey",
        **{**_NO, "drafting": True},
        drafting_words="in draft",
        owner_next="Complete the proposal, then start screening.",
    ),
    State(
        Status.screening,
        "Screening",
        "the officer judges each characteristic's relevance",
        frozenset({"proposal", "screening"}),
        tag="govuk-tag--turquoise",
        **{**_NO, "drafting": True, "public": True, "revision": True},
        drafting_words="in screening",
        owner_next="Answer the screening questions for every characteristic.",
        public_order=3,
    ),
    State(
        Status.full_assessment,
        "Full assessment",
        "evidence, engagement, impact scoring, mitigation, action plan, outcome",
        _ASSESSMENT_SECTIONS,
        tag="",
        **{**_NO, "drafting": True, "public": True, "revision": True},
        drafting_words="in full assessment",
        owner_next="Complete the full assessment and send it for sign-off.",
        public_order=3,
    ),
    State(
        Status.awaiting_sign_off,
        "Awaiting sign-off",
        "with the approver",
        tag="govuk-tag--yellow",
        **{**_NO, "submitted": True, "public": True, "revision": True},
        public_order=3,
        owner_next="Nothing: it is {with_whom}.",
    ),
    State(
        Status.approved,
        "Approved",
        "signed off and in force; the action plan is being delivered",
        frozenset({"actions"}),
        tag="govuk-tag--green",
        **{**_NO, "signed_off": True, "submitted": True, "in_force": True, "public": True},
        public_label="In force",
        public_order=1,
        owner_next="Nothing until the review date.",
        owner_next_actions="Deliver the action plan: {open_actions}.",
    ),
    State(
        Status.under_review,
        "Under review",
        "the review date came (continuing duty): confirm or revise",
        frozenset({"actions"}),
        tag="govuk-tag--purple",
        **{**_NO, "signed_off": True, "submitted": True, "in_force": True, "public": True},
        public_label="Under review",
        public_order=2,
        owner_next="Review it: confirm it still stands or revise it.",
    ),
    State(
        Status.withdrawn,
        "Withdrawn",
        "the proposal was dropped",
        terminal=True,
        tag="govuk-tag--pink",
        **{**_NO, "public": True},
        public_label="Withdrawn (the proposal was dropped)",
        public_order=5,
        owner_next="Nothing: this EIA is closed.",
    ),
    State(
        Status.archived,
        "Archived",
        "the policy ended",
        terminal=True,
        tag="govuk-tag--grey",
        **{**_NO, "signed_off": True, "submitted": True, "public": True},
        public_label="Archived (the policy has ended)",
        public_order=4,
        owner_next="Nothing: this EIA is closed.",
    ),
)

# The public register's status for a published EIA in a revision state.
UNDER_REVISION = "under_revision"
UNDER_REVISION_LABEL = "Under revision"
UNDER_REVISION_TAG = "govuk-tag--yellow"


def public_statuses() -> dict[str, tuple[str, str]]:
    """The public register's statuses in its order: {status: (words, tag colour)}; the
    revision states are all "under revision"."""
    found = {}
    for s in sorted((s for s in STATES if s.public), key=lambda s: s.public_order):
        if s.revision:
            found[UNDER_REVISION] = (UNDER_REVISION_LABEL, UNDER_REVISION_TAG)
        else:
            found[str(s.name)] = (s.public_label, s.tag)
    return found


def states_where(**flags) -> tuple[Status, ...]:
    """The states whose flags (or properties, e.g. ``active``) have the values given, in
    the table's order: ``states_where(signed_off=True)``."""
    return tuple(
        Status(s.name)
        for s in STATES
        if all(getattr(s, flag) == value for flag, value in flags.items())
    )


@dataclass(frozen=True)
class Transition:
    """One row of the table. ``choice``: when an event can go from one state to several,
    the words for choosing this one ("The full assessment"), in the forms that ask."""

    event: str
    label: str
    source: str
    dest: str
    who: tuple[str, ...]
    guards: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    effects: tuple[str, ...] = ()
    choice: str = ""


_TEAM = ("eia_team",)
_APPROVER = ("directorate_approver",)
_NON_TERMINAL = tuple(s.name for s in STATES if not s.terminal)

TRANSITIONS = (
    Transition(
        "start_screening",
        "Start screening",
        Status.draft,
        Status.screening,
        _TEAM,
        guards=("proposal_complete",),
    ),
    Transition(
        "screen_out",
        "Screen out and send for sign-off",
        Status.screening,
        Status.awaiting_sign_off,
        _TEAM,
        guards=("screening_complete", "all_not_relevant"),
        effects=("record_screening_conclusion",),
    ),
    Transition(
        "start_full_assessment",
        "Start the full assessment",
        Status.screening,
        Status.full_assessment,
        _TEAM,
        guards=("screening_complete", "any_relevant_or_unknown"),
    ),
    Transition(
        "submit_for_sign_off",
        "Send for sign-off",
        Status.full_assessment,
        Status.awaiting_sign_off,
        _TEAM,
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
        "approve",
        "Approve",
        Status.awaiting_sign_off,
        Status.approved,
        _APPROVER,
        guards=("segregation_of_duties",),
        needs=("content_seen", "attestation", "late_reason"),
        effects=("record_approval", "freeze_version"),
    ),
    Transition(
        "return",
        "Return to the officer for full assessment",
        Status.awaiting_sign_off,
        Status.full_assessment,
        _APPROVER,
        guards=("segregation_of_duties",),
        needs=("content_seen", "comment", "return_target"),
        effects=("record_return",),
        choice="The full assessment",
    ),
    Transition(
        "return",
        "Return to the officer for screening",
        Status.awaiting_sign_off,
        Status.screening,
        _APPROVER,
        guards=("segregation_of_duties",),
        needs=("content_seen", "comment", "return_target"),
        effects=("record_return",),
        choice="Screening",
    ),
    Transition(
        "start_review",
        "Start the review",
        Status.approved,
        Status.under_review,
        ("scheduler", "eia_team", "directorate_approver", "equality_officer"),
        guards=("review_due_for_scheduler",),
    ),
    Transition(
        "confirm_review",
        "Confirm the EIA still stands",
        Status.under_review,
        Status.approved,
        _APPROVER,
        guards=("segregation_of_duties",),
        needs=("review_notes", "next_review_date"),
        effects=("record_review_confirmed",),
    ),
    Transition(
        "revise",
        "Revise: open a new version",
        Status.under_review,
        Status.full_assessment,
        _TEAM + _APPROVER,
        needs=("review_notes",),
        effects=("freeze_version", "open_new_version"),
    ),
    *(
        Transition(
            "withdraw",
            "Withdraw the proposal",
            source,
            Status.withdrawn,
            _TEAM + _APPROVER + ("admin",),
            needs=("reason",),
            effects=("record_closing_reason",),
        )
        for source in _NON_TERMINAL
    ),
    Transition(
        "archive",
        "Archive: the policy has ended",
        Status.approved,
        Status.archived,
        _APPROVER + ("admin",),
        needs=("reason",),
        effects=("record_closing_reason",),
    ),
)

_STATES_BY_NAME = {s.name: s for s in STATES}
EVENTS = tuple(dict.fromkeys(t.event for t in TRANSITIONS))


@dataclass(frozen=True)
class Event:
    """What an event is called and what is said around it.

    - ``label``: its short name (buttons, refusals: "Send for sign-off");
    - ``phrase``: the history's and the audit filter's words for it having happened
      ("Sent for sign-off"); ``phrase_detail`` is added in the history, with ``{to_state}``
      (the state it went to, in words) and ``{version}`` (the version it was in);
    - ``explanation``: what happens, said before the person confirms (journey page);
    - ``done``: the banner once it has happened;
    - ``hands_over``: firing it hands a version over for a decision, so whoever fires it
      worked on that version (segregation of duties), in these words ("sent it for
      sign-off").
    The sign-off decisions (approve, return) have their own page: no explanation or banner.
    """

    name: str
    label: str
    phrase: str
    phrase_detail: str = ""
    explanation: str = ""
    done: str = ""
    hands_over: str = ""


EVENT_RECORDS = (
    Event(
        "start_screening",
        "Start screening",
        "Screening started",
        explanation="Screening asks, for each characteristic, whether the proposal is "
        "relevant to it and why. You can still change the proposal while you "
        "screen.",
        done="Screening has started. Say whether the proposal is relevant to each characteristic.",
    ),
    Event(
        "screen_out",
        "Screen out",
        "Screened out and sent for sign-off",
        explanation="Screening found the proposal not relevant to any characteristic. An "
        "approver will check that decision before it stands.",
        done="The screening has been sent for sign-off.",
        hands_over="screened it out and sent it for sign-off",
    ),
    Event(
        "start_full_assessment",
        "Start full assessment",
        "Full assessment started",
        explanation="Screening found at least one characteristic relevant or not yet "
        "known, so the proposal needs a full assessment: evidence, "
        "engagement, the impact on each group, an action plan and the "
        "outcome.",
        done="The full assessment has started.",
    ),
    Event(
        "submit_for_sign_off",
        "Send for sign-off",
        "Sent for sign-off",
        explanation="The EIA goes to an approver in its directorate. Nobody can change "
        "it while it is with them.",
        done="The EIA has been sent for sign-off.",
        hands_over="sent it for sign-off",
    ),
    Event("approve", "Approve", "Approved"),
    Event("return", "Return to officer", "Returned", phrase_detail="to {to_state}"),
    Event(
        "start_review",
        "Start review",
        "Review started",
        explanation="The continuing duty: check whether the impacts are as expected and "
        "the actions worked, then confirm the EIA still stands or revise it.",
        done="The review has started.",
    ),
    Event(
        "confirm_review",
        "Confirm review",
        "Review confirmed",
        explanation="The EIA stays approved and the next review is set.",
        done="The review is confirmed: the EIA still stands.",
    ),
    Event(
        "revise",
        "Revise",
        "Revised",
        phrase_detail="(version {version} opened)",
        explanation="A new version of the EIA opens for a full assessment. The current "
        "version is kept, readable, as it stands; the actions and outcome "
        "carry forward.",
        done="A new version has been opened for revision.",
    ),
    Event(
        "withdraw",
        "Withdraw",
        "Withdrawn",
        explanation="The EIA will be closed for good because the proposal is not going "
        "ahead. It stays readable, with its history.",
        done="The EIA has been withdrawn.",
    ),
    Event(
        "archive",
        "Archive",
        "Archived",
        explanation="The policy has ended. The EIA will be closed for good and stay "
        "readable, with its history.",
        done="The EIA has been archived.",
    ),
)
_EVENTS_BY_NAME = {e.name: e for e in EVENT_RECORDS}
EVENT_LABELS = {e.name: e.label for e in EVENT_RECORDS}


def event(name: str) -> Event:
    return _EVENTS_BY_NAME[name]


def state(name: str) -> State:
    return _STATES_BY_NAME[name]


def transitions_for(event: str, source: str | None = None) -> list[Transition]:
    return [t for t in TRANSITIONS if t.event == event and (source is None or t.source == source)]


def destination_choices(event: str) -> dict[str, str]:
    """Where ``event`` can take an EIA, when the person chooses: {state: words}, in the
    table's order (the return's "The full assessment", "Screening")."""
    return {str(t.dest): t.choice for t in transitions_for(event) if t.choice}


def binds_content(event: str) -> bool:
    """A decision on the content (approve, return): the page it is taken on carries the
    content's fingerprint, and its audit record keeps the fingerprint decided on."""
    return any("content_seen" in t.needs for t in transitions_for(event))


def editable_sections(status: str) -> frozenset:
    return _STATES_BY_NAME[status].editable


def sections_where(**flags) -> tuple[str, ...]:
    """The keys of the sections whose flags have the values given, in the journey's order."""
    return tuple(
        s.key
        for s in SECTION_RECORDS
        if all(getattr(s, flag) == value for flag, value in flags.items())
    )


def section_short_name(key: str) -> str:
    """The history's name for a section ("Impacts"); an unknown key in words."""
    for s in SECTION_RECORDS:
        if s.key == key:
            return s.short
    return key.replace("_", " ").capitalize()


def decision_states() -> tuple[Status, ...]:
    """States in which a version awaits an approver's decision: those an event guarded by
    the segregation of duties leaves (sign-off, and the review)."""
    sources = {t.source for t in TRANSITIONS if "segregation_of_duties" in t.guards}
    return tuple(Status(s.name) for s in STATES if s.name in sources)


def submitting_states() -> tuple[Status, ...]:
    """States from which the EIA can be sent for sign-off (screened out, or submitted)."""
    sources = {t.source for t in TRANSITIONS if t.dest == Status.awaiting_sign_off}
    return tuple(Status(s.name) for s in STATES if s.name in sources)


def sign_off_events() -> tuple[str, ...]:
    """The decisions taken on the sign-off page (they bind to the content seen)."""
    return tuple(e for e in EVENTS if binds_content(e))


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

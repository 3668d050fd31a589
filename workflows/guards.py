"""Guards, actor rules and required inputs. Each returns the reasons it refuses, in words an
officer understands; an empty list means it passes."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from eia.capabilities import Capability, role_may
from eia.models import Eia, User, london_date, utcnow
from eia.models.enums import OPEN_ACTION_STATUSES, Direction, Outcome, Relevance

from .lifecycle import transitions_for


@dataclass
class GuardContext:
    eia: Eia
    actor: User | None  # None is the scheduler acting on its own
    inputs: dict = field(default_factory=dict)
    now: datetime = field(default_factory=utcnow)
    session: object | None = None
    dest: str | None = None
    # What eia.reporting.page_summaries kept about the EIA's rows (an EiaPageSummary), when
    # a page loaded that instead of the rows: the checks marked ``kept`` read it.
    kept: object | None = None
    # Every characteristic in order, when the caller loaded them already (rebuilding the
    # kept summaries of many EIAs); otherwise the checks that need them ask ``session``.
    characteristics: list | None = None

    @property
    def today(self) -> date:
        return london_date(self.now)

    @property
    def actor_name(self) -> str:
        return self.actor.name if self.actor is not None else "the scheduler"


Check = Callable[[GuardContext], list[str]]

# The checks on the EIA's rows (not on the EIA's own fields, the person or the date): what
# each says is kept with the EIA (eia.reporting.page_summaries), so the pages that show it
# read one row instead of every row.
KEPT_CHECKS: dict[str, Check] = {}


def kept(check: Check) -> Check:
    """Mark ``check`` as one whose answer is kept: it reads ``ctx.kept`` when a page gave one."""
    name = check.__name__

    def read_kept(ctx: GuardContext) -> list[str]:
        if ctx.kept is not None:
            return list(ctx.kept.problems.get(name, ()))
        return check(ctx)

    read_kept.__name__ = name
    read_kept.__doc__ = check.__doc__
    KEPT_CHECKS[name] = check
    return read_kept


# --- who may act -----------------------------------------------------------------------


# Roles are eia/capabilities.py's: each rule asks for a capability, so a new role given it
# is covered.


def _holds(ctx: GuardContext, capability: Capability) -> bool:
    a = ctx.actor
    return a is not None and a.active and role_may(a.role, capability)


def _is_team(ctx: GuardContext) -> bool:
    a, e = ctx.actor, ctx.eia
    if a is None or not a.active:
        return False
    if a.id == e.owner_id:
        return True
    return role_may(a.role, Capability.start_eias) and a.service_id == e.service_id


def _is_directorate_approver(ctx: GuardContext) -> bool:
    a = ctx.actor
    return (
        a is not None
        and a.active
        and role_may(a.role, Capability.sign_off)
        and a.effective_directorate_id == ctx.eia.directorate_id
    )


ACTOR_RULES: dict[str, tuple[Callable[[GuardContext], bool], str]] = {
    "scheduler": (lambda ctx: ctx.actor is None, "the scheduler"),
    "eia_team": (_is_team, "the EIA's owner or an officer in its service"),
    "directorate_approver": (_is_directorate_approver, "an approver for the EIA's directorate"),
    "equality_officer": (lambda ctx: _holds(ctx, Capability.equality_unit), "an equality officer"),
    "admin": (lambda ctx: _holds(ctx, Capability.administer), "an administrator"),
}


def who_reasons(rules: tuple[str, ...], ctx: GuardContext) -> list[str]:
    if any(ACTOR_RULES[r][0](ctx) for r in rules):
        return []
    people = [ACTOR_RULES[r][1] for r in rules if r != "scheduler"]
    allowed = people[0] if len(people) == 1 else ", ".join(people[:-1]) + " or " + people[-1]
    return [f"Only {allowed} can do this."]


# --- readiness ---------------------------------------------------------------------------

PROPOSAL_FIELDS = {
    "title": "a title",
    "summary": "a summary of the proposal",
    "proposal_type": "the kind of proposal",
    "affects": "who the proposal affects",
    "decision_type": "the kind of decision it feeds",
    "decision_maker": "who makes the decision",
}


def proposal_complete(ctx: GuardContext) -> list[str]:
    missing = [label for name, label in PROPOSAL_FIELDS.items() if not getattr(ctx.eia, name)]
    if not ctx.eia.publishable and not (ctx.eia.publishing_reason or "").strip():
        missing.append("why it will not be published in the register")
    if not missing:
        return []
    return ["The proposal is not complete: add " + _join(missing) + "."]


def in_scope_characteristics(eia: Eia, session, every: list | None = None) -> list:
    """Every active characteristic, plus any inactive one this EIA already answered.
    ``every``: all the characteristics in order, when the caller has them already."""
    from sqlmodel import select

    from eia.models import Characteristic

    answered = {a.characteristic_id for a in eia.screening_answers}
    if every is None:
        every = session.exec(select(Characteristic).order_by(Characteristic.position)).all()
    return [c for c in every if c.active or c.id in answered]


@kept
def screening_complete(ctx: GuardContext) -> list[str]:
    answers = {a.characteristic_id: a for a in ctx.eia.screening_answers}
    unanswered, unexplained = [], []
    for c in in_scope_characteristics(ctx.eia, ctx.session, ctx.characteristics):
        a = answers.get(c.id)
        if a is None or not a.relevance:
            unanswered.append(c.name.lower())
        elif not a.reason.strip():
            unexplained.append(c.name.lower())
    reasons = []
    if unanswered:
        reasons.append(
            "Screening is not complete: say whether it is relevant for " + _join(unanswered) + "."
        )
    if unexplained:
        reasons.append("Give a reason for your screening answer for " + _join(unexplained) + ".")
    return reasons


# What screening concludes (screen out, or a full assessment) is said only once screening is
# complete: until then ``screening_complete``, which both events also check, says what is
# missing, and these two say nothing about an outcome not yet known.


@kept
def all_not_relevant(ctx: GuardContext) -> list[str]:
    names = [
        a.characteristic.name.lower()
        for a in ctx.eia.screening_answers
        if a.relevance in (Relevance.relevant, Relevance.unknown)
    ]
    if not names or screening_complete(ctx):
        return []
    return [
        "A full assessment is needed because screening found "
        + _join(names)
        + " relevant or not yet known; it cannot be screened out."
    ]


@kept
def any_relevant_or_unknown(ctx: GuardContext) -> list[str]:
    if any(
        a.relevance in (Relevance.relevant, Relevance.unknown) for a in ctx.eia.screening_answers
    ) or screening_complete(ctx):
        return []
    return [
        "No characteristic was found relevant or unknown, so no full assessment is needed:"
        " screen the EIA out instead."
    ]


def characteristics_to_assess(eia: Eia) -> list:
    return [
        a.characteristic
        for a in eia.screening_answers
        if a.relevance in (Relevance.relevant, Relevance.unknown)
    ]


@kept
def characteristic_impacts_scored(ctx: GuardContext) -> list[str]:
    impacts = {i.characteristic_id: i for i in ctx.eia.impacts}
    unscored = [
        c.name.lower()
        for c in characteristics_to_assess(ctx.eia)
        if c.id not in impacts or not _scored(impacts[c.id])
    ]
    if not unscored:
        return []
    return [
        "Score the impact (direction, and likelihood and severity before and after "
        "mitigation) for " + _join(unscored) + "."
    ]


@kept
def intersectional_impacts_scored(ctx: GuardContext) -> list[str]:
    bad_combos = [
        x.description or "an unnamed combination"
        for x in ctx.eia.intersectional_impacts
        if not _scored(x)
    ]
    if not bad_combos:
        return []
    return ["Score the intersectional impact for " + _join(bad_combos) + "."]


def impacts_scored(ctx: GuardContext) -> list[str]:
    return characteristic_impacts_scored(ctx) + intersectional_impacts_scored(ctx)


def _scored(i) -> bool:
    return bool(i.direction) and None not in (
        i.inherent_likelihood,
        i.inherent_severity,
        i.residual_likelihood,
        i.residual_severity,
    )


@kept
def evidence_or_gap(ctx: GuardContext) -> list[str]:
    impacts = {i.characteristic_id: i for i in ctx.eia.impacts}
    missing = []
    for c in characteristics_to_assess(ctx.eia):
        i = impacts.get(c.id)
        if i is None:
            continue  # reported by impacts_scored
        if i.evidence_gap:
            if not i.evidence_gap_reason.strip():
                missing.append(c.name.lower())
        elif not i.evidence.strip():
            missing.append(c.name.lower())
    if not missing:
        return []
    return ["Give the evidence, or explain the evidence gap, for " + _join(missing) + "."]


def _unmitigated(rows, name) -> list[str]:
    return [name(i) for i in rows if i.direction == Direction.negative and not i.mitigation.strip()]


@kept
def negative_impacts_mitigated(ctx: GuardContext) -> list[str]:
    names = _unmitigated(ctx.eia.impacts, lambda i: i.characteristic.name.lower())
    names += _unmitigated(
        ctx.eia.intersectional_impacts, lambda x: x.description or "an intersectional impact"
    )
    if not names:
        return []
    return ["Say how the negative impact will be mitigated for " + _join(names) + "."]


def missing_from_action(action) -> list[str]:
    """What an open action lacks to be a plan: "an owner", "a due date" (empty if nothing,
    or if the action is done or cancelled)."""
    if action.status not in OPEN_ACTION_STATUSES:
        return []
    return [
        words
        for words, absent in (
            ("an owner", action.owner_id is None),
            ("a due date", action.due_date is None),
        )
        if absent
    ]


def action_name(action, limit: int = 80) -> str:
    """An action as a reason names it: its description, shortened at a word."""
    text = " ".join((action.description or "").split()) or "with no description"
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


@kept
def actions_planned(ctx: GuardContext) -> list[str]:
    """An action without an owner and a due date is not a plan: the action plan is complete,
    and the EIA can be sent for sign-off, only when every open action has both. One reason
    per action, saying what to add (an evidence gap's action starts with no due date)."""
    reasons = []
    for action in sorted(ctx.eia.actions, key=lambda a: (a.id is None, a.id)):
        missing = missing_from_action(action)
        if missing:
            reasons.append(f"Give the action “{action_name(action)}” {_join(missing)}.")
    return reasons


def outcome_chosen(ctx: GuardContext) -> list[str]:
    e = ctx.eia
    if not e.outcome:
        return ["Choose the outcome of the assessment (one of the four)."]
    if e.outcome == Outcome.continue_despite_adverse:
        missing = [
            label
            for value, label in (
                (e.justification_legitimate_aim, "the legitimate aim"),
                (e.justification_less_harmful, "why no less harmful way would achieve it"),
                (e.justification_proportionate, "why it is proportionate"),
            )
            if not value.strip()
        ]
        if missing:
            return [
                "Outcome 3 (continue despite adverse impact) needs its justification: "
                "explain " + _join(missing) + "."
            ]
    return []


def review_date_set(ctx: GuardContext) -> list[str]:
    if ctx.eia.review_date is None:
        return ["Set a review date."]
    if ctx.eia.review_date <= ctx.today:
        return ["The review date must be in the future."]
    return []


def segregation_of_duties(ctx: GuardContext) -> list[str]:
    """Nobody decides on a version they wrote, edited or sent for sign-off (read from the
    audit trail: workflows.segregation)."""
    from .segregation import refusal

    return refusal(ctx.session, ctx.eia, ctx.actor)


def review_due_for_scheduler(ctx: GuardContext) -> list[str]:
    if ctx.actor is not None:
        return []  # a person may start a review early
    if ctx.eia.review_date is None or ctx.eia.review_date > ctx.today:
        return ["The review date has not come yet."]
    return []


GUARDS: dict[str, Check] = {
    "proposal_complete": proposal_complete,
    "screening_complete": screening_complete,
    "all_not_relevant": all_not_relevant,
    "any_relevant_or_unknown": any_relevant_or_unknown,
    "impacts_scored": impacts_scored,
    "evidence_or_gap": evidence_or_gap,
    "negative_impacts_mitigated": negative_impacts_mitigated,
    "actions_planned": actions_planned,
    "outcome_chosen": outcome_chosen,
    "review_date_set": review_date_set,
    "segregation_of_duties": segregation_of_duties,
    "review_due_for_scheduler": review_due_for_scheduler,
}


# --- what the person must supply ---------------------------------------------------------


def _text(ctx: GuardContext, name: str) -> str:
    value = ctx.inputs.get(name)
    return value.strip() if isinstance(value, str) else ""


def decision_date_passed(eia: Eia, today: date) -> bool:
    return eia.decision_date is not None and eia.decision_date < today


def _need_attestation(ctx):
    if ctx.inputs.get("attested") is True:
        return []
    return ["Confirm that you have read the impacts on each group and had regard to them."]


def _need_content_seen(ctx):
    """The decision is bound to the content the person read: the page they read it on
    carries its fingerprint (``seen``; the sign-off form always sends it), and the decision
    is refused if the EIA has changed since (returned, edited and sent again while the page
    was open). A caller with no page (the demo loader) sends none; the audit record of every
    decision keeps the fingerprint of the content decided on, either way."""
    from eia.snapshot import fingerprint_of

    if "seen" not in ctx.inputs:
        return []
    seen = ctx.inputs.get("seen")
    if isinstance(seen, str) and seen == fingerprint_of(ctx.eia):
        return []
    if not seen:
        return [
            "Open the EIA again and read it before you decide: your decision did not say "
            "which version of its content you read."
        ]
    return [
        "The EIA has changed since you opened this page (it was returned, changed and "
        "sent again). Read it again as it is now, below, then record your decision."
    ]


def _need_late_reason(ctx):
    if decision_date_passed(ctx.eia, ctx.today) and not _text(ctx, "late_reason"):
        return [
            f"The decision date ({ctx.eia.decision_date:%-d %B %Y}) has passed: give the "
            "reason sign-off is late. The approval will be flagged as late."
        ]
    return []


def _need_next_review_date(ctx):
    value = ctx.inputs.get("next_review_date")
    if not isinstance(value, date):
        return ["Give the date of the next review."]
    if value <= ctx.today:
        return ["The next review date must be in the future."]
    return []


def _need_return_target(ctx):
    target = ctx.inputs.get("return_to") or "full_assessment"
    if target not in {t.dest for t in transitions_for("return")}:
        return ["Choose whether the EIA goes back to screening or to the full assessment."]
    return []


NEEDS: dict[str, tuple[Check, str]] = {
    "comment": (
        lambda ctx: [] if _text(ctx, "comment") else ["Say what the officer needs to change."],
        "a comment saying what to change",
    ),
    "reason": (lambda ctx: [] if _text(ctx, "reason") else ["Give a reason."], "a reason"),
    "attestation": (_need_attestation, "your confirmation that you have read the impacts"),
    # The page sends it without the person doing anything, so it is not listed as a need.
    "content_seen": (_need_content_seen, ""),
    "late_reason": (_need_late_reason, "a reason, if the decision date has passed"),
    "return_target": (_need_return_target, "where the EIA goes back to"),
    "review_notes": (
        lambda ctx: [] if _text(ctx, "review_notes") else ["Write your review notes."],
        "review notes",
    ),
    "next_review_date": (_need_next_review_date, "the next review date"),
}

# The input each need reads from ``ctx.inputs``: the name of the form field that gives it on
# the sign-off page (forms/signoff.py) and the event pages (forms/events.py), so a refusal
# for want of it links to that field and is shown beside it. ``seen`` is carried by the page,
# never typed: a refusal of it is about the EIA having changed, and links to nothing.
NEED_INPUTS: dict[str, str] = {
    "comment": "comment",
    "reason": "reason",
    "attestation": "attested",
    "content_seen": "seen",
    "late_reason": "late_reason",
    "return_target": "return_to",
    "review_notes": "review_notes",
    "next_review_date": "next_review_date",
}


def _join(items: list[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]

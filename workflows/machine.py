"""One module-level ``transitions`` machine, driven through a thin wrapper around the row.

SQLModel rows refuse the attributes ``transitions`` binds to its models, so the machine has
no models of its own (``model=None``); each event is fired on an ``_EiaModel`` whose
``status`` reads and writes the row's column.
"""

from dataclasses import dataclass
from functools import partial

from transitions import Machine

from eia.models.enums import Relevance

from .effects import EFFECTS
from .guards import ACTOR_RULES, GUARDS, NEEDS, GuardContext, who_reasons
from .lifecycle import (
    EVENT_LABELS,
    STATES,
    TRANSITIONS,
    Status,
    Transition,
    state,
    transitions_for,
)


class TransitionRefused(Exception):
    """An event the machine will not fire now, with every reason in plain words.
    ``forbidden`` is true when the refusal is about the person (their role, or having
    written the EIA), not about the EIA's readiness. ``needs`` holds the reasons that are
    about what the person gave with the event, by need (``{"attestation": [...]}``), so a
    page can show each beside its input (guards.NEED_INPUTS)."""

    def __init__(
        self,
        event: str,
        reasons: list[str],
        forbidden: bool = False,
        needs: dict[str, list[str]] | None = None,
    ):
        self.event = event
        self.reasons = reasons
        self.forbidden = forbidden
        self.needs = needs or {}
        super().__init__(f"{EVENT_LABELS.get(event, event)} refused: " + " ".join(reasons))


class _EiaModel:
    def __init__(self, ctx: GuardContext):
        self.ctx = ctx

    @property
    def status(self) -> str:
        return self.ctx.eia.status

    @status.setter
    def status(self, value: str) -> None:
        self.ctx.eia.status = value


def _chosen_destination(event_data) -> bool:
    """Of the rows sharing an event and source (``return``), take the one asked for."""
    ctx: GuardContext = event_data.kwargs["ctx"]
    return event_data.transition.dest == ctx.dest


def _still_allowed(row: Transition, event_data) -> bool:
    """A last check inside the machine, so no caller can fire an event past its guards."""
    return not _reasons(row, event_data.kwargs["ctx"])


def _run_effect(name: str, event_data) -> None:
    EFFECTS[name](event_data.kwargs["ctx"])


MACHINE = Machine(
    model=None,
    states=[str(s.name) for s in STATES],
    initial=str(Status.draft),
    transitions=[
        {
            "trigger": row.event,
            "source": str(row.source),
            "dest": str(row.dest),
            "conditions": [_chosen_destination, partial(_still_allowed, row)],
            "after": [partial(_run_effect, name) for name in row.effects],
        }
        for row in TRANSITIONS
    ],
    auto_transitions=False,
    send_event=True,
    model_attribute="status",
)


def _default_return_target(ctx: GuardContext) -> str:
    if ctx.kept is not None:
        needs_full = bool(ctx.kept.facts.get("relevant_or_unknown"))
    else:
        needs_full = any(
            a.relevance in (Relevance.relevant, Relevance.unknown)
            for a in ctx.eia.screening_answers
        )
    return Status.full_assessment if needs_full else Status.screening


def _row_for(event: str, ctx: GuardContext) -> Transition | None:
    rows = transitions_for(event, ctx.eia.status)
    if not rows:
        return None
    if len(rows) == 1:
        return rows[0]
    wanted = ctx.inputs.get("return_to") or _default_return_target(ctx)
    return next((r for r in rows if r.dest == wanted), rows[0])


def _reasons(row: Transition, ctx: GuardContext, *, with_needs: bool = True) -> list[str]:
    reasons = who_reasons(row.who, ctx)
    for name in row.guards:
        reasons += GUARDS[name](ctx)
    if with_needs:
        for name in row.needs:
            reasons += NEEDS[name][0](ctx)
    return reasons


def refusal_reasons(event: str, ctx: GuardContext, *, with_needs: bool = True) -> list[str]:
    """Why ``event`` cannot be fired now with these inputs (empty if it can); with
    ``with_needs=False``, only why it cannot be fired whatever the person gives with it."""
    if event not in EVENT_LABELS:
        return [f"There is no such step as “{event}”."]
    row = _row_for(event, ctx)
    if row is None:
        return [
            f"“{EVENT_LABELS[event]}” is not possible while the EIA is "
            f"{state(ctx.eia.status).label.lower()}."
        ]
    return _reasons(row, ctx, with_needs=with_needs)


def unmet_needs(event: str, ctx: GuardContext) -> dict[str, list[str]]:
    """The reasons each need of ``event`` gives with these inputs, by need, for those that
    give any: what the person must still supply."""
    row = _row_for(event, ctx) if event in EVENT_LABELS else None
    if row is None:
        return {}
    return {name: found for name in row.needs if (found := NEEDS[name][0](ctx))}


# Guards that judge the person rather than the EIA.
PERSONAL_GUARDS = ("segregation_of_duties",)


def _about_the_person(row: Transition | None, ctx: GuardContext) -> bool:
    if row is None:
        return False
    return bool(who_reasons(row.who, ctx)) or any(
        GUARDS[name](ctx) for name in row.guards if name in PERSONAL_GUARDS
    )


def fire(event: str, ctx: GuardContext) -> tuple[str, str]:
    """Fire ``event`` or raise ``TransitionRefused``. Returns (from_state, to_state)."""
    reasons = refusal_reasons(event, ctx)
    row = _row_for(event, ctx) if event in EVENT_LABELS else None
    if reasons:
        raise TransitionRefused(
            event, reasons, forbidden=_about_the_person(row, ctx), needs=unmet_needs(event, ctx)
        )
    ctx.dest = row.dest
    source = ctx.eia.status
    if not MACHINE.events[event].trigger(_EiaModel(ctx), ctx=ctx):
        raise TransitionRefused(event, ["The EIA changed while you were working: try again."])
    return source, ctx.eia.status


@dataclass(frozen=True)
class EventOption:
    event: str
    label: str
    dest: str
    allowed: bool
    reasons: tuple[str, ...]
    needs: tuple[str, ...]
    # Refused because of who the person is (their role, or having worked on this version),
    # not because of the EIA's readiness: nothing they can do would let them fire it.
    not_theirs: bool = False


def available_events(ctx: GuardContext) -> list[EventOption]:
    """Which events this person may fire on this EIA now, and, for the others, why not.

    Only events leaving the current state are listed; those the person has no part in
    (the wrong role entirely, or a decision on a version they worked on) are listed as not
    allowed with the reason, and marked ``not_theirs``. What the person must still supply
    (a comment, an attestation) is listed under ``needs``.
    """
    options = []
    for trigger in MACHINE.get_triggers(ctx.eia.status):
        for row in transitions_for(trigger, ctx.eia.status):
            reasons = _reasons(row, ctx, with_needs=False)
            needs = tuple(
                NEEDS[n][1]
                for n in row.needs
                if NEEDS[n][1] and not (n == "late_reason" and not NEEDS[n][0](ctx))
            )
            options.append(
                EventOption(
                    row.event,
                    row.label,
                    row.dest,
                    not reasons,
                    tuple(reasons),
                    needs,
                    not_theirs=bool(reasons) and _about_the_person(row, ctx),
                )
            )
    return options


def event_readiness(ctx: GuardContext) -> list[EventOption]:
    """Events leaving the current state and the data conditions each still lacks, whoever
    asks (the person's role is not considered): "what is missing before this can move on"."""
    options = []
    for trigger in MACHINE.get_triggers(ctx.eia.status):
        for row in transitions_for(trigger, ctx.eia.status):
            reasons = []
            for name in row.guards:
                if name not in PERSONAL_GUARDS:
                    reasons += GUARDS[name](ctx)
            options.append(
                EventOption(
                    row.event,
                    row.label,
                    row.dest,
                    not reasons,
                    tuple(reasons),
                    tuple(NEEDS[n][1] for n in row.needs if NEEDS[n][1]),
                )
            )
    return options


__all__ = [
    "ACTOR_RULES",
    "MACHINE",
    "EventOption",
    "TransitionRefused",
    "available_events",
    "event_readiness",
    "fire",
    "refusal_reasons",
    "unmet_needs",
]

"""The EIA lifecycle: states, events and guards held as one table of data."""

from .lifecycle import SECTIONS, STATES, TRANSITIONS, Status, state, states_where, transitions_for
from .machine import (
    EventOption,
    TransitionRefused,
    available_events,
    event_readiness,
    fire,
    refusal_reasons,
)

__all__ = [
    "SECTIONS",
    "STATES",
    "TRANSITIONS",
    "EventOption",
    "Status",
    "TransitionRefused",
    "available_events",
    "event_readiness",
    "fire",
    "refusal_reasons",
    "state",
    "states_where",
    "transitions_for",
]

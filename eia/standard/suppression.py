"""Small numbers in the published feed.

**Rule.** A count from 1 to 4 is published as the string ``"<5"``; 0 is published as 0 (it
identifies nobody) and 5 or more as the number. A count suppressed this way must not be
recoverable from the figures around it, so a second rule applies to every set of figures
that add up (``additive sets``): one figure's cells for every directorate of a year with the
council's total, and a row's outcome mix with its decisions signed off. **In no such set is
a suppressed cell left alone**: where a set has exactly one, its smallest other cell (the
first such, in the set's order) is suppressed too, and this is repeated until no set has
exactly one. A share is published only when both counts behind it are published, and a
median only when it is taken over five or more decisions.

``Grid`` holds the counts by address; ``suppress`` decides which cells are shown as "<5".
"""

from collections.abc import Hashable, Iterable

SMALL = 5
HIDDEN = "<5"


def primary(value: int) -> bool:
    return 0 < value < SMALL


def suppress(values: dict[Hashable, int], sets: Iterable[list[Hashable]]) -> set[Hashable]:
    """The addresses of ``values`` to publish as "<5"."""
    hidden = {k for k, v in values.items() if primary(v)}
    sets = [[k for k in s if k in values] for s in sets]
    changed = True
    while changed:
        changed = False
        for members in sets:
            alone = [k for k in members if k in hidden]
            if len(alone) != 1:
                continue
            others = [k for k in members if k not in hidden]
            if others:
                hidden.add(min(others, key=lambda k: values[k]))
                changed = True
    return hidden


def shown(value: int, hidden: bool) -> int | str:
    return HIDDEN if hidden else value

"""Likelihood x severity scoring and the bands the council reports."""

from dataclasses import dataclass

import sqlalchemy as sa

LIKELIHOOD_LABELS = {1: "Unlikely", 2: "Possible", 3: "Likely", 4: "Almost certain"}
SEVERITY_LABELS = {1: "Minimal", 2: "Moderate", 3: "Significant", 4: "Severe"}


@dataclass(frozen=True)
class Band:
    key: str
    label: str
    rank: int  # higher is worse


NEGLIGIBLE = Band("negligible", "Negligible", 1)
LOW = Band("low", "Low", 2)
MEDIUM = Band("medium", "Medium", 3)
HIGH = Band("high", "High", 4)
BANDS = (NEGLIGIBLE, LOW, MEDIUM, HIGH)


SCALE = (1, 2, 3, 4)
# The scores that can occur: one number from 1 to 4 times another. 5, 7, 10, 11, 13, 14 and
# 15 never do.
POSSIBLE_SCORES = tuple(
    sorted({likelihood * severity for likelihood in SCALE for severity in SCALE})
)


def band_for(score: int | None) -> Band | None:
    """1 or 2 negligible, 3 or 4 low, 6, 8 or 9 medium, 12 or 16 high (the scores that can
    occur: POSSIBLE_SCORES)."""
    if score is None:
        return None
    if not 1 <= score <= 16:
        raise ValueError(f"a likelihood x severity score is between 1 and 16, not {score}")
    if score <= 2:
        return NEGLIGIBLE
    if score <= 4:
        return LOW
    if score <= 9:
        return MEDIUM
    return HIGH


def scores_in(band: Band) -> list[int]:
    """The scores that can occur in ``band``, lowest first."""
    return [score for score in POSSIBLE_SCORES if band_for(score) == band]


def bands_in_words() -> str:
    """ "1 or 2 negligible, 3 or 4 low, 6, 8 or 9 medium, 12 or 16 high": each band with
    the scores that can fall in it, so no range seems to skip a number."""

    def either(numbers):
        words = [str(n) for n in numbers]
        return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]

    return ", ".join(f"{either(scores_in(band))} {band.label.lower()}" for band in BANDS)


def band_case(likelihood_col, severity_col):
    """The same banding as a SQL expression, for aggregation in the database."""
    score = likelihood_col * severity_col
    return sa.case(
        (score <= 2, NEGLIGIBLE.key),
        (score <= 4, LOW.key),
        (score <= 9, MEDIUM.key),
        else_=HIGH.key,
    )


def overall_rating(impacts) -> Band | None:
    """An EIA's overall rating is its worst residual band among adverse or unclear impacts."""
    bands = [
        i.residual_band
        for i in impacts
        if i.direction in ("negative", "unclear") and i.residual_band is not None
    ]
    return max(bands, key=lambda b: b.rank) if bands else None


def impact_name(item) -> str:
    """What to call an impact: its own name, its characteristic's, or the group's words."""
    name = getattr(item, "name", None)
    if name:
        return name
    characteristic = getattr(item, "characteristic", None)
    if characteristic is not None:
        return characteristic.name
    return getattr(item, "description", "") or "Unnamed combination"

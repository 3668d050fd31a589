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


def band_for(score: int | None) -> Band | None:
    """1-2 negligible, 3-4 low, 6-9 medium, 12-16 high (products of two 1-4 scales)."""
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

"""Cumulative impact: the negative residual impacts on one group across many decisions.

Choose one characteristic (disability, say), or several for an intersectional group (race
and sex), and a period (decision dates) or a tagged decision round ("Budget 2027/28"). The
list holds every **negative** impact, scored after mitigation, in a **signed-off** EIA
(approved, under review or archived) that falls on the group: an impact on any chosen
characteristic, or an intersectional impact that includes any of them (an impact on disabled
people falls on disabled women too).

When ``WARNING_AT`` or more decisions (distinct EIAs) fall on the same group, the page warns
that their cumulative impact needs considering together: the Brown principles ask for due
regard in substance, and several small cuts can add up to a severe one. A council may change
the number with the ``CUMULATIVE_IMPACT_WARNING_AT`` setting.
"""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, select

from eia.models import (
    Characteristic,
    Directorate,
    Eia,
    ImpactAssessment,
    IntersectionalCharacteristic,
    IntersectionalImpact,
)
from eia.scoring import BANDS, band_case

from .figures import SIGNED_OFF

WARNING_AT = 2  # decisions falling on the same group before the page warns
BAND_LABELS = {b.key: b.label for b in BANDS}


@dataclass(frozen=True)
class CumulativeRow:
    reference: str
    title: str
    status: str
    directorate: str
    decision_date: date | None
    decision_round: str | None
    group: str  # the characteristic's name, or the intersectional group in words
    intersectional: bool
    band: str | None
    score: int | None
    mitigation: str

    @property
    def band_label(self) -> str:
        return BAND_LABELS.get(self.band, "Not scored")


@dataclass(frozen=True)
class Cumulative:
    rows: list[CumulativeRow]
    decisions: int  # distinct EIAs
    warning_at: int

    @property
    def warn(self) -> bool:
        return self.decisions >= self.warning_at


def _eia_scope(date_from, date_to, decision_round):
    parts = [Eia.status.in_(SIGNED_OFF)]
    if date_from is not None:
        parts.append(Eia.decision_date >= date_from)
    if date_to is not None:
        parts.append(Eia.decision_date <= date_to)
    if decision_round:
        parts.append(Eia.decision_round == decision_round)
    return sa.and_(*parts)


def _impacts(characteristic_ids, scope):
    """Both kinds of impact on the group, as one UNION ALL."""

    def columns(model, group, intersectional: bool):
        score = model.residual_likelihood * model.residual_severity
        return (
            Eia.id.label("eia_id"),
            Eia.reference,
            Eia.title,
            Eia.status,
            Directorate.name.label("directorate"),
            Eia.decision_date,
            Eia.decision_round,
            group.label("grp"),
            sa.literal(intersectional).label("intersectional"),
            sa.case(
                (score.is_not(None), band_case(model.residual_likelihood, model.residual_severity)),
                else_=None,
            ).label("band"),
            score.label("score"),
            model.mitigation,
        )

    single = (
        select(*columns(ImpactAssessment, Characteristic.name, False))
        .join(Eia, Eia.id == ImpactAssessment.eia_id)
        .join(Directorate, Directorate.id == Eia.directorate_id)
        .join(Characteristic, Characteristic.id == ImpactAssessment.characteristic_id)
        .where(
            scope,
            ImpactAssessment.direction == "negative",
            ImpactAssessment.characteristic_id.in_(characteristic_ids),
        )
    )
    combined = (
        select(*columns(IntersectionalImpact, IntersectionalImpact.description, True))
        .join(Eia, Eia.id == IntersectionalImpact.eia_id)
        .join(Directorate, Directorate.id == Eia.directorate_id)
        .where(
            scope,
            IntersectionalImpact.direction == "negative",
            sa.exists(
                select(IntersectionalCharacteristic.characteristic_id).where(
                    IntersectionalCharacteristic.intersectional_impact_id
                    == IntersectionalImpact.id,
                    IntersectionalCharacteristic.characteristic_id.in_(characteristic_ids),
                )
            ),
        )
    )
    return sa.union_all(single, combined).subquery("impacts")


def cumulative_impact(
    session: Session,
    characteristic_ids: list[int],
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    decision_round: str | None = None,
    warning_at: int = WARNING_AT,
) -> Cumulative:
    """Two queries: the impacts (worst first, then by decision date) and how many distinct
    decisions they come from."""
    impacts = _impacts(list(characteristic_ids), _eia_scope(date_from, date_to, decision_round))
    rows = session.exec(
        select(
            impacts.c.reference,
            impacts.c.title,
            impacts.c.status,
            impacts.c.directorate,
            impacts.c.decision_date,
            impacts.c.decision_round,
            impacts.c.grp,
            impacts.c.intersectional,
            impacts.c.band,
            impacts.c.score,
            impacts.c.mitigation,
        ).order_by(
            impacts.c.score.desc().nulls_last(),
            impacts.c.decision_date,
            impacts.c.reference,
            impacts.c.grp,
        )
    ).all()
    decisions = session.exec(select(sa.func.count(sa.distinct(impacts.c.eia_id)))).one()
    return Cumulative(
        [CumulativeRow(*r[:7], bool(r[7]), r[8], r[9], r[10] or "") for r in rows],
        int(decisions),
        warning_at,
    )


def decision_rounds(session: Session) -> list[str]:
    """The decision rounds EIAs are tagged with, for the form."""
    return list(
        session.exec(
            select(Eia.decision_round)
            .where(Eia.decision_round.is_not(None), Eia.decision_round != "")
            .distinct()
            .order_by(Eia.decision_round)
        ).all()
    )


def characteristic_choices(session: Session) -> list[tuple[int, str]]:
    """(id, name) of each characteristic in its order, for the form."""
    return [
        tuple(r)
        for r in session.exec(
            select(Characteristic.id, Characteristic.name).order_by(
                Characteristic.position, Characteristic.id
            )
        ).all()
    ]

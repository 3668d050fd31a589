"""The dashboard's filters: directorate, service, period and kind of proposal.

They come from a GET form (``forms.dashboard``: it works without JavaScript and every
figure's drill-down link can carry them), which offers what ``filter_options`` lists, checks
what was sent and hands over plain ``Filters``: ``Filters.clause()`` is the WHERE clause
every figure applies to ``Eia``; ``Filters.args()`` gives them back as URL values.

The period is about the **decision date**: an EIA is in a period when the decision it feeds
is dated within it (EIAs with no decision date are left out once a period is chosen). The
completion figures count decisions, one per version, each in a period by its own date.
"""

import re
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, select

from eia.models import Directorate, Eia, EiaDecision, Service
from eia.models.enums import PROPOSAL_TYPE_LABELS

from .sql import quarter_key_of

QUARTER_MONTHS = {
    1: "April to June",
    2: "July to September",
    3: "October to December",
    4: "January to March",
}
_QUARTER_VALUE = re.compile(r"^(\d{4})-Q([1-4])$")


@dataclass(frozen=True, order=True)
class Quarter:
    """A quarter of the council's financial year (1 April to 31 March)."""

    start_year: int
    number: int

    @classmethod
    def from_key(cls, key: int) -> "Quarter":
        return cls(key // 10, key % 10)

    @classmethod
    def of(cls, day: date) -> "Quarter":
        return cls.from_key(quarter_key_of(day))

    @classmethod
    def parse(cls, value: str) -> "Quarter | None":
        found = _QUARTER_VALUE.match(value or "")
        if not found or not 1900 <= int(found.group(1)) <= 2999:
            return None
        return cls(int(found.group(1)), int(found.group(2)))

    @property
    def key(self) -> int:
        return self.start_year * 10 + self.number

    @property
    def value(self) -> str:
        """How the quarter travels in a URL: "2026-Q1"."""
        return f"{self.start_year}-Q{self.number}"

    @property
    def label(self) -> str:
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d} Q{self.number}"

    @property
    def long_label(self) -> str:
        return f"{self.label} ({QUARTER_MONTHS[self.number]} {self.first_day.year})"

    @property
    def first_day(self) -> date:
        if self.number == 4:
            return date(self.start_year + 1, 1, 1)
        return date(self.start_year, 3 * self.number + 1, 1)

    @property
    def last_day(self) -> date:
        following = self.next()
        return date.fromordinal(following.first_day.toordinal() - 1)

    def next(self) -> "Quarter":
        return (
            Quarter(self.start_year + 1, 1)
            if self.number == 4
            else Quarter(self.start_year, self.number + 1)
        )


@dataclass(frozen=True)
class Filters:
    directorate_id: int | None = None
    service_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    quarter: Quarter | None = None
    proposal_type: str | None = None

    @property
    def period(self) -> tuple[date | None, date | None]:
        """The decision dates included (either end open), from the quarter or the dates."""
        if self.quarter is not None:
            return self.quarter.first_day, self.quarter.last_day
        return self.date_from, self.date_to

    def clause(self, decision_date=None) -> sa.ColumnElement[bool]:
        """The WHERE clause on ``Eia`` every figure applies; the period applies to
        ``decision_date`` (the EIA's own, unless a figure counts decisions, each with its
        own date: ``eia.reporting.decisions``)."""
        decision_date = Eia.decision_date if decision_date is None else decision_date
        parts = []
        if self.directorate_id is not None:
            parts.append(Eia.directorate_id == self.directorate_id)
        if self.service_id is not None:
            parts.append(Eia.service_id == self.service_id)
        start, end = self.period
        if start is not None:
            parts.append(decision_date >= start)
        if end is not None:
            parts.append(decision_date <= end)
        if self.proposal_type is not None:
            parts.append(Eia.proposal_type == self.proposal_type)
        return sa.and_(*parts) if parts else sa.true()

    def args(self) -> dict[str, str]:
        """The filters as the form sends them, for links that keep them."""
        out = {}
        if self.directorate_id is not None:
            out["directorate"] = str(self.directorate_id)
        if self.service_id is not None:
            out["service"] = str(self.service_id)
        if self.quarter is not None:
            out["quarter"] = self.quarter.value
        for name, value in (("from", self.date_from), ("to", self.date_to)):
            if value is not None:
                out.update(
                    {
                        f"{name}-day": str(value.day),
                        f"{name}-month": str(value.month),
                        f"{name}-year": str(value.year),
                    }
                )
        if self.proposal_type is not None:
            out["proposal_type"] = self.proposal_type
        return out

    @property
    def active(self) -> bool:
        return self != Filters()


@dataclass(frozen=True)
class Options:
    """What the filter form offers."""

    directorates: list[tuple[int, str]]
    services: list[tuple[int, str, int, str]]  # id, name, directorate id, directorate name
    quarters: list[Quarter]
    proposal_types: dict[str, str] = field(default_factory=lambda: dict(PROPOSAL_TYPE_LABELS))

    @property
    def quarter_choices(self) -> list[tuple[str, str]]:
        return [(q.value, q.long_label) for q in self.quarters]

    @property
    def service_groups(self) -> list[tuple[str, list[tuple[int, str]]]]:
        """Services under their directorate's name, for the form's option groups."""
        groups: dict[str, list[tuple[int, str]]] = {}
        for service_id, name, _, directorate in self.services:
            groups.setdefault(directorate, []).append((service_id, name))
        return list(groups.items())


def filter_options(session: Session, today: date) -> Options:
    """Three queries: directorates, services, and the span of decision dates, the EIAs' and
    their signed-off versions' (for the quarters: from the earliest decision date, or a year
    ago, to the latest, or a year on)."""
    directorates = [
        tuple(r)
        for r in session.exec(
            select(Directorate.id, Directorate.name).order_by(Directorate.name)
        ).all()
    ]
    services = [
        tuple(r)
        for r in session.exec(
            select(Service.id, Service.name, Directorate.id, Directorate.name)
            .join(Directorate, Directorate.id == Service.directorate_id)
            .order_by(Directorate.name, Service.name)
        ).all()
    ]
    frozen = select(
        sa.func.min(EiaDecision.decision_date).label("earliest"),
        sa.func.max(EiaDecision.decision_date).label("latest"),
    ).subquery("frozen")
    earliest, latest, frozen_earliest, frozen_latest = session.exec(
        select(
            sa.func.min(Eia.decision_date),
            sa.func.max(Eia.decision_date),
            sa.func.min(frozen.c.earliest),
            sa.func.max(frozen.c.latest),
        )
        .select_from(Eia)
        .outerjoin(frozen, sa.true())
    ).one()
    earliest = min((d for d in (earliest, frozen_earliest) if d is not None), default=None)
    latest = max((d for d in (latest, frozen_latest) if d is not None), default=None)
    year_ago, year_on = date(today.year - 1, today.month, 1), date(today.year + 1, today.month, 1)
    first = Quarter.of(min(d for d in (earliest, year_ago) if d is not None))
    last = Quarter.of(max(d for d in (latest, year_on) if d is not None))
    quarters, q = [], first
    while q <= last and len(quarters) < 80:
        quarters.append(q)
        q = q.next()
    return Options(directorates, services, list(reversed(quarters)))

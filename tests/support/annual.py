"""A council with known annual figures for the financial year 2025/26 (1 April 2025 to
31 March 2026) and the year before it, each EIA driven through the real operations on the
days given (tests/test_annual_report.py counts them)."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from eia import operations as ops
from eia.models import ActionItem, Characteristic, EngagementRecord
from eia.reporting.years import FinancialYear

TODAY = date(2026, 6, 1)
YEAR = FinancialYear(2025)


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


class Story:
    """One EIA of ``service`` driven through the real operations on the days given."""

    def __init__(self, db, make, owner, approver, *, decision_date: date | None, started: date):
        self.db, self.make, self.owner, self.approver = db, make, owner, approver
        self.eia = ops.create_eia(db, owner, service=owner.service, at=at(started), title="P")
        ops.update_eia(
            db,
            self.eia,
            "proposal",
            owner,
            dict(
                summary="Shorter opening hours at two libraries.",
                proposal_type="service_change",
                affects=["residents"],
                decision_type="committee",
                decision_maker="Executive",
                decision_date=decision_date,
            ),
            at=at(started),
        )
        self.fire("start_screening", started)
        make.screen(self.eia, owner)
        self.fire("start_full_assessment", started)
        make.assess(self.eia, owner)
        db.flush()

    def fire(self, event: str, day: date, actor=None, **inputs):
        ops.transition(self.db, self.eia, event, actor or self.owner, at=at(day), **inputs)
        self.db.flush()
        return self

    def approve(self, day: date):
        late = self.eia.decision_date is not None and day > self.eia.decision_date
        self.fire("submit_for_sign_off", day - timedelta(days=1))
        return self.fire(
            "approve",
            day,
            self.approver,
            attested=True,
            **({"late_reason": "The committee met early."} if late else {}),
        )

    def revise(self, day: date, decision_date: date | None):
        self.fire("start_review", day - timedelta(days=1))
        self.fire("revise", day, self.approver, review_notes="The service changed again.")
        ops.update_eia(
            self.db, self.eia, "proposal", self.owner, {"decision_date": decision_date}, at=at(day)
        )
        self.db.flush()
        return self

    def impact(self, key: str, **values):
        """Rescore the live impact on characteristic ``key``."""
        impact = next(i for i in self.eia.impacts if i.characteristic.key == key)
        for name, value in values.items():
            setattr(impact, name, value)
        self.db.add(impact)
        self.db.flush()


@dataclass
class World:
    a: object
    b: object
    stories: dict


def characteristic(db, key: str) -> Characteristic:
    from sqlmodel import select

    return db.exec(select(Characteristic).where(Characteristic.key == key)).one()


def build_annual_world(db, make) -> World:
    """Directorate A and B. In 2025/26 (the numbers the tests expect):

    A: ``boundary_in`` decided 31 March 2026, signed off on time (and an intersectional
       race-and-sex impact, high); ``boundary_out`` decided 1 April 2026 (next year);
       ``late`` decided 1 April 2025, started and signed off after it; ``missed`` decided
       1 June 2025, never signed off; ``no_date`` signed off 5 May 2025 with no decision
       date; ``last_year`` decided 31 March 2025 (2024/25), on time.
    B: ``revised``: version 1 decided 1 May 2025 (on time), version 2 decided 1 September
       2025 (on time) with its disability impact now positive; ``archived``: decided
       1 July 2025, on time, then archived (counted in completion, not in the groups).
    """
    a, b = make.directorate("Directorate A"), make.directorate("Directorate B")
    officer_a = make.user("officer", service=make.service(a, "Service A"))
    officer_b = make.user("officer", service=make.service(b, "Service B"))
    approver_a = make.user("approver", directorate=a)
    approver_b = make.user("approver", directorate=b)

    def story(directorate_a: bool, **kw):
        if directorate_a:
            return Story(db, make, officer_a, approver_a, **kw)
        return Story(db, make, officer_b, approver_b, **kw)

    s = {}
    s["boundary_in"] = story(True, decision_date=date(2026, 3, 31), started=date(2026, 3, 2))
    s["boundary_in"].approve(date(2026, 3, 20))
    s["boundary_out"] = story(True, decision_date=date(2026, 4, 1), started=date(2026, 3, 2))
    s["boundary_out"].approve(date(2026, 3, 20))
    s["late"] = story(True, decision_date=date(2025, 4, 1), started=date(2025, 4, 3))
    s["late"].approve(date(2025, 4, 10))
    s["missed"] = story(True, decision_date=date(2025, 6, 1), started=date(2025, 5, 1))
    s["no_date"] = story(True, decision_date=None, started=date(2025, 4, 14))
    s["no_date"].approve(date(2025, 5, 5))
    s["last_year"] = story(True, decision_date=date(2025, 3, 31), started=date(2025, 2, 3))
    s["last_year"].approve(date(2025, 3, 24))

    s["revised"] = story(False, decision_date=date(2025, 5, 1), started=date(2025, 4, 1))
    s["revised"].approve(date(2025, 4, 22))
    s["revised"].revise(date(2025, 7, 1), decision_date=date(2025, 9, 1))
    s["revised"].impact("disability", direction="positive")
    s["revised"].approve(date(2025, 8, 26))
    s["archived"] = story(False, decision_date=date(2025, 7, 1), started=date(2025, 6, 2))
    s["archived"].approve(date(2025, 6, 30))
    s["archived"].fire("archive", date(2025, 12, 1), approver_b, reason="Policy ended.")

    # An intersectional impact on boundary_in: race and sex, high after mitigation.
    race, sex = characteristic(db, "race"), characteristic(db, "sex")
    from eia.models import IntersectionalImpact

    db.add(
        IntersectionalImpact(
            eia=s["boundary_in"].eia,
            description="Black Caribbean boys",
            direction="negative",
            inherent_likelihood=4,
            inherent_severity=4,
            residual_likelihood=4,
            residual_severity=4,
            mitigation="Mentoring.",
            characteristics=[race, sex],
        )
    )
    # "You said, we did" on late.
    db.add(EngagementRecord(eia=s["late"].eia, who="Residents", what_changed="Kept Sundays."))
    # Actions of boundary_in: one delivered the day before it was due, one not done, one due
    # next year.
    for due, status, done in (
        (date(2025, 10, 1), "done", date(2025, 9, 30)),
        (date(2025, 11, 3), "planned", None),
        (date(2026, 4, 1), "done", date(2026, 3, 1)),
    ):
        db.add(
            ActionItem(
                eia=s["boundary_in"].eia,
                description=f"Action due {due}",
                due_date=due,
                status=status,
                completed_on=done,
            )
        )
    db.flush()
    return World(a, b, s)


ROUND = "Budget 2025/26"
OTHER_ROUND = "Budget 2026/27"


def tag_rounds(db, world: World) -> None:
    """Decision rounds on the annual world. ``ROUND``: ``boundary_in`` (2025/26: age and
    disability, and race and sex through its intersectional impact), ``last_year``
    (2024/25: age and disability) and ``archived`` (left out); ``OTHER_ROUND``:
    ``boundary_out``. So in ``ROUND`` age and disability are hit by two decisions, race and
    sex by one."""
    for name, decision_round in (
        ("boundary_in", ROUND),
        ("last_year", ROUND),
        ("archived", ROUND),
        ("boundary_out", OTHER_ROUND),
    ):
        eia = world.stories[name].eia
        eia.decision_round = decision_round
        db.add(eia)
    db.flush()

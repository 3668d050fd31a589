"""Factories that return ready-made rows, driving EIAs through the real operations so every
row they make has its audit record."""

import itertools
from datetime import date, timedelta

from sqlmodel import Session, select

from eia import operations as ops
from eia.models import Characteristic, Directorate, Eia, Service, User

_counter = itertools.count(1)

# The order the lifecycle reaches each state on the way through a full assessment.
PATHS = {
    "draft": [],
    "screening": ["start_screening"],
    "full_assessment": ["start_screening", "start_full_assessment"],
    "awaiting_sign_off": ["start_screening", "start_full_assessment", "submit_for_sign_off"],
    "approved": ["start_screening", "start_full_assessment", "submit_for_sign_off", "approve"],
    "under_review": [
        "start_screening",
        "start_full_assessment",
        "submit_for_sign_off",
        "approve",
        "start_review",
    ],
    "withdrawn": ["withdraw"],
    "archived": [
        "start_screening",
        "start_full_assessment",
        "submit_for_sign_off",
        "approve",
        "archive",
    ],
}


class Factories:
    def __init__(self, session: Session):
        self.session = session

    def directorate(self, name: str | None = None) -> Directorate:
        d = Directorate(name=name or f"Directorate {next(_counter)}")
        self.session.add(d)
        self.session.flush()
        return d

    def service(self, directorate: Directorate | None = None, name: str | None = None) -> Service:
        s = Service(
            name=name or f"Service {next(_counter)}", directorate=directorate or self.directorate()
        )
        self.session.add(s)
        self.session.flush()
        return s

    def user(
        self,
        role: str = "officer",
        *,
        service: Service | None = None,
        directorate: Directorate | None = None,
        name: str | None = None,
    ) -> User:
        n = next(_counter)
        if role == "officer" and service is None:
            service = self.service()
        if role == "approver" and directorate is None and service is None:
            directorate = self.directorate()
        u = User(
            email=f"user{n}@example.gov.uk",
            name=name or f"{role.title()} {n}",
            role=role,
            service=service,
            directorate=directorate,
        )
        self.session.add(u)
        self.session.flush()
        return u

    def characteristics(self) -> list[Characteristic]:
        return list(
            self.session.exec(
                select(Characteristic)
                .where(Characteristic.active)
                .order_by(Characteristic.position)
            ).all()
        )

    def fill_proposal(self, eia: Eia, actor: User, **values) -> None:
        defaults = dict(
            summary="Close the road to through traffic outside two primary schools.",
            proposal_type="service_change",
            affects=["residents", "service_users"],
            decision_type="committee",
            decision_maker="Executive",
            decision_date=date.today() + timedelta(days=60),
        )
        if values.get("publishable") is False:
            defaults["publishing_reason"] = "It names staff whose posts would change."
        defaults.update(values)
        ops.update_eia(self.session, eia, "proposal", actor, defaults)

    def screen(
        self,
        eia: Eia,
        actor: User,
        relevant: tuple[str, ...] = ("age", "disability"),
    ) -> None:
        ops.save_screening(
            self.session,
            eia,
            actor,
            {
                c.id: (
                    "relevant" if c.key in relevant else "not_relevant",
                    f"Reason for {c.name.lower()}.",
                )
                for c in self.characteristics()
            },
        )

    def assess(self, eia: Eia, actor: User, *, outcome: str = "2") -> None:
        for answer in eia.screening_answers:
            if answer.relevance == "not_relevant":
                continue
            ops.save_impact(
                self.session,
                eia,
                actor,
                answer.characteristic_id,
                dict(
                    direction="negative",
                    aim_opportunity=True,
                    inherent_likelihood=3,
                    inherent_severity=3,
                    residual_likelihood=2,
                    residual_severity=2,
                    mitigation="Exemptions and an accessible alternative route.",
                ),
            )
            ops.save_impact(
                self.session,
                eia,
                actor,
                answer.characteristic_id,
                dict(evidence="Borough profile and service-user data."),
                section="evidence",
            )
        ops.update_eia(
            self.session,
            eia,
            "outcome",
            actor,
            dict(
                outcome=outcome,
                outcome_reason="Adjusted after consultation.",
                review_date=date.today() + timedelta(days=365),
            ),
        )

    def eia(
        self,
        status: str = "draft",
        *,
        owner: User | None = None,
        approver: User | None = None,
        title: str | None = None,
        **proposal,
    ) -> Eia:
        """An EIA in ``status``, reached through the real lifecycle."""
        owner = owner or self.user("officer")
        service = owner.service or self.service()
        approver = approver or self.user("approver", directorate=service.directorate)
        eia = ops.create_eia(
            self.session, owner, service=service, title=title or f"Proposal {next(_counter)}"
        )
        for event in PATHS[status]:
            if event == "start_screening":
                self.fill_proposal(eia, owner, **proposal)
            if event == "start_full_assessment":
                self.screen(eia, owner)
            if event == "submit_for_sign_off":
                self.assess(eia, owner)
            actor = approver if event in ("approve", "archive") else owner
            inputs = {
                "approve": {"attested": True},
                "withdraw": {"reason": "Dropped."},
                "archive": {"reason": "Policy ended."},
            }.get(event, {})
            ops.transition(self.session, eia, event, actor, **inputs)
        self.session.flush()
        return eia

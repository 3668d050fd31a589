"""The EIA and everything written inside it."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, Relationship, SQLModel

from .base import utcnow
from .characteristics import Characteristic
from .org import Directorate, Service, User

_CHILDREN = {"cascade": "all, delete-orphan"}
_FALSE = {"server_default": sa.false()}
_EMPTY = {"server_default": ""}


class Eia(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(sa_type=sa.String(32), unique=True)
    title: str = Field(default="", sa_type=sa.String(300))
    summary: str = Field(default="", sa_type=sa.Text)
    proposal_type: str | None = Field(default=None, sa_type=sa.String(32))
    # Who the proposal affects: a list of AffectedGroup values.
    affects: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    directorate_id: int = Field(foreign_key="directorate.id", index=True)
    service_id: int = Field(foreign_key="service.id", index=True)
    owner_id: int = Field(foreign_key="app_user.id", index=True)
    decision_maker: str = Field(default="", sa_type=sa.String(200))
    decision_type: str | None = Field(default=None, sa_type=sa.String(32))
    decision_date: date | None = Field(default=None, index=True)
    review_date: date | None = Field(default=None, index=True)
    decision_round: str | None = Field(default=None, sa_type=sa.String(120), index=True)
    version: int = Field(default=1)
    status: str = Field(default="draft", sa_type=sa.String(32), index=True)
    # Published in the register once approved unless there is a good reason not to, which
    # is given in ``publishing_reason``.
    publishable: bool = Field(default=True)
    confidential: bool = Field(default=False)
    publishing_reason: str = Field(default="", sa_type=sa.Text)
    # Screening conclusion, written by the product when the EIA is screened out.
    screening_conclusion: str = Field(default="", sa_type=sa.Text)
    outcome: str | None = Field(default=None, sa_type=sa.String(2))
    outcome_reason: str = Field(default="", sa_type=sa.Text)
    # Outcome 3 ("continue despite adverse impact") must be justified on all three counts.
    justification_legitimate_aim: str = Field(default="", sa_type=sa.Text)
    justification_less_harmful: str = Field(default="", sa_type=sa.Text)
    justification_proportionate: str = Field(default="", sa_type=sa.Text)
    closing_reason: str = Field(default="", sa_type=sa.Text)
    # What the EIA has been through, kept by eia.reporting.summaries on each transition (in
    # the same transaction as its audit record) so the dashboard reads columns instead of
    # searching the audit trail of every EIA. (How each version was signed off is kept per
    # decision, in ``eia_decision``.)
    ever_fully_assessed: bool = Field(default=False, sa_column_kwargs=_FALSE)
    ever_screened_out: bool = Field(default=False, sa_column_kwargs=_FALSE)
    # Sections the officer has marked "I have completed this section" (the optional ones
    # have no other way to say "nothing more to add").
    completed_sections: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    status_changed_at: datetime = Field(default_factory=utcnow)
    # A historical record brought in from elsewhere (a council's register, another
    # installation) by eia.imports: when, from where, and the last version that came with
    # it. Those versions were not signed off here, so they feed no decision of the
    # completion figures (eia.reporting.summaries).
    imported_at: datetime | None = Field(default=None)
    imported_version: int | None = Field(default=None)
    import_source: str = Field(default="", sa_type=sa.String(300), sa_column_kwargs=_EMPTY)
    # Where the council published it before (the register's "published link").
    published_link: str = Field(default="", sa_type=sa.String(500), sa_column_kwargs=_EMPTY)

    directorate: Directorate = Relationship()
    service: Service = Relationship()
    owner: User = Relationship()
    screening_answers: list["ScreeningAnswer"] = Relationship(
        back_populates="eia", sa_relationship_kwargs=_CHILDREN
    )
    impacts: list["ImpactAssessment"] = Relationship(
        back_populates="eia", sa_relationship_kwargs=_CHILDREN
    )
    intersectional_impacts: list["IntersectionalImpact"] = Relationship(
        back_populates="eia", sa_relationship_kwargs=_CHILDREN
    )
    engagements: list["EngagementRecord"] = Relationship(
        back_populates="eia", sa_relationship_kwargs=_CHILDREN
    )
    actions: list["ActionItem"] = Relationship(
        back_populates="eia", sa_relationship_kwargs=_CHILDREN
    )
    comments: list["Comment"] = Relationship(back_populates="eia", sa_relationship_kwargs=_CHILDREN)
    sign_offs: list["SignOff"] = Relationship(
        back_populates="eia", sa_relationship_kwargs=_CHILDREN
    )
    reviews: list["ReviewRecord"] = Relationship(
        back_populates="eia", sa_relationship_kwargs=_CHILDREN
    )
    versions: list["EiaVersion"] = Relationship(
        back_populates="eia", sa_relationship_kwargs=_CHILDREN
    )


class ScreeningAnswer(SQLModel, table=True):
    __tablename__ = "screening_answer"
    __table_args__ = (sa.UniqueConstraint("eia_id", "characteristic_id"),)

    id: int | None = Field(default=None, primary_key=True)
    eia_id: int = Field(foreign_key="eia.id", index=True)
    characteristic_id: int = Field(foreign_key="characteristic.id")
    relevance: str | None = Field(default=None, sa_type=sa.String(16))
    reason: str = Field(default="", sa_type=sa.Text)

    eia: Eia = Relationship(back_populates="screening_answers")
    characteristic: Characteristic = Relationship()


class ScoredImpact(SQLModel):
    """Columns shared by single-characteristic and intersectional impacts."""

    direction: str | None = Field(default=None, sa_type=sa.String(16))
    # The three aims of the Public Sector Equality Duty this impact touches.
    aim_discrimination: bool = Field(default=False)
    aim_opportunity: bool = Field(default=False)
    aim_relations: bool = Field(default=False)
    inherent_likelihood: int | None = Field(default=None)
    inherent_severity: int | None = Field(default=None)
    residual_likelihood: int | None = Field(default=None)
    residual_severity: int | None = Field(default=None)
    evidence: str = Field(default="", sa_type=sa.Text)
    evidence_gap: bool = Field(default=False)
    evidence_gap_reason: str = Field(default="", sa_type=sa.Text)
    mitigation: str = Field(default="", sa_type=sa.Text)

    @property
    def inherent_score(self) -> int | None:
        if self.inherent_likelihood is None or self.inherent_severity is None:
            return None
        return self.inherent_likelihood * self.inherent_severity

    @property
    def residual_score(self) -> int | None:
        if self.residual_likelihood is None or self.residual_severity is None:
            return None
        return self.residual_likelihood * self.residual_severity

    @property
    def inherent_band(self):
        from eia.scoring import band_for

        return band_for(self.inherent_score)

    @property
    def residual_band(self):
        from eia.scoring import band_for

        return band_for(self.residual_score)


class ImpactAssessment(ScoredImpact, table=True):
    __tablename__ = "impact_assessment"
    __table_args__ = (sa.UniqueConstraint("eia_id", "characteristic_id"),)

    id: int | None = Field(default=None, primary_key=True)
    eia_id: int = Field(foreign_key="eia.id", index=True)
    characteristic_id: int = Field(foreign_key="characteristic.id", index=True)

    eia: Eia = Relationship(back_populates="impacts")
    characteristic: Characteristic = Relationship()


class IntersectionalCharacteristic(SQLModel, table=True):
    __tablename__ = "intersectional_characteristic"

    intersectional_impact_id: int = Field(
        foreign_key="intersectional_impact.id", primary_key=True, ondelete="CASCADE"
    )
    characteristic_id: int = Field(foreign_key="characteristic.id", primary_key=True)


class IntersectionalImpact(ScoredImpact, table=True):
    __tablename__ = "intersectional_impact"

    id: int | None = Field(default=None, primary_key=True)
    eia_id: int = Field(foreign_key="eia.id", index=True)
    # The group, in words: "Black Caribbean boys and school exclusions".
    description: str = Field(default="", sa_type=sa.Text)

    eia: Eia = Relationship(back_populates="intersectional_impacts")
    characteristics: list[Characteristic] = Relationship(link_model=IntersectionalCharacteristic)


class EngagementRecord(SQLModel, table=True):
    __tablename__ = "engagement_record"

    id: int | None = Field(default=None, primary_key=True)
    eia_id: int = Field(foreign_key="eia.id", index=True)
    who: str = Field(default="", sa_type=sa.Text)
    method: str = Field(default="", sa_type=sa.String(200))
    held_on: date | None = Field(default=None)
    what_they_said: str = Field(default="", sa_type=sa.Text)
    what_changed: str = Field(default="", sa_type=sa.Text)

    eia: Eia = Relationship(back_populates="engagements")


class ActionItem(SQLModel, table=True):
    __tablename__ = "action_item"

    id: int | None = Field(default=None, primary_key=True)
    eia_id: int = Field(foreign_key="eia.id", index=True)
    description: str = Field(default="", sa_type=sa.Text)
    owner_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    due_date: date | None = Field(default=None, index=True)
    status: str = Field(default="proposed", sa_type=sa.String(16), index=True)
    impact_id: int | None = Field(
        default=None, foreign_key="impact_assessment.id", ondelete="SET NULL", index=True
    )
    intersectional_impact_id: int | None = Field(
        default=None, foreign_key="intersectional_impact.id", ondelete="SET NULL", index=True
    )
    # Set when the action was raised automatically from an evidence gap.
    from_evidence_gap: bool = Field(default=False)
    created_in_version: int = Field(default=1)
    completed_on: date | None = Field(default=None)

    eia: Eia = Relationship(back_populates="actions")
    owner: User | None = Relationship()
    impact: ImpactAssessment | None = Relationship()
    intersectional_impact: IntersectionalImpact | None = Relationship()


class Comment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    eia_id: int = Field(foreign_key="eia.id", index=True)
    eia_version: int = Field(default=1)
    section: str = Field(default="general", sa_type=sa.String(64))
    author_id: int = Field(foreign_key="app_user.id")
    body: str = Field(sa_type=sa.Text)
    created_at: datetime = Field(default_factory=utcnow)

    eia: Eia = Relationship(back_populates="comments")
    author: User = Relationship()


class SignOff(SQLModel, table=True):
    """An approver's decision on one version: approved, or returned with what to change."""

    __tablename__ = "sign_off"

    id: int | None = Field(default=None, primary_key=True)
    eia_id: int = Field(foreign_key="eia.id", index=True)
    eia_version: int
    approver_id: int = Field(foreign_key="app_user.id")
    decision: str = Field(sa_type=sa.String(16))
    # The decision-maker personally confirmed having read the impacts (Brown principles).
    attested: bool = Field(default=False)
    late: bool = Field(default=False)
    late_reason: str = Field(default="", sa_type=sa.Text)
    comment: str = Field(default="", sa_type=sa.Text)
    returned_to: str | None = Field(default=None, sa_type=sa.String(32))
    signed_at: datetime = Field(default_factory=utcnow)

    eia: Eia = Relationship(back_populates="sign_offs")
    approver: User = Relationship()


# One approval per version, however many approvers press the button at once.
sa.Index(
    "uq_sign_off_one_approval_per_version",
    SignOff.__table__.c.eia_id,
    SignOff.__table__.c.eia_version,
    unique=True,
    sqlite_where=SignOff.__table__.c.decision == "approved",
    postgresql_where=SignOff.__table__.c.decision == "approved",
)


class ReviewRecord(SQLModel, table=True):
    __tablename__ = "review_record"

    id: int | None = Field(default=None, primary_key=True)
    eia_id: int = Field(foreign_key="eia.id", index=True)
    eia_version: int
    reviewer_id: int = Field(foreign_key="app_user.id")
    notes: str = Field(sa_type=sa.Text)
    next_review_date: date | None = Field(default=None)
    decision: str = Field(sa_type=sa.String(16))  # confirmed | revised
    reviewed_at: datetime = Field(default_factory=utcnow)

    eia: Eia = Relationship(back_populates="reviews")
    reviewer: User = Relationship()


class EiaVersion(SQLModel, table=True):
    """A frozen, readable copy of a version as it stood when approved or revised."""

    __tablename__ = "eia_version"
    __table_args__ = (sa.UniqueConstraint("eia_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    eia_id: int = Field(foreign_key="eia.id", index=True)
    version: int
    status: str = Field(sa_type=sa.String(32))
    snapshot: dict = Field(default_factory=dict, sa_type=sa.JSON)
    frozen_at: datetime = Field(default_factory=utcnow)

    eia: Eia = Relationship(back_populates="versions")

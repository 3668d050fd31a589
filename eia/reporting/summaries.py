"""What the dashboard needs to know about each EIA's history, kept up to date on each step.

The audit trail is the record; these are summaries of it that the dashboard can read
without searching millions of audit records (100,000 EIAs: the median days in each stage
took 6 s from the audit trail, well under one from ``stage_spell``; see benchmarks/):

- ``stage_spell``: one row per spell in a stage (entered, left, days);
- ``eia_decision``: one row per version of each EIA (the decision it feeds): when it was
  approved, the decision date it was signed off against and whether the approval was
  flagged late (``eia.reporting.decisions`` counts completion from it), and
- two columns on ``eia``: ``ever_fully_assessed`` and ``ever_screened_out`` (a
  ``screen_out`` transition happened).

An EIA imported as a historical record (``eia.operations.import_historical_eia``) gets
neither a spell nor a decision for the versions it came with: they were not lived or signed
off here, so the figures of time in each stage and of completion leave them out (its later
versions, once revised here, count like any other). ``rebuild`` leaves them out in the same
way: its spells come from transitions and creations only, and ``decisions_from_record``
skips the versions up to ``eia.imported_version``.

``record_created`` and ``record_transition`` are called by ``eia.operations`` with the audit
record of the step, in the same transaction, so the summaries and the trail commit together
or not at all. ``rebuild`` works them all out again from the audit trail, the sign-offs and
the frozen versions (``eia db rebuild-summaries``, and the benchmark generator, which writes
the trail by COPY; the dashboard's cube, ``eia.reporting.cube``, is rebuilt with them); a test
checks that rebuilding changes nothing.
"""

import sqlalchemy as sa
from sqlmodel import Session, select

from eia.models import AuditRecord, Eia, EiaDecision, EiaVersion, SignOff, StageSpell, as_utc
from eia.models.enums import SignOffDecision
from workflows.lifecycle import Status

from .sql import days_between, json_date

SUMMARY_COLUMNS = ("ever_fully_assessed", "ever_screened_out")


def record_created(session: Session, eia: Eia, record: AuditRecord) -> None:
    """The EIA's first spell (in draft from its creation) and its first version's decision."""
    session.add(
        StageSpell(
            eia_id=eia.id,
            stage=record.to_state,
            entered_seq=record.seq,
            entered_at=record.occurred_at,
        )
    )
    session.add(EiaDecision(eia_id=eia.id, version=eia.version))


def record_transition(
    session: Session, eia: Eia, event: str, record: AuditRecord, *, late: bool = False
) -> None:
    """Close the spell the EIA was in, open one in its new state, and note what this step
    says about its history: an approval signs off the version's decision (``late``: flagged
    late) against the decision date it has now; a revision opens the next version's."""
    left = as_utc(record.occurred_at)
    for spell in session.exec(
        select(StageSpell).where(StageSpell.eia_id == eia.id, StageSpell.left_at.is_(None))
    ):
        spell.left_at = left
        spell.days = (left - as_utc(spell.entered_at)).total_seconds() / 86400
        session.add(spell)
    session.add(
        StageSpell(
            eia_id=eia.id,
            stage=record.to_state,
            entered_seq=record.seq,
            entered_at=record.occurred_at,
        )
    )
    if record.to_state == Status.full_assessment:
        eia.ever_fully_assessed = True
    if event == "screen_out":
        eia.ever_screened_out = True
    if event == "approve":
        decision = session.exec(
            select(EiaDecision).where(
                EiaDecision.eia_id == eia.id, EiaDecision.version == eia.version
            )
        ).one()
        decision.signed_off_at = record.occurred_at
        decision.decision_date = eia.decision_date
        decision.late = late
        session.add(decision)
    if event == "revise":  # the effects have opened the next version
        session.add(EiaDecision(eia_id=eia.id, version=eia.version))
    session.add(eia)


# --- worked out again from the record --------------------------------------------------------


def spells_from_audit() -> sa.Select:
    """Every spell, from the audit trail: eia_id, stage, entered_seq, entered_at, left_at,
    days (None while it runs)."""
    entries = (
        select(
            AuditRecord.eia_id.label("eia_id"),
            AuditRecord.to_state.label("stage"),
            AuditRecord.seq.label("entered_seq"),
            AuditRecord.occurred_at.label("entered_at"),
            sa.func.lead(AuditRecord.occurred_at)
            .over(partition_by=AuditRecord.eia_id, order_by=AuditRecord.seq)
            .label("left_at"),
        )
        .where(
            AuditRecord.eia_id.is_not(None),
            AuditRecord.to_state.is_not(None),
            sa.or_(AuditRecord.action == "transition", AuditRecord.event == "created"),
        )
        .subquery("entries")
    )
    return select(
        entries.c.eia_id,
        entries.c.stage,
        entries.c.entered_seq,
        entries.c.entered_at,
        entries.c.left_at,
        days_between(entries.c.entered_at, entries.c.left_at).label("days"),
    )


def _transitioned(**where) -> sa.ColumnElement[bool]:
    return sa.exists(
        select(AuditRecord.seq).where(
            AuditRecord.eia_id == Eia.id,
            AuditRecord.action == "transition",
            *[getattr(AuditRecord, k) == v for k, v in where.items()],
        )
    )


def summary_expressions() -> dict[str, sa.ColumnElement[bool]]:
    """Each summary column of ``eia`` as worked out from the audit trail."""
    return {
        "ever_fully_assessed": _transitioned(to_state=Status.full_assessment),
        "ever_screened_out": _transitioned(event="screen_out"),
    }


def decisions_from_record() -> sa.Select:
    """Every version's decision: eia_id, version, signed_off_at, decision_date, late. The
    versions are the EIA's current one and those frozen before it (every earlier version was
    approved, and approval freezes it); a version's approval is its sign-off, and the
    decision date it was signed off against is the one in its frozen copy."""
    versions = sa.union(
        select(Eia.id.label("eia_id"), Eia.version.label("version")),
        select(EiaVersion.eia_id, EiaVersion.version),
    ).subquery("versions")
    approval = (
        select(SignOff.eia_id, SignOff.eia_version, SignOff.signed_at, SignOff.late)
        .where(SignOff.decision == SignOffDecision.approved)
        .subquery("approval")
    )
    frozen = EiaVersion.__table__.alias("frozen")
    return (
        select(
            versions.c.eia_id,
            versions.c.version,
            approval.c.signed_at,
            sa.case(
                (approval.c.signed_at.is_not(None), json_date(frozen.c.snapshot, "decision_date"))
            ),
            sa.func.coalesce(approval.c.late, sa.false()),
        )
        .select_from(versions)
        .outerjoin(
            approval,
            sa.and_(
                approval.c.eia_id == versions.c.eia_id, approval.c.eia_version == versions.c.version
            ),
        )
        .outerjoin(
            frozen,
            sa.and_(frozen.c.eia_id == versions.c.eia_id, frozen.c.version == versions.c.version),
        )
        .where(
            # Versions imported from elsewhere were not signed off here: no decision.
            sa.not_(
                sa.exists(
                    select(Eia.id).where(
                        Eia.id == versions.c.eia_id, Eia.imported_version >= versions.c.version
                    )
                )
            )
        )
    )


def rebuild(connection: sa.Connection) -> None:
    """Replace every summary with what the audit trail, the sign-offs and the frozen
    versions say."""
    spell = StageSpell.__table__
    connection.execute(spell.delete())
    columns = ["eia_id", "stage", "entered_seq", "entered_at", "left_at", "days"]
    connection.execute(spell.insert().from_select(columns, spells_from_audit()))
    decision = EiaDecision.__table__
    connection.execute(decision.delete())
    connection.execute(
        decision.insert().from_select(
            ["eia_id", "version", "signed_off_at", "decision_date", "late"], decisions_from_record()
        )
    )
    connection.execute(sa.update(Eia).values(**summary_expressions()))
    # The dashboard's cube last: it reads the summaries above.
    from . import cube

    cube.rebuild(connection)

"""What the task list, the sign-off page and the approver's inbox show about an EIA's rows,
kept in one row per EIA (``eia_page_summary``, eia/models/page_summary.py) so those pages
read one row instead of loading the whole assessment (every impact, action, comment and
engagement record) and checking it section by section on each request.

- ``keep`` is called by ``eia.operations`` after each change with its audit record, in the
  same transaction: the row and the change commit together or not at all;
- ``work_out`` is what the row says, from the EIA's rows (the same checks the lifecycle's
  guards make, workflows.guards ``KEPT_CHECKS``);
- ``rebuild`` works every row out again from the EIAs and their audit trail (``eia db
  rebuild-summaries``, the benchmark generator after COPY, migration 0016); a test checks
  that rebuilding changes nothing after random histories;
- ``for_page`` gives a page the row to read (``GuardContext.kept``), or works it out afresh
  when there is none or the characteristics changed since it was kept (an administrator
  renamed, added or retired one: the reasons name them).
"""

import hashlib
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from sqlmodel import Session, select

from eia.models import (
    AuditRecord,
    Characteristic,
    Eia,
    EiaPageSummary,
    ImpactAssessment,
    IntersectionalImpact,
    ScreeningAnswer,
)
from eia.models.enums import Relevance
from eia.sections import ROW_SECTIONS, full_assessment_needed, has_content
from workflows.guards import KEPT_CHECKS, GuardContext
from workflows.segregation import SUBMITTING_EVENTS, involved_people

REBUILD_BATCH = 500


def characteristics(session: Session) -> list[Characteristic]:
    """Every characteristic, in the order screening asks about them."""
    return list(session.exec(select(Characteristic).order_by(Characteristic.position)).all())


def basis_of(rows: Iterable[Characteristic]) -> str:
    """What the kept reasons depend on beyond the EIA: the characteristics' names, order and
    whether each is in use."""
    text = repr(sorted((c.id, c.name, c.active, c.position) for c in rows))
    return hashlib.sha256(text.encode()).hexdigest()


def work_out(
    session: Session, eia: Eia, *, every: list[Characteristic] | None = None
) -> dict[str, object]:
    """The kept values of ``eia`` (but ``worked_on``), from its rows."""
    if every is None:
        every = characteristics(session)
    ctx = GuardContext(eia=eia, actor=None, session=session, characteristics=every)
    answers = [a.relevance for a in eia.screening_answers]
    return {
        "version": eia.version,
        "problems": {name: check(ctx) for name, check in sorted(KEPT_CHECKS.items())},
        "facts": {
            "content": {s: has_content(s, eia) for s in ROW_SECTIONS},
            "full_assessment_needed": full_assessment_needed(eia),
            "relevant_or_unknown": any(
                r in (Relevance.relevant, Relevance.unknown) for r in answers
            ),
        },
        "basis": basis_of(every),
    }


def _involving(record: AuditRecord) -> bool:
    """Whether the record makes its actor part of the version (workflows.segregation)."""
    return record.action == "edit" or (
        record.action == "transition" and record.event in SUBMITTING_EVENTS
    )


def keep(session: Session, eia: Eia, record: AuditRecord | None = None) -> EiaPageSummary:
    """After a change to ``eia`` and its audit ``record`` (in the session, not committed):
    the EIA's row, worked out again (``record``'s actor joins those who worked on the
    version when it is an edit or a hand-over)."""
    session.flush()  # new rows get their ids and relationships
    row = _held(session, eia)
    if row is None:
        row = EiaPageSummary(eia_id=eia.id)
        workers = involved_people(session, [eia.id])[eia.id]  # the record is in it
    else:
        workers = set(row.worked_on) if row.version == eia.version else set()
        if (
            record is not None
            and record.actor_id is not None
            and record.eia_version == eia.version
            and _involving(record)
        ):
            workers.add(record.actor_id)
    for name, value in work_out(session, eia).items():
        setattr(row, name, value)
    row.worked_on = sorted(workers)
    session.add(row)
    return row


def _held(session: Session, eia: Eia) -> EiaPageSummary | None:
    """The EIA's row, held until commit (PostgreSQL), and the EIA's rows read again: two
    people changing different sections at once each work the row out from what the other
    committed (the second waits for the first's row), never from rows read before it."""
    query = select(EiaPageSummary).where(EiaPageSummary.eia_id == eia.id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    row = session.exec(query.execution_options(populate_existing=True)).one_or_none()
    session.exec(
        select(Eia)
        .where(Eia.id == eia.id)
        .options(*_rows_loaded())
        .execution_options(populate_existing=True)
    ).one()
    return row


def for_page(session: Session, eia: Eia, row: EiaPageSummary | None) -> EiaPageSummary:
    """The row a page reads for ``eia`` (loaded with it): as kept, or, when there is none or
    the characteristics have changed since, worked out now (not stored: the next change to
    the EIA, or ``eia db rebuild-summaries``, keeps it again)."""
    every = characteristics(session)
    if row is not None and row.basis == basis_of(every):
        return row
    fresh = EiaPageSummary(eia_id=eia.id, **work_out(session, eia, every=every))
    fresh.worked_on = sorted(involved_people(session, [eia.id])[eia.id])
    return fresh


def worked_on(rows: dict[int, EiaPageSummary | None], session: Session) -> dict[int, set[int]]:
    """For each EIA, the people who worked on its current version: as kept, or from the audit
    trail (one query) for those with no row."""
    found = {eia_id: set(row.worked_on) for eia_id, row in rows.items() if row is not None}
    missing = [eia_id for eia_id, row in rows.items() if row is None]
    if missing:
        found.update(involved_people(session, missing))
    return {eia_id: found.get(eia_id, set()) for eia_id in rows}


# --- worked out again from the record --------------------------------------------------------


def _rows_loaded() -> tuple:
    return (
        selectinload(Eia.screening_answers).selectinload(ScreeningAnswer.characteristic),
        selectinload(Eia.impacts).selectinload(ImpactAssessment.characteristic),
        selectinload(Eia.intersectional_impacts).selectinload(IntersectionalImpact.characteristics),
        selectinload(Eia.engagements),
        selectinload(Eia.actions),
    )


def rebuild(connection: sa.Connection, *, batch: int = REBUILD_BATCH) -> int:
    """Replace every EIA's row with what its rows and its audit trail say, inside the
    transaction ``connection`` is in (a savepoint of it); the number of rows written."""
    table = EiaPageSummary.__table__
    with Session(
        bind=connection, autoflush=False, join_transaction_mode="create_savepoint"
    ) as session:
        session.execute(table.delete())
        every = characteristics(session)
        ids = list(session.exec(select(Eia.id).order_by(Eia.id)).all())
        written = 0
        for start in range(0, len(ids), batch):
            chunk = ids[start : start + batch]
            workers = involved_people(session, chunk)
            eias = session.exec(select(Eia).where(Eia.id.in_(chunk)).options(*_rows_loaded()))
            rows = [
                {
                    "eia_id": eia.id,
                    **work_out(session, eia, every=every),
                    "worked_on": sorted(workers.get(eia.id, ())),
                }
                for eia in eias
            ]
            if rows:
                session.execute(table.insert(), rows)
            written += len(rows)
            session.expunge_all()
        session.commit()  # the savepoint: the caller's transaction commits the rows
    return written

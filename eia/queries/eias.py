"""EIAs: the register, and one EIA loaded for each shape of page, with the eager loads that
page needs (so showing it runs a fixed number of queries, however many rows it has).

- ``eia_for_page``: the EIA's own page and its downloads (joined loads, and the reviews and
  versions);
- ``eia_for_editing``: the guided journey's pages (task list, sections, events);
- ``eia_for_task_list``: the task list (the EIA's own row and what is kept about its rows);
- ``eia_for_sign_off``: the sign-off page (the impacts, actions and engagement it shows).

Each returns None when no EIA has the reference; who may see it is the caller's to check
(``eia/web/loading.py`` answers 404 and 403)."""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload
from sqlmodel import Session, select

from eia.capabilities import visible_clause
from eia.models import (
    ActionItem,
    Eia,
    EiaPageSummary,
    EiaVersion,
    ImpactAssessment,
    IntersectionalImpact,
    ReviewRecord,
    ScreeningAnswer,
    SignOff,
    User,
)


def list_eias(session: Session, user: User, status: str | None = None) -> list[Eia]:
    """Every EIA this person may see (or those in ``status``) with its service, directorate
    and owner, newest first."""
    query = (
        select(Eia)
        .where(visible_clause(user))
        .options(joinedload(Eia.service), joinedload(Eia.directorate), joinedload(Eia.owner))
        .order_by(Eia.created_at.desc(), Eia.id.desc())
    )
    if status is not None:
        query = query.where(Eia.status == status)
    return list(session.exec(query).all())


def count_by_status(session: Session, user: User) -> dict[str, int]:
    rows = session.exec(
        select(Eia.status, sa.func.count()).where(visible_clause(user)).group_by(Eia.status)
    ).all()
    return dict(rows)


def _by_reference(session: Session, reference: str, *options) -> Eia | None:
    return session.exec(
        select(Eia).where(Eia.reference == reference).options(*options)
    ).one_or_none()


def _assessment(to_one) -> tuple:
    """Loads for the assessment as the EIA's page and the journey show it: its service,
    directorate and owner, and its rows with the characteristic or person each names, each
    of those (to-one) loaded by ``to_one``: ``joinedload`` or ``selectinload``."""

    def then(option, attribute):
        return getattr(option, to_one.__name__)(attribute)

    return (
        to_one(Eia.service),
        to_one(Eia.directorate),
        to_one(Eia.owner),
        then(selectinload(Eia.screening_answers), ScreeningAnswer.characteristic),
        then(selectinload(Eia.impacts), ImpactAssessment.characteristic),
        selectinload(Eia.intersectional_impacts).selectinload(IntersectionalImpact.characteristics),
        selectinload(Eia.engagements),
        then(selectinload(Eia.actions), ActionItem.owner),
        then(selectinload(Eia.sign_offs), SignOff.approver),
    )


def eia_for_page(session: Session, reference: str) -> Eia | None:
    """An EIA with everything its page shows."""
    return _by_reference(
        session,
        reference,
        *_assessment(joinedload),
        selectinload(Eia.reviews).joinedload(ReviewRecord.reviewer),
        selectinload(Eia.versions),
    )


def imported_original(session: Session, eia: Eia) -> list[dict]:
    """The text of the Word file it was imported from that has no place in its sections
    (eia.imports.word): [{"heading": ..., "paragraphs": [...]}]; [] for any other EIA."""
    from eia.models import ImportedOriginal

    if eia.imported_at is None:
        return []
    kept = session.get(ImportedOriginal, eia.id)
    return list(kept.parts) if kept else []


def eia_for_editing(session: Session, reference: str) -> Eia | None:
    """An EIA with everything the journey's pages show.

    Only select-IN loads (unlike ``eia_for_page``): no outer join, so nothing stands in
    the way of locking the row these pages change (PostgreSQL refuses FOR UPDATE on the
    outer joins a joined load adds)."""
    return _by_reference(session, reference, *_assessment(selectinload))


def eia_for_task_list(session: Session, reference: str) -> tuple[Eia, EiaPageSummary | None] | None:
    """An EIA with what the task list reads instead of its rows: what is kept about them
    (eia.reporting.page_summaries; None when nothing is kept yet), in one query."""
    row = session.exec(
        select(Eia, EiaPageSummary)
        .outerjoin(EiaPageSummary, EiaPageSummary.eia_id == Eia.id)
        .where(Eia.reference == reference)
        .options(joinedload(Eia.directorate))
    ).one_or_none()
    return None if row is None else tuple(row)


def eia_for_sign_off(session: Session, reference: str) -> tuple[Eia, EiaPageSummary | None] | None:
    """An EIA with what the decision-maker reads before deciding (the impacts with their
    characteristics, the engagement, the actions and the screening, all of which the
    fingerprint of the content it decides on covers), its service, owner and directorate,
    and what is kept about it (eia.reporting.page_summaries: who worked on its version)."""
    row = session.exec(
        select(Eia, EiaPageSummary)
        .outerjoin(EiaPageSummary, EiaPageSummary.eia_id == Eia.id)
        .where(Eia.reference == reference)
        .options(
            joinedload(Eia.service),
            joinedload(Eia.owner),
            joinedload(Eia.directorate),
            # One query for each kind of row, with what each names joined to it.
            selectinload(Eia.impacts).joinedload(ImpactAssessment.characteristic),
            selectinload(Eia.engagements),
            selectinload(Eia.actions).joinedload(ActionItem.owner),
            selectinload(Eia.screening_answers).joinedload(ScreeningAnswer.characteristic),
            selectinload(Eia.intersectional_impacts).selectinload(
                IntersectionalImpact.characteristics
            ),
        )
    ).one_or_none()
    return None if row is None else tuple(row)


def frozen_version(session: Session, reference: str, number: int) -> EiaVersion | None:
    return session.exec(
        select(EiaVersion)
        .join(Eia, Eia.id == EiaVersion.eia_id)
        .where(Eia.reference == reference, EiaVersion.version == number)
        .options(joinedload(EiaVersion.eia))
    ).one_or_none()

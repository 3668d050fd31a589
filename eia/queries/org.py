"""The council's structure: directorates and their services, for choosing one, for the
administrators' pages, and what still refers to one (which stops it being deleted)."""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload
from sqlmodel import Session, select

from eia.models import Directorate, Eia, Service, User

from ._shared import taken


def services(session: Session) -> list[Service]:
    """Every service, with its directorate (in no particular order)."""
    return list(session.exec(select(Service).options(joinedload(Service.directorate))).all())


def services_by_id(session: Session) -> dict[int, Service]:
    """Every service by id, with its directorate."""
    return {
        s.id: s
        for s in session.exec(select(Service).options(selectinload(Service.directorate))).all()
    }


def services_in_order(session: Session) -> list[Service]:
    """Every service, with its directorate, by directorate then by name (for a choice)."""
    return list(
        session.exec(
            select(Service)
            .join(Directorate)
            .options(selectinload(Service.directorate))
            .order_by(Directorate.name, Service.name)
        ).all()
    )


def directorates_in_order(session: Session) -> list[Directorate]:
    """Every directorate, by name."""
    return list(session.exec(select(Directorate).order_by(Directorate.name)).all())


def directorates_by_id(session: Session) -> dict[int, Directorate]:
    return {d.id: d for d in session.exec(select(Directorate)).all()}


def directorates_with_services(session: Session) -> list[Directorate]:
    """Every directorate, by name, with its services."""
    return list(
        session.exec(
            select(Directorate)
            .options(selectinload(Directorate.services))
            .order_by(Directorate.name)
        ).all()
    )


def _count(session: Session, model, clause) -> int:
    return session.exec(select(sa.func.count()).select_from(model).where(clause)).one()


def directorate_use_counts(session: Session, directorate_id: int) -> tuple[int, int, int]:
    """How many services, people and EIAs are in the directorate."""
    return (
        _count(session, Service, Service.directorate_id == directorate_id),
        _count(session, User, User.directorate_id == directorate_id),
        _count(session, Eia, Eia.directorate_id == directorate_id),
    )


def service_use_counts(session: Session, service_id: int) -> tuple[int, int]:
    """How many people and EIAs are in the service."""
    return (
        _count(session, User, User.service_id == service_id),
        _count(session, Eia, Eia.service_id == service_id),
    )


def directorate_name_taken(session: Session, name: str, except_id: int | None = None) -> bool:
    """Whether another directorate (not ``except_id``) has this name, in any case."""
    return taken(
        session,
        Directorate.id,
        sa.func.lower(Directorate.name) == name.lower(),
        except_id=except_id,
    )


def service_name_taken(
    session: Session, directorate_id: int, name: str, except_id: int | None = None
) -> bool:
    """Whether another service of the directorate (not ``except_id``) has this name, in any
    case."""
    return taken(
        session,
        Service.id,
        Service.directorate_id == directorate_id,
        sa.func.lower(Service.name) == name.lower(),
        except_id=except_id,
    )

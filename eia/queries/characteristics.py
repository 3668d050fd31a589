"""The characteristics, as the administrators' pages read them."""

import sqlalchemy as sa
from sqlmodel import Session, select

from eia.models import Characteristic

from ._shared import taken


def characteristic_keys(session: Session) -> set[str]:
    """Every key in use, active or not."""
    return set(session.exec(select(Characteristic.key)).all())


def characteristic_name_taken(session: Session, name: str, except_id: int | None = None) -> bool:
    """Whether another characteristic (not ``except_id``) has this name, in any case."""
    return taken(
        session,
        Characteristic.id,
        sa.func.lower(Characteristic.name) == name.lower(),
        except_id=except_id,
    )


def characteristics_in_order(session: Session) -> list[Characteristic]:
    """Every characteristic, active or not, in the order screening shows them."""
    return list(
        session.exec(
            select(Characteristic).order_by(Characteristic.position, Characteristic.id)
        ).all()
    )

"""What several query modules share."""

from sqlmodel import Session, select


def taken(session: Session, id_column, *where, except_id: int | None = None) -> bool:
    """Whether a row other than ``except_id`` (the one being edited) matches ``where``:
    a name or email already in use."""
    query = select(id_column).where(*where)
    if except_id is not None:
        query = query.where(id_column != except_id)
    return session.exec(query).first() is not None

"""Comments on an EIA."""

from sqlalchemy.orm import joinedload
from sqlmodel import Session, select

from eia.models import Comment


def section_comments(session: Session, eia_id: int, section: str) -> list[Comment]:
    """The comments on one section (or "general"), oldest first."""
    return list(
        session.exec(
            select(Comment)
            .where(Comment.eia_id == eia_id, Comment.section == section)
            .order_by(Comment.created_at, Comment.id)
        ).all()
    )


def comments_with_authors(session: Session, eia_id: int) -> list[Comment]:
    """Every comment on the EIA, with its author (for the JSON download)."""
    return list(
        session.exec(
            select(Comment).where(Comment.eia_id == eia_id).options(joinedload(Comment.author))
        ).all()
    )

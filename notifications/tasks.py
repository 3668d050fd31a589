"""Celery tasks. Stable names; ids in, rows looked up inside the task."""

from celery import shared_task
from flask import current_app

from eia.db import session_scope
from eia.operations import start_due_reviews as _start_due_reviews


@shared_task(name="eia.start_due_reviews")
def start_due_reviews() -> list[str]:
    """Move approved EIAs whose review date has come into review (continuing duty)."""
    with session_scope() as session:
        moved = _start_due_reviews(session)
    if moved:
        current_app.logger.info("Started the review of %s", ", ".join(moved))
    return moved

"""Searching the audit trail: by EIA reference, person, event and London date range,
newest first. The audit page (eia/web/audit_pages.py) and its CSV/XLSX download read the
same query, so the file always holds exactly the rows the search shows (all pages of them).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from eia.models import LONDON, AuditRecord, Eia, as_utc
from workflows.lifecycle import SECTIONS, TRANSITIONS, section_short_name
from workflows.lifecycle import event as event_words

# The kinds of record the trail holds (AuditRecord.action); "admin": a change to people,
# directorates, services or characteristics (eia/admin_operations.py).
KINDS = {
    "transition": "Any change of state",
    "edit": "Any edit",
    "comment": "Any comment",
    "admin": "Any administration change",
    "import": "Any import of a historical record",
}

PAGE_SIZE = 50
DOWNLOAD_LIMIT = 100_000  # a download larger than this is cut (and says so in its name)


def event_choices() -> list[tuple[str, str]]:
    """The event filter's options: a kind ("transition") or one event of it
    ("transition:approve", "edit:screening", "comment:outcome", "admin:user_role_changed")."""
    from eia.admin_operations import EVENTS as ADMIN_EVENTS

    choices = list(KINDS.items())
    seen = set()
    for t in TRANSITIONS:
        if t.event in seen:
            continue
        seen.add(t.event)
        choices.append((f"transition:{t.event}", f"State change: {event_words(t.event).phrase}"))
    choices.append(("edit:created", "Edit: EIA created"))
    choices += [(f"edit:{key}", f"Edit: {section_short_name(key)}") for key in SECTIONS]
    choices += [(f"comment:{key}", f"Comment: {section_short_name(key)}") for key in SECTIONS]
    choices += [
        (f"admin:{event}", f"Administration: {words}") for event, words in ADMIN_EVENTS.items()
    ]
    return choices


@dataclass(frozen=True)
class AuditFilter:
    reference: str = ""
    person: str = ""
    event: str = ""
    date_from: date | None = None
    date_to: date | None = None

    @property
    def empty(self) -> bool:
        return not (self.reference or self.person or self.event or self.date_from or self.date_to)


def _contains(column, text: str):
    """Case-insensitive "contains", the same on SQLite and PostgreSQL, with LIKE's wildcards
    taken literally."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return sa.func.lower(column).like(f"%{escaped}%", escape="\\")


def london_midnight(day: date) -> datetime:
    """The moment a London calendar day starts, in UTC."""
    return datetime.combine(day, time(0), tzinfo=LONDON).astimezone(UTC)


def _conditions(f: AuditFilter) -> list:
    conditions = []
    if f.reference:
        conditions.append(_contains(Eia.reference, f.reference))
    if f.person:
        conditions.append(_contains(AuditRecord.actor_name, f.person))
    if f.event:
        kind, _, event = f.event.partition(":")
        conditions.append(AuditRecord.action == kind)
        if event:
            conditions.append(AuditRecord.event == event)
    if f.date_from:
        conditions.append(AuditRecord.occurred_at >= london_midnight(f.date_from))
    if f.date_to:
        conditions.append(AuditRecord.occurred_at < london_midnight(f.date_to + timedelta(days=1)))
    return conditions


def _base(f: AuditFilter):
    return (
        select(AuditRecord, Eia.reference, Eia.title)
        .join(Eia, Eia.id == AuditRecord.eia_id, isouter=True)
        .where(*_conditions(f))
    )


def count(session: Session, f: AuditFilter) -> int:
    query = (
        select(sa.func.count())
        .select_from(AuditRecord)
        .join(Eia, Eia.id == AuditRecord.eia_id, isouter=True)
        .where(*_conditions(f))
    )
    return session.exec(query).one()


def search(session: Session, f: AuditFilter, *, page: int = 1, page_size: int = PAGE_SIZE) -> list:
    """One page of (record, reference, title) rows, newest first (by chain position)."""
    query = (
        _base(f).order_by(AuditRecord.seq.desc()).offset((page - 1) * page_size).limit(page_size)
    )
    return list(session.exec(query).all())


def all_rows(session: Session, f: AuditFilter, limit: int = DOWNLOAD_LIMIT) -> list:
    return list(session.exec(_base(f).order_by(AuditRecord.seq.desc()).limit(limit)).all())


def london_time(value: datetime) -> datetime:
    """A stored timestamp as London's wall-clock time (naive: what a person reads)."""
    return as_utc(value).astimezone(LONDON).replace(tzinfo=None)

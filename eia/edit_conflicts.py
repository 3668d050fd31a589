"""Two people editing the same section: nobody's work is lost without them knowing.

An EIA's team edits it together, and each section's form posts every field of the section.
So a page opened before someone else saved would, on its own, put back what they changed.
Instead each form carries the position of the audit trail when it was opened (``since``:
the EIA's last audit record then). On saving, the changes others saved to that section
since then are read from the audit trail (every edit records each field's old and new
value) and compared field by field with what is being saved:

- a field nobody else changed is saved as typed;
- a field someone else changed, which this person left as they found it, keeps the other
  person's value (the two edits merge);
- a field someone else changed, which this person changed too, to something else, is a
  conflict: nothing is saved, and the page shows both answers with the person's typed
  values kept. The page then carries a token for each conflict it showed (``overwrite``),
  so saving again replaces the other answer with the person's own, knowingly; if a third
  change comes meanwhile, that is a new conflict.

Fields are named by paths as the audit details name them: ``("title",)`` for the EIA's own
fields, ``("age", "relevance")`` for one characteristic's screening or impact, ``("#12",
"who")`` for a record (engagement, action, intersectional impact). Adding a record is never a
conflict.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from eia.audit import canonical_json
from eia.models import AuditRecord
from eia.words import plural

# Keys of an edit's details that are not field changes: records added or removed, and the
# officer's "I have completed this section".
_NOT_FIELDS = ("added", "removed", "completed")

Path = tuple[str, ...]


@dataclass(frozen=True)
class EditBase:
    """What a form was opened at: the audit trail's position then, and the conflicts the
    person has been shown and chose to overwrite."""

    since: int
    overwrite: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Change:
    """Another person's change to one field since the form was opened."""

    path: Path
    old: object  # the value when the form was opened
    new: object  # the value now
    by: str
    at: datetime

    @property
    def token(self) -> str:
        """Names this field *and* the other person's value, so an overwrite of one answer
        never covers a later one."""
        return hashlib.sha256(canonical_json([list(self.path), self.new]).encode()).hexdigest()[:20]


@dataclass(frozen=True)
class Conflict:
    change: Change
    yours: object


class EditConflict(Exception):
    """Someone else changed the same fields, differently, since the form was opened."""

    def __init__(self, section: str, conflicts: list[Conflict]):
        self.section = section
        self.conflicts = conflicts
        super().__init__(f"{plural(len(conflicts), 'answer')} in {section} changed by someone else")


def mark(session: Session, eia_id: int) -> int:
    """The EIA's audit trail position now: what a form opened now carries."""
    return session.exec(
        select(sa.func.coalesce(sa.func.max(AuditRecord.seq), 0)).where(
            AuditRecord.eia_id == eia_id
        )
    ).one()


def _leaves(details, prefix: Path = ()):
    """(path, [old, new]) for each field change in an edit's details."""
    for key, value in details.items():
        if not prefix and key in _NOT_FIELDS:
            continue
        if isinstance(value, dict):
            yield from _leaves(value, prefix + (key,))
        elif isinstance(value, list) and len(value) == 2:
            yield prefix + (key,), value


def changes_since(
    session: Session, eia_id: int, section: str, since: int, *, not_by: int | None = None
) -> dict[Path, Change]:
    """The changes saved to ``section`` of the EIA after position ``since`` by anyone but
    ``not_by``, by field: the value when the form was opened, the value now, and who
    changed it last."""
    query = (
        select(AuditRecord.details, AuditRecord.actor_name, AuditRecord.occurred_at)
        .where(
            AuditRecord.eia_id == eia_id,
            AuditRecord.action == "edit",
            AuditRecord.event == section,
            AuditRecord.seq > since,
        )
        .order_by(AuditRecord.seq)
    )
    if not_by is not None:
        query = query.where(sa.or_(AuditRecord.actor_id.is_(None), AuditRecord.actor_id != not_by))
    rows = session.exec(query).all()
    found: dict[Path, Change] = {}
    for details, by, at in rows:
        for path, (old, new) in _leaves(json.loads(details or "{}")):
            first = found.get(path)
            found[path] = Change(path, first.old if first else old, new, by, at)
    return found


def _same(a, b) -> bool:
    return canonical_json(a) == canonical_json(b)


def merge(
    session: Session,
    eia_id: int,
    section: str,
    base: EditBase | None,
    proposed: dict[Path, object],
    *,
    actor_id: int,
) -> set[Path]:
    """The paths of ``proposed`` (plain values, as the audit details hold them) to leave as
    the other person saved them. Raises EditConflict when a field was changed both by
    someone else and by this person, differently, and the person has not yet seen it.
    The person's own saves since (a page saved in part, shown again) are theirs to change."""
    if base is None:
        return set()
    others = changes_since(session, eia_id, section, base.since, not_by=actor_id)
    keep_theirs, conflicts = set(), []
    for path, yours in proposed.items():
        change = others.get(path)
        if change is None or _same(yours, change.new):
            continue
        if _same(yours, change.old):
            keep_theirs.add(path)
        elif change.token not in base.overwrite:
            conflicts.append(Conflict(change, yours))
    if conflicts:
        raise EditConflict(section, conflicts)
    return keep_theirs

"""The tamper-evident audit trail.

Each record carries a SHA-256 over its own content and the previous record's hash. The
chain's head (last position and hash) lives in ``audit_chain``; every append locks that row,
so appends are serialised and positions have no gaps. ``verify`` walks the chain and names
the first record altered, removed or put out of order.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from eia.models import GENESIS_HASH, AuditChain, AuditRecord, Eia, User, as_utc, utcnow

HASHED_FIELDS = (
    "eia_id", "eia_version", "actor_id", "actor_name", "occurred_at", "action", "event",
    "from_state", "to_state", "comment", "details",
)


def canonical_json(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=_json_default)


def _json_default(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def record_hash(prev_hash: str, fields: dict) -> str:
    content = {name: fields[name] for name in HASHED_FIELDS}
    if isinstance(content["occurred_at"], datetime):
        content["occurred_at"] = as_utc(content["occurred_at"]).isoformat(timespec="microseconds")
    payload = prev_hash + "\n" + canonical_json(content)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _lock_head(session: Session) -> AuditChain:
    head = session.exec(
        select(AuditChain).where(AuditChain.id == 1).with_for_update()
    ).one_or_none()
    if head is None:  # the migration creates it; this covers an emptied table
        head = AuditChain(id=1, last_seq=0, last_hash=GENESIS_HASH)
        session.add(head)
        session.flush()
    return head


def append(
    session: Session,
    *,
    eia: Eia | None,
    actor: User | None,
    action: str,
    event: str,
    from_state: str | None = None,
    to_state: str | None = None,
    comment: str = "",
    details: dict | None = None,
    at: datetime | None = None,
    actor_name: str | None = None,
) -> AuditRecord:
    """Add the next record to the chain, in the caller's transaction (flushes, never commits).
    With no ``actor`` the record is the system's: ``actor_name`` says which part of it (the
    scheduler unless told otherwise)."""
    if eia is not None and eia.id is None:
        session.flush()
    head = _lock_head(session)
    fields = {
        "eia_id": eia.id if eia is not None else None,
        "eia_version": eia.version if eia is not None else None,
        "actor_id": actor.id if actor is not None else None,
        "actor_name": actor.name if actor is not None else actor_name or "System (scheduler)",
        # Aware UTC to the microsecond, as both databases give it back.
        "occurred_at": as_utc(at or utcnow()),
        "action": action,
        "event": event,
        "from_state": from_state,
        "to_state": to_state,
        "comment": comment or "",
        "details": canonical_json(details or {}),
    }
    record = AuditRecord(seq=head.last_seq + 1, prev_hash=head.last_hash,
                         hash=record_hash(head.last_hash, fields), **fields)
    session.add(record)
    head.last_seq = record.seq
    head.last_hash = record.hash
    session.add(head)
    session.flush()
    return record


@dataclass(frozen=True)
class VerifyReport:
    ok: bool
    checked: int
    seq: int | None = None
    problem: str | None = None  # altered | removed | reordered
    message: str = "The audit trail is intact."


def _fields_of(row) -> dict:
    return {name: getattr(row, name) for name in HASHED_FIELDS}


def verify(session: Session, batch_size: int = 5000) -> VerifyReport:
    """Walk the whole chain in position order and report the first break."""
    head = session.get(AuditChain, 1)
    expected_seq, expected_prev, checked = 1, GENESIS_HASH, 0
    columns = [AuditRecord.seq, AuditRecord.prev_hash, AuditRecord.hash,
               *[getattr(AuditRecord, n) for n in HASHED_FIELDS]]
    last_seq = 0
    while True:
        rows = session.exec(
            select(*columns).where(AuditRecord.seq >= expected_seq)
            .order_by(AuditRecord.seq).limit(batch_size)
        ).all()
        if not rows:
            break
        for row in rows:
            if row.seq != expected_seq:
                missing = (f"record {expected_seq} is" if row.seq == expected_seq + 1
                           else f"records {expected_seq} to {row.seq - 1} are")
                return VerifyReport(False, checked, expected_seq, "removed",
                                    f"The audit trail is broken: {missing} missing.")
            if record_hash(row.prev_hash, _fields_of(row)) != row.hash:
                return VerifyReport(
                    False, checked, row.seq, "altered",
                    f"The audit trail is broken: record {row.seq} was altered after it was "
                    "written (its content no longer matches its hash).",
                )
            if row.prev_hash != expected_prev:
                return _out_of_place(session, row, checked)
            expected_prev, last_seq = row.hash, row.seq
            expected_seq += 1
            checked += 1
    head_seq = head.last_seq if head is not None else 0
    head_hash = head.last_hash if head is not None else GENESIS_HASH
    if head_seq > last_seq:
        missing = (f"record {head_seq} is" if head_seq == last_seq + 1
                   else f"records {last_seq + 1} to {head_seq} are")
        return VerifyReport(False, checked, last_seq + 1, "removed",
                            f"The audit trail is broken: {missing} missing from its end.")
    if head_seq < last_seq or head_hash != expected_prev:
        return VerifyReport(
            False, checked, head_seq + 1 if head_seq < last_seq else last_seq, "altered",
            "The audit trail is broken: its last records do not match the chain's recorded head.",
        )
    return VerifyReport(True, checked, message=f"The audit trail is intact: {checked} records "
                        "checked.")


def _out_of_place(session: Session, row, checked: int) -> VerifyReport:
    """A self-consistent record whose predecessor is wrong: moved, or something before it gone."""
    original_prev = session.exec(
        select(AuditRecord.seq).where(AuditRecord.hash == row.prev_hash)
    ).first()
    if original_prev is not None and original_prev != row.seq - 1:
        return VerifyReport(
            False, checked, row.seq, "reordered",
            f"The audit trail is broken: record {row.seq} is out of order (it was written "
            f"after the record now at position {original_prev}).",
        )
    return VerifyReport(
        False, checked, row.seq, "removed",
        f"The audit trail is broken: the record before record {row.seq} was removed or "
        "replaced.",
    )


def count(session: Session) -> int:
    return session.exec(select(sa.func.count()).select_from(AuditRecord)).one()

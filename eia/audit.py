"""The tamper-evident audit trail.

Each record carries a SHA-256 over its own content and the previous record's hash. The
chain's head (last position and hash) lives in ``audit_chain``; every append locks that row,
so appends are serialised and positions have no gaps. ``verify`` walks the chain and names
the first record altered, removed or put out of order.

A person is in the hash by their stable id alone, never by their name or email (canonical
form 2, from migration 0021): a record's ``actor_name`` is hashed only for the system's own
records (no ``actor_id``), and the name and email of the person an administration record is
about (``details["user"]``, with the old and new values of a name or email change) are left
out of the hashed text. So a name can be corrected, or a leaver pseudonymised
(``pseudonymise`` in eia/admin_operations.py), and the chain still verifies; anything else
changed still breaks it. Migration 0021 re-chained the records written in form 1 and wrote a
signed "audit_rechained" record holding the old chain's head (``rechain`` below).
"""

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from json.encoder import encode_basestring

import sqlalchemy as sa
from sqlmodel import Session, select

from eia.models import GENESIS_HASH, AuditChain, AuditRecord, Eia, User, as_utc, utcnow

HASHED_FIELDS = (
    "eia_id",
    "eia_version",
    "actor_id",
    "actor_name",
    "occurred_at",
    "action",
    "event",
    "from_state",
    "to_state",
    "comment",
    "details",
)


def canonical_json(value) -> str:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_json_default
    )


def _json_default(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


# The details of an administration record about a person carry them as "user": {"id", "name",
# "email"}; with "name" or "email" beside it, the old and new values of a change to them.
_PERSON_KEY = '"user":'
_PERSONAL_VALUES = ("name", "email")


def hashed_actor_name(actor_id, actor_name):
    """A person is hashed by ``actor_id``; only the system's records hash the name."""
    return actor_name if actor_id is None else None


def hashed_details(details):
    """``details`` as hashed: without the personal data of the person it is about (their
    id stays). Text that is not such a record's JSON is hashed as it is."""
    if type(details) is not str or _PERSON_KEY not in details:
        return details
    try:
        value = json.loads(details)
    except ValueError:
        return details
    if not isinstance(value, dict) or not isinstance(value.get("user"), dict):
        return details
    value = {k: v for k, v in value.items() if k not in _PERSONAL_VALUES}
    value["user"] = {"id": value["user"].get("id")}
    return canonical_json(value)


def record_payload(prev_hash: str, fields: dict) -> str:
    """What a record's hash is taken over (the definition; ``canonical_payload`` below makes
    the same text faster for ``verify``): the previous hash, a newline, and the hashed fields
    as canonical JSON, occurred_at as aware UTC to the microsecond, a person's name and email
    left out (``hashed_actor_name``, ``hashed_details``)."""
    content = {name: fields[name] for name in HASHED_FIELDS}
    content["occurred_at"] = canonical_occurred_at(content["occurred_at"])
    content["actor_name"] = hashed_actor_name(content["actor_id"], content["actor_name"])
    content["details"] = hashed_details(content["details"])
    return prev_hash + "\n" + canonical_json(content)


def legacy_record_hash(prev_hash: str, fields: dict) -> str:
    """Canonical form 1 (before migration 0021): names and emails hashed as written. Only
    ``rechain`` (the migration) uses it, to check the old chain before re-chaining it."""
    content = {name: fields[name] for name in HASHED_FIELDS}
    content["occurred_at"] = canonical_occurred_at(content["occurred_at"])
    text = prev_hash + "\n" + canonical_json(content)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def record_hash(prev_hash: str, fields: dict) -> str:
    return hashlib.sha256(record_payload(prev_hash, fields).encode("utf-8")).hexdigest()


def canonical_occurred_at(value):
    """occurred_at as it goes into the payload: a datetime as aware UTC to the microsecond
    (ISO 8601); anything else as it is."""
    if isinstance(value, datetime):
        return as_utc(value).isoformat(timespec="microseconds")
    return value


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
    record = AuditRecord(
        seq=head.last_seq + 1,
        prev_hash=head.last_hash,
        hash=record_hash(head.last_hash, fields),
        **fields,
    )
    session.add(record)
    head.last_seq = record.seq
    head.last_hash = record.hash
    session.add(head)
    session.flush()
    return record


def append_many(
    session: Session, entries: list[dict], *, actor: User, at: datetime | None = None
) -> int:
    """Add many records at once, in order, as ``append`` would one by one (the same fields,
    the same hashes, the head locked once): for an operation that writes thousands of
    records in one transaction (an import). Each entry: eia_id, eia_version, action, event,
    from_state, to_state, comment, details. Returns the last position written."""
    if not entries:
        return 0
    session.flush()
    head = _lock_head(session)
    occurred_at = as_utc(at or utcnow())
    seq, prev = head.last_seq, head.last_hash
    rows = []
    for entry in entries:
        fields = {
            "eia_id": entry.get("eia_id"),
            "eia_version": entry.get("eia_version"),
            "actor_id": actor.id,
            "actor_name": actor.name,
            "occurred_at": occurred_at,
            "action": entry["action"],
            "event": entry["event"],
            "from_state": entry.get("from_state"),
            "to_state": entry.get("to_state"),
            "comment": entry.get("comment") or "",
            "details": canonical_json(entry.get("details") or {}),
        }
        seq += 1
        digest = record_hash(prev, fields)
        rows.append({"seq": seq, "prev_hash": prev, "hash": digest, **fields})
        prev = digest
    table = AuditRecord.__table__
    for start in range(0, len(rows), 1000):
        session.execute(table.insert(), rows[start : start + 1000])
    head.last_seq, head.last_hash = seq, prev
    session.add(head)
    session.flush()
    return seq


@dataclass(frozen=True)
class VerifyReport:
    ok: bool
    checked: int
    seq: int | None = None
    problem: str | None = None  # altered | removed | reordered
    message: str = "The audit trail is intact."


# --- verifying at speed -------------------------------------------------------------------
# ``verify`` streams raw rows from the database driver and builds each record's payload with
# ``canonical_payload``: the same text as ``record_payload`` (tests/test_audit_canonical.py
# proves it over arbitrary values), without a dict, a json.dumps or an ORM row per record.

# json.dumps(sort_keys=True) writes the keys in this order; each key as JSON, then a colon.
CANONICAL_ORDER = tuple(sorted(HASHED_FIELDS))
_PAYLOAD = (
    "%s\n{"
    + ",".join(encode_basestring(name).replace("%", "%%") + ":%s" for name in CANONICAL_ORDER)
    + "}"
)


def _json_value(value, _str=str, _int=int, _encode=encode_basestring) -> str:
    """One value as ``canonical_json`` writes it inside a record: strings escaped by the same
    (C) function json.dumps uses with ensure_ascii=False, ints and None as JSON; any other
    type through ``canonical_json`` itself."""
    kind = type(value)
    if kind is _str:
        return _encode(value)
    if value is None:
        return "null"
    if kind is _int:
        return _int.__repr__(value)
    return canonical_json(value)


def canonical_payload(prev_hash: str, values) -> str:
    """``record_payload``'s text, from the hashed fields' values in CANONICAL_ORDER
    (occurred_at already through ``canonical_occurred_at``)."""
    values = list(values)
    values[2] = hashed_actor_name(values[1], values[2])
    values[4] = hashed_details(values[4])
    return _PAYLOAD % (prev_hash, *map(_json_value, values))


# Positions in a streamed row: seq, prev_hash, hash, then the hashed fields in CANONICAL_ORDER.
_STREAM_COLUMNS = ("seq", "prev_hash", "hash", *CANONICAL_ORDER)
if CANONICAL_ORDER != (
    "action",
    "actor_id",
    "actor_name",
    "comment",
    "details",
    "eia_id",
    "eia_version",
    "event",
    "from_state",
    "occurred_at",
    "to_state",
):
    raise RuntimeError("HASHED_FIELDS changed: _row_payload must be changed with it")


def _row_payload(
    row, _encode=encode_basestring, _value=_json_value, _person=_PERSON_KEY, _str=str
) -> str:
    """``canonical_payload`` for a streamed row, a fifth faster: the columns that are text and
    never null in the table (and occurred_at, a string by now) go straight to the C escaper;
    anything else it refuses (TypeError) takes the general way."""
    (
        _,
        prev_hash,
        _,
        action,
        actor_id,
        actor_name,
        comment,
        details,
        eia_id,
        eia_version,
        event,
        from_state,
        occurred_at,
        to_state,
    ) = row
    try:
        if type(details) is _str and _person in details:
            details = hashed_details(details)
        return _PAYLOAD % (
            prev_hash,
            _encode(action),
            _value(actor_id),
            "null" if actor_id is not None else _encode(actor_name),
            _encode(comment),
            _encode(details),
            _value(eia_id),
            _value(eia_version),
            _encode(event),
            _value(from_state),
            _encode(occurred_at),
            _value(to_state),
        )
    except TypeError:
        return canonical_payload(prev_hash, row[3:])


_OCCURRED_AT = _STREAM_COLUMNS.index("occurred_at")
# PostgreSQL writes occurred_at exactly as canonical_occurred_at does (tested against it).
_PG_OCCURRED_AT = (
    "to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US') || '+00:00'"
)


def _stream_chain(session: Session, batch_size: int):
    """Every record in position order as a tuple (_STREAM_COLUMNS), occurred_at canonical,
    read in batches of ``batch_size`` through the driver's own cursor: a server-side cursor
    on PostgreSQL, sqlite3's (which steps through the result) on SQLite. Memory stays flat."""
    connection = session.connection()
    dialect = connection.dialect
    raw = connection.connection.dbapi_connection
    if dialect.name == "postgresql" and dialect.driver == "psycopg":
        columns = ", ".join(_PG_OCCURRED_AT if c == "occurred_at" else c for c in _STREAM_COLUMNS)
        # Named: DECLARE ... CURSOR in the session's transaction, FETCHed itersize at a time.
        cursor = raw.cursor(name="eia_audit_verify", binary=True)
        cursor.itersize = batch_size
        convert = None
    else:
        columns = ", ".join(_STREAM_COLUMNS)
        cursor = raw.cursor()
        cursor.arraysize = batch_size
        # The values SQLAlchemy's column types would give (occurred_at: aware UTC).
        table = AuditRecord.__table__
        processors = [
            (i, table.c[name].type.dialect_impl(dialect).result_processor(dialect, None))
            for i, name in enumerate(_STREAM_COLUMNS)
        ]
        processors = [(i, p) for i, p in processors if p is not None]

        def convert(row):
            row = list(row)
            for i, process in processors:
                row[i] = process(row[i])
            row[_OCCURRED_AT] = canonical_occurred_at(row[_OCCURRED_AT])
            return tuple(row)

    try:
        cursor.execute(f"SELECT {columns} FROM audit_record ORDER BY seq")
        while rows := cursor.fetchmany(batch_size):
            yield from rows if convert is None else map(convert, rows)
    finally:
        cursor.close()


def verify(session: Session, batch_size: int = 2000, secret_key: str | None = None) -> VerifyReport:
    """Walk the whole chain in position order and report the first break; then check each
    re-chaining record (its signature too, given the installation's ``secret_key``)."""
    report = _verify_chain(session, batch_size)
    if not report.ok:
        return report
    return _check_rechains(session, report, secret_key)


def _verify_chain(session: Session, batch_size: int) -> VerifyReport:
    head = session.get(AuditChain, 1)
    expected_seq, expected_prev, checked = 1, GENESIS_HASH, 0
    last_seq = 0
    sha256, payload_of = hashlib.sha256, _row_payload
    rows = _stream_chain(session, batch_size)
    try:
        for row in rows:
            seq, prev_hash, stored_hash = row[0], row[1], row[2]
            if seq != expected_seq:
                missing = (
                    f"record {expected_seq} is"
                    if seq == expected_seq + 1
                    else f"records {expected_seq} to {seq - 1} are"
                )
                return VerifyReport(
                    False,
                    checked,
                    expected_seq,
                    "removed",
                    f"The audit trail is broken: {missing} missing.",
                )
            if sha256(payload_of(row).encode()).hexdigest() != stored_hash:
                return VerifyReport(
                    False,
                    checked,
                    seq,
                    "altered",
                    f"The audit trail is broken: record {seq} was altered after it was "
                    "written (its content no longer matches its hash).",
                )
            if prev_hash != expected_prev:
                rows.close()  # the cursor first: the next question goes to the same connection
                return _out_of_place(session, seq, prev_hash, checked)
            expected_prev, last_seq = stored_hash, seq
            expected_seq += 1
            checked += 1
    finally:
        rows.close()
    head_seq = head.last_seq if head is not None else 0
    head_hash = head.last_hash if head is not None else GENESIS_HASH
    if head_seq > last_seq:
        missing = (
            f"record {head_seq} is"
            if head_seq == last_seq + 1
            else f"records {last_seq + 1} to {head_seq} are"
        )
        return VerifyReport(
            False,
            checked,
            last_seq + 1,
            "removed",
            f"The audit trail is broken: {missing} missing from its end.",
        )
    if head_seq < last_seq or head_hash != expected_prev:
        return VerifyReport(
            False,
            checked,
            head_seq + 1 if head_seq < last_seq else last_seq,
            "altered",
            "The audit trail is broken: its last records do not match the chain's recorded head.",
        )
    return VerifyReport(
        True, checked, message=f"The audit trail is intact: {checked} records checked."
    )


def _out_of_place(session: Session, seq: int, prev_hash: str, checked: int) -> VerifyReport:
    """A self-consistent record whose predecessor is wrong: moved, or something before it gone."""
    original_prev = session.exec(
        select(AuditRecord.seq).where(AuditRecord.hash == prev_hash)
    ).first()
    if original_prev is not None and original_prev != seq - 1:
        return VerifyReport(
            False,
            checked,
            seq,
            "reordered",
            f"The audit trail is broken: record {seq} is out of order (it was written "
            f"after the record now at position {original_prev}).",
        )
    return VerifyReport(
        False,
        checked,
        seq,
        "removed",
        f"The audit trail is broken: the record before record {seq} was removed or replaced.",
    )


def count(session: Session) -> int:
    return session.exec(select(sa.func.count()).select_from(AuditRecord)).one()


# --- re-chaining (migration 0021): from canonical form 1 to form 2 ---------------------------

RECHAIN_EVENT = "audit_rechained"
RECHAIN_ACTOR = "System (migration 0021: the audit trail re-chained)"
CANONICAL_FORM = 2


class ChainBroken(RuntimeError):
    """The chain to be re-chained does not verify: re-chaining it would hide that."""


def rechain_signature(secret_key: str, old_seq: int, old_hash: str, new_hash: str, at) -> str:
    """HMAC-SHA256, with the installation's secret key, over the old chain's head (position
    and form-1 hash), the new chain's hash of that same record, and when it was done."""
    message = "|".join(
        ("eia-audit-rechain", str(old_seq), old_hash, new_hash, canonical_occurred_at(at))
    )
    return hmac.new(secret_key.encode(), message.encode(), hashlib.sha256).hexdigest()


_BATCH = 2000


def _batches(connection, table):
    last = 0
    while True:
        rows = connection.execute(
            sa.select(table).where(table.c.seq > last).order_by(table.c.seq).limit(_BATCH)
        ).all()
        if not rows:
            return
        yield rows
        last = rows[-1].seq


def _rewrite(connection, table, hash_of, *, check_with=None) -> tuple[int, str, str | None]:
    """Give every record a new hash (``hash_of(prev, fields)``), in position order; with
    ``check_with``, first check each stored hash is what it computes (raises ChainBroken).
    Returns the last position, its new hash, and its hash before."""
    prev_new, prev_old, seq, old_hash = GENESIS_HASH, GENESIS_HASH, 0, None
    update = (
        table.update()
        .where(table.c.seq == sa.bindparam("b_seq"))
        .values(prev_hash=sa.bindparam("b_prev"), hash=sa.bindparam("b_hash"))
    )
    for rows in _batches(connection, table):
        changes = []
        for row in rows:
            fields = {name: getattr(row, name) for name in HASHED_FIELDS}
            if check_with is not None and (
                row.seq != seq + 1
                or row.prev_hash != prev_old
                or check_with(prev_old, fields) != row.hash
            ):
                raise ChainBroken(
                    f"The audit trail is broken at record {row.seq}: it cannot be re-chained. "
                    "Run `eia audit verify` with the previous release to see what is wrong."
                )
            seq, prev_old, old_hash = row.seq, row.hash, row.hash
            new = hash_of(prev_new, fields)
            changes.append({"b_seq": row.seq, "b_prev": prev_new, "b_hash": new})
            prev_new = new
        connection.execute(update, changes)
    return seq, prev_new, old_hash


def rechain(connection, secret_key: str, at: datetime | None = None) -> int | None:
    """Re-chain every record in canonical form 2 after checking the whole chain in form 1,
    then append the signed re-chaining record. Returns its position (None: nothing to do)."""
    table, chain = AuditRecord.__table__, AuditChain.__table__
    head = connection.execute(sa.select(chain).where(chain.c.id == 1)).first()
    seq, new_hash, old_hash = _rewrite(
        connection, table, record_hash, check_with=legacy_record_hash
    )
    if seq == 0:
        return None
    if head is None or head.last_seq != seq or head.last_hash != old_hash:
        raise ChainBroken(
            "The audit trail's last records do not match its recorded head: it cannot be "
            "re-chained. Run `eia audit verify` with the previous release to see what is wrong."
        )
    at = as_utc(at or utcnow())
    details = {
        "canonical_form": CANONICAL_FORM,
        "old_head": {"seq": seq, "hash": old_hash},
        "signature": rechain_signature(secret_key, seq, old_hash, new_hash, at),
    }
    fields = {
        "eia_id": None,
        "eia_version": None,
        "actor_id": None,
        "actor_name": RECHAIN_ACTOR,
        "occurred_at": at,
        "action": "admin",
        "event": RECHAIN_EVENT,
        "from_state": None,
        "to_state": None,
        "comment": "",
        "details": canonical_json(details),
    }
    digest = record_hash(new_hash, fields)
    connection.execute(
        table.insert().values(seq=seq + 1, prev_hash=new_hash, hash=digest, **fields)
    )
    connection.execute(
        chain.update().where(chain.c.id == 1).values(last_seq=seq + 1, last_hash=digest)
    )
    return seq + 1


def unchain(connection) -> None:
    """Back to canonical form 1 (migration 0021's downgrade): the re-chaining records go, and
    every record is hashed in form 1 again, as the previous release verifies it."""
    table, chain = AuditRecord.__table__, AuditChain.__table__
    rechains = connection.execute(
        sa.select(table.c.seq).where(table.c.event == RECHAIN_EVENT).order_by(table.c.seq.desc())
    ).all()
    for (seq,) in rechains:  # from the last, closing each gap it leaves
        connection.execute(table.delete().where(table.c.seq == seq))
        later = connection.execute(
            sa.select(table.c.seq).where(table.c.seq > seq).order_by(table.c.seq)
        ).scalars()
        for position in list(later):  # one by one, upwards: never two at one position
            connection.execute(
                table.update().where(table.c.seq == position).values(seq=position - 1)
            )
    seq, new_hash, _ = _rewrite(connection, table, legacy_record_hash)
    connection.execute(
        chain.update().where(chain.c.id == 1).values(last_seq=seq, last_hash=new_hash)
    )


def _check_rechains(session: Session, report: VerifyReport, secret_key) -> VerifyReport:
    records = session.exec(
        select(AuditRecord).where(AuditRecord.event == RECHAIN_EVENT).order_by(AuditRecord.seq)
    ).all()
    notes = []
    for record in records:
        try:
            details = json.loads(record.details)
            old_seq, old_hash = details["old_head"]["seq"], details["old_head"]["hash"]
            signature = details["signature"]
        except (ValueError, KeyError, TypeError):
            old_seq = old_hash = signature = None
        if old_seq != record.seq - 1 or not isinstance(signature, str):
            return VerifyReport(
                False,
                report.checked,
                record.seq,
                "altered",
                f"The audit trail is broken: record {record.seq} says the trail was "
                "re-chained, but does not say from which head.",
            )
        if secret_key is not None and not hmac.compare_digest(
            signature,
            rechain_signature(secret_key, old_seq, old_hash, record.prev_hash, record.occurred_at),
        ):
            return VerifyReport(
                False,
                report.checked,
                record.seq,
                "altered",
                f"The audit trail is broken: record {record.seq}, where the trail was "
                "re-chained, is not signed with this installation's secret key (it was forged, "
                "or SECRET_KEY has changed since).",
            )
        notes.append(
            f" Re-chained on {as_utc(record.occurred_at):%d %B %Y} after record {old_seq}, "
            f"from an intact chain whose head was {old_hash[:12]}…"
            + (" (signature checked)." if secret_key is not None else ".")
        )
    if not notes:
        return report
    return VerifyReport(True, report.checked, message=report.message + "".join(notes))


def count_rows(connection) -> int:
    return connection.execute(
        sa.select(sa.func.count()).select_from(AuditRecord.__table__)
    ).scalar()

"""``verify``'s fast path builds each record's payload without json.dumps: it must give the
very text ``record_payload`` (the definition, which ``append`` hashes) gives, for any values,
and PostgreSQL's formatting of occurred_at must be Python's."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eia import audit
from eia.db import make_engine

from .support.services import PG_URL

# Every character, lone surrogates included (they reach the payload; encoding then fails in
# both paths alike), with the ones JSON escapes made likely.
AWKWARD = [
    '"',
    "\\",
    "/",
    "\n",
    "\r",
    "\t",
    "\b",
    "\f",
    "\x00",
    "\x1f",
    "\x7f",
    "\u2028",
    "\u2029",
    "\ufeff",
    "é",
    "\u00a0",
    "😀",
    "%",
    "{",
    "}",
    ":",
    ",",
]
TEXT = st.text(st.characters(exclude_categories=()) | st.sampled_from(AWKWARD))
OFFSETS = st.timedeltas(
    min_value=timedelta(hours=-23, minutes=-59), max_value=timedelta(hours=23, minutes=59)
).map(timezone)
DATETIMES = st.datetimes(
    min_value=datetime(2, 1, 1),
    max_value=datetime(9998, 12, 31),
    timezones=st.none() | st.just(UTC) | OFFSETS | st.timezones(),
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=2**63)
    | st.floats()
    | TEXT
    | DATETIMES
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=6,
)
FIELDS = st.fixed_dictionaries({name: VALUES for name in audit.HASHED_FIELDS})
PREV = st.text(st.sampled_from("0123456789abcdef"), min_size=64, max_size=64) | TEXT


def fast_payload(prev_hash: str, fields: dict) -> str:
    """As ``verify`` builds it from a streamed row (seq, prev_hash, hash, the values in
    CANONICAL_ORDER with occurred_at made canonical); its general way gives the same."""
    values = [
        audit.canonical_occurred_at(fields[n]) if n == "occurred_at" else fields[n]
        for n in audit.CANONICAL_ORDER
    ]
    payload = audit._row_payload((1, prev_hash, "", *values))
    assert payload == audit.canonical_payload(prev_hash, values)
    return payload


@settings(max_examples=500, deadline=None)
@given(prev=PREV, fields=FIELDS)
def test_fast_payload_is_the_definition(prev, fields):
    assert fast_payload(prev, fields) == audit.record_payload(prev, fields)


@settings(max_examples=300, deadline=None)
@given(
    prev=PREV,
    fields=st.fixed_dictionaries(
        {
            "eia_id": st.none() | st.integers(),
            "eia_version": st.none() | st.integers(),
            "actor_id": st.none() | st.integers(),
            "actor_name": TEXT,
            "occurred_at": DATETIMES,
            "action": TEXT,
            "event": TEXT,
            "from_state": st.none() | TEXT,
            "to_state": st.none() | TEXT,
            "comment": TEXT,
            "details": TEXT,
        }
    ),
)
def test_fast_hash_is_record_hash_for_a_records_types(prev, fields):
    """The types a stored record has: the hashes agree, or both fail to encode (a lone
    surrogate, which no database gives back)."""
    try:
        expected = audit.record_hash(prev, fields)
    except UnicodeEncodeError:
        with pytest.raises(UnicodeEncodeError):
            fast_payload(prev, fields).encode("utf-8")
        return
    assert audit.hashlib.sha256(fast_payload(prev, fields).encode("utf-8")).hexdigest() == expected


@pytest.fixture(scope="module")
def postgres_engine():
    """The PostgreSQL server of DATABASE_URL (only queried: nothing is written)."""
    engine = make_engine(PG_URL)
    yield engine
    engine.dispose()


@pytest.mark.postgres
@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(at=DATETIMES.filter(lambda d: d.tzinfo is not None))
def test_postgres_writes_occurred_at_as_python_does(postgres_engine, at):
    """PostgreSQL formats occurred_at for verify (SQLite's goes through Python)."""
    with postgres_engine.connect() as conn:
        written = conn.execute(
            sa.text(
                f"SELECT {audit._PG_OCCURRED_AT} FROM (SELECT CAST(:at AS timestamptz) "
                "AS occurred_at) AS t"
            ),
            {"at": at},
        ).scalar_one()
    assert written == audit.canonical_occurred_at(at)


AWKWARD_RECORDS = [
    {
        "comment": 'Quotes " and \\ back\\slash, a tab\there, a newline\nthere',
        "details": {"note": "\u2028\u2029\x00\x1f\x7f", "ünï": ["cödé", 1, None, 2**70]},
        "actor_name": "Zoë O'Brien-Ñúñez 😀",
        "at": datetime(2026, 3, 29, 1, 30, 0, 5, tzinfo=timezone(timedelta(hours=5))),
    },
    {
        "comment": "",
        "details": {},
        "actor_name": "System (scheduler)",
        "at": datetime(2026, 10, 25, 1, 30, tzinfo=timezone(timedelta(hours=-9, minutes=-30))),
    },
    {
        "comment": "%s %% {}",
        "details": {"z": 1, "a": {"y": "\ufeff", "b": True}},
        "actor_name": "\u00a0",
        "at": datetime(2000, 1, 1, tzinfo=UTC),
    },
]


def test_awkward_records_verify_and_an_awkward_change_is_named(db):
    first = audit.count(db) + 1
    for n, record in enumerate(AWKWARD_RECORDS):
        audit.append(
            db,
            eia=None,
            actor=None,
            action="edit",
            event=f"awkward-{n}",
            from_state=None if n else "draft",
            to_state="draft",
            comment=record["comment"],
            details=record["details"],
            at=record["at"],
            actor_name=record["actor_name"],
        )
    db.commit()
    assert audit.verify(db).ok
    assert audit.verify(db, batch_size=1).ok
    db.execute(
        sa.text("UPDATE audit_record SET comment = :c WHERE seq = :s"),
        {"c": 'Quotes " and \\ back\\slash, a tab\there, a newline\nthere.', "s": first},
    )
    db.commit()
    report = audit.verify(db, batch_size=2)
    assert (report.ok, report.seq, report.problem) == (False, first, "altered")


# --- canonical form 2: a person is hashed by their id -------------------------------------

NAMES = st.text(st.characters(exclude_categories=("Cs",)) | st.sampled_from(AWKWARD[:-1]))
PERSON_DETAILS = st.fixed_dictionaries(
    {"user": st.fixed_dictionaries({"id": st.integers(), "name": TEXT, "email": TEXT})},
    optional={
        "name": st.lists(TEXT, min_size=2, max_size=2),
        "email": st.lists(TEXT, min_size=2, max_size=2),
        "role": TEXT,
        "subject": TEXT,
    },
)


@settings(max_examples=300, deadline=None)
@given(
    prev=PREV,
    details=PERSON_DETAILS,
    actor_id=st.integers(),
    names=st.tuples(NAMES, NAMES, NAMES),
)
def test_a_persons_name_and_email_are_not_hashed_but_their_id_is(prev, details, actor_id, names):
    fields = {
        "eia_id": None,
        "eia_version": None,
        "actor_id": actor_id,
        "actor_name": names[0],
        "occurred_at": datetime(2026, 1, 1, tzinfo=UTC),
        "action": "admin",
        "event": "user_renamed",
        "from_state": None,
        "to_state": None,
        "comment": "",
        "details": audit.canonical_json(details),
    }
    try:
        base = audit.record_hash(prev, fields)
    except UnicodeEncodeError:
        return
    assert fast_payload(prev, fields) == audit.record_payload(prev, fields)
    renamed = dict(details, user=dict(details["user"], name=names[1], email=names[2]))
    if "name" in details:
        renamed["name"] = [names[2], names[1]]
    corrected = dict(fields, actor_name=names[1], details=audit.canonical_json(renamed))
    assert audit.record_hash(prev, corrected) == base
    moved = dict(details, user=dict(details["user"], id=details["user"]["id"] + 1))
    assert audit.record_hash(prev, dict(fields, details=audit.canonical_json(moved))) != base
    assert audit.record_hash(prev, dict(fields, actor_id=actor_id + 1)) != base
    # The system's records (no person) hash the name they carry.
    system = dict(fields, actor_id=None)
    assert audit.record_hash(prev, system) != audit.record_hash(
        prev, dict(system, actor_name=names[0] + "x")
    )

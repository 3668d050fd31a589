"""The audit trail hashes a person by their id (canonical form 2): migration 0021 re-chains a
form-1 trail with a signed record of the old head; afterwards a corrected name and a
pseudonymised leaver leave the trail verifying, and tampering is still found. On SQLite and
PostgreSQL, each on a database of its own (migrated down and up)."""

import json

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from sqlmodel import Session, select

from eia import admin_operations as admin_ops
from eia import audit, create_app
from eia.admin_history import what_changed
from eia.db import make_engine
from eia.migrate import alembic_config, downgrade, upgrade
from eia.models import AuditRecord, LoginAttempt, OutboxEmail, User

from .factories import Factories
from .support.db import fresh_database_url

KEY = "the-installation-secret"
LEAVER = ("Lee Leaver", "lee.leaver@example.gov.uk")


def _before_0021() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_revision("0021").down_revision


def _form1_head(connection) -> tuple[int, str]:
    """Walk the chain as the previous release did (form 1): every hash and link must hold."""
    prev, seq = audit.GENESIS_HASH, 0
    table = AuditRecord.__table__
    for row in connection.execute(sa.select(table).order_by(table.c.seq)):
        fields = {name: getattr(row, name) for name in audit.HASHED_FIELDS}
        assert row.seq == seq + 1 and row.prev_hash == prev
        assert audit.legacy_record_hash(prev, fields) == row.hash, row.seq
        prev, seq = row.hash, row.seq
    return seq, prev


@pytest.fixture(
    scope="module",
    params=["sqlite", pytest.param("postgresql", marks=[pytest.mark.postgres, pytest.mark.slow])],
)
def trail(request, tmp_path_factory):
    """A trail written (EIAs, people added, renamed, a leaver who signed in and was emailed),
    taken back to form 1 (migration 0021's downgrade) and re-chained by its upgrade."""
    url = fresh_database_url(request.param, tmp_path_factory.mktemp("pd"), "personal_data")
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine, expire_on_commit=False) as s:
        make = Factories(s)
        make.eia("approved")
        leaver = admin_ops.create_user(
            s,
            "Command line (test)",
            name=LEAVER[0],
            email=LEAVER[1],
            role="admin",
            password_hash="x",
        )
        admin_ops.create_user(
            s, leaver, name="Ann Other", email="ann@example.gov.uk", role="admin", password_hash="x"
        )
        admin_ops.update_user(
            s, "Command line (test)", leaver, name="Lee Leaver-Smith", role="admin",
            service_id=None, directorate_id=None, active=True,
        )  # fmt: skip
        s.add(LoginAttempt(email=LEAVER[1], ip_address="10.0.0.9", succeeded=True))
        s.add(
            OutboxEmail(
                idempotency_key="k1", recipient_id=leaver.id, recipient_email=LEAVER[1],
                kind="transition", rule="submitted", template="t", subject="Hello Lee",
                status="sent", body_text="Dear Lee Leaver-Smith", body_html="<p>Dear Lee</p>",
            )
        )  # fmt: skip
        s.commit()
        leaver_id = leaver.id
    downgrade(engine, _before_0021())
    with engine.connect() as conn:
        old_head = _form1_head(conn)
    upgrade(engine, secret_key=KEY)
    yield {"engine": engine, "url": url, "old_head": old_head, "leaver_id": leaver_id}
    engine.dispose()


def _verify(engine, secret_key=KEY):
    with Session(engine) as s:
        return audit.verify(s, secret_key=secret_key)


def _cli(url, *args, key=KEY):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": key,
            "DATABASE_URL": url,
            "CELERY_BROKER_URL": "memory://",
            "CELERY_RESULT_BACKEND": "cache+memory://",
        }
    )
    try:
        return app.test_cli_runner().invoke(args=list(args))
    finally:
        app.extensions["eia_engine"].dispose()


def test_rechained_trail_verifies_and_records_the_old_head(trail):
    engine = trail["engine"]
    old_seq, old_hash = trail["old_head"]
    with Session(engine) as s:
        last = s.exec(select(AuditRecord).order_by(AuditRecord.seq.desc())).first()
    assert last.seq == old_seq + 1 and last.event == audit.RECHAIN_EVENT
    details = json.loads(last.details)
    assert details["old_head"] == {"seq": old_seq, "hash": old_hash}
    assert details["canonical_form"] == 2
    assert details["signature"] == audit.rechain_signature(
        KEY, old_seq, old_hash, last.prev_hash, last.occurred_at
    )
    done = _cli(trail["url"], "audit", "verify")
    assert done.exit_code == 0, done.output
    assert f"intact: {old_seq + 1} records checked" in done.output
    assert f"after record {old_seq}" in done.output and "signature checked" in done.output
    # Another installation's key (or a changed one) does not sign it.
    wrong = _cli(trail["url"], "audit", "verify", key="another-key")
    assert wrong.exit_code == 1
    assert f"record {old_seq + 1}" in wrong.output and "not signed" in wrong.output


def test_a_forged_rechaining_is_found_with_the_key(trail):
    """A forger who rewrites the re-chaining record and rehashes it (and the head) makes a
    chain that verifies without the key, but not with it."""
    engine = trail["engine"]
    with engine.connect() as conn, conn.begin() as txn:
        row = conn.execute(
            sa.select(AuditRecord.__table__).where(AuditRecord.event == audit.RECHAIN_EVENT)
        ).one()
        details = json.loads(row.details)
        details["old_head"]["hash"] = "f" * 64
        fields = {name: getattr(row, name) for name in audit.HASHED_FIELDS}
        fields["details"] = audit.canonical_json(details)
        forged = audit.record_hash(row.prev_hash, fields)
        conn.execute(
            sa.text("UPDATE audit_record SET details = :d, hash = :h WHERE seq = :s"),
            {"d": fields["details"], "h": forged, "s": row.seq},
        )
        conn.execute(sa.text("UPDATE audit_chain SET last_hash = :h"), {"h": forged})
        with Session(bind=conn) as s:
            assert audit.verify(s).ok
            caught = audit.verify(s, secret_key=KEY)
        txn.rollback()
    assert not caught.ok and caught.seq == row.seq and "not signed" in caught.message


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_record SET comment = 'forged' WHERE seq = 3",
        "UPDATE audit_record SET actor_id = NULL WHERE actor_id IS NOT NULL AND seq = "
        "(SELECT min(seq) FROM audit_record WHERE actor_id IS NOT NULL)",
        'UPDATE audit_record SET details = replace(details, \'"role":"admin"\', '
        "'\"role\":\"officer\"') WHERE event = 'user_created'",
    ],
    ids=["comment", "actor", "details"],
)
def test_tampering_is_still_found(trail, statement):
    with trail["engine"].connect() as conn, conn.begin() as txn:
        assert conn.execute(sa.text(statement)).rowcount >= 1
        with Session(bind=conn) as s:
            report = audit.verify(s, secret_key=KEY)
        txn.rollback()
    assert not report.ok and report.problem == "altered"


def test_a_corrected_name_shows_everywhere_and_the_trail_verifies(trail):
    engine = trail["engine"]
    with Session(engine) as s:
        person = s.exec(select(User).where(User.email == "ann@example.gov.uk")).one()
        admin_ops.update_user(
            s, "Command line (test)", person, name="Anne Other", role="admin",
            service_id=None, directorate_id=None, active=True,
        )  # fmt: skip
        s.commit()
        texts = [r.details for r in s.exec(select(AuditRecord)).all()]
    assert _verify(engine).ok
    created = [json.loads(t) for t in texts if '"ann@example.gov.uk"' in t]
    assert created and all(d["user"]["name"] == "Anne Other" for d in created)


def test_pseudonymising_a_leaver_leaves_no_trace_and_the_trail_verifies(trail):
    engine, leaver_id = trail["engine"], trail["leaver_id"]
    done = _cli(trail["url"], "people", "pseudonymise", LEAVER[1], "--yes")
    assert done.exit_code == 0, done.output
    assert f"Former member of staff {leaver_id}" in done.output
    assert _verify(engine).ok
    assert _cli(trail["url"], "audit", "verify").exit_code == 0
    with engine.connect() as conn:
        dumped = "\n".join(
            repr(tuple(row))
            for table in ("audit_record", "app_user", "login_attempt", "outbox_email")
            for row in conn.execute(sa.text(f"SELECT * FROM {table}"))
        )
    for trace in ("Lee Leaver", "lee.leaver", "Dear Lee", "Leaver-Smith"):
        assert trace not in dumped, trace
    with Session(engine) as s:
        person = s.get(User, leaver_id)
        assert (person.active, person.password_hash) == (False, None)
        records = s.exec(select(AuditRecord).where(AuditRecord.actor_id == leaver_id)).all()
        assert records and {r.actor_name for r in records} == {person.name}
        last = s.exec(select(AuditRecord).order_by(AuditRecord.seq.desc())).first()
    assert last.event == "user_pseudonymised" and last.actor_name.startswith("Command line")
    assert what_changed(last) == f"A leaver pseudonymised: now {person.name} ({person.email})"
    assert json.loads(last.details)["removed"]["sign_in_attempts"] == 1
    again = _cli(trail["url"], "people", "pseudonymise", person.email, "--yes")
    assert again.exit_code == 2 and "already pseudonymised" in again.output


def test_a_broken_form_1_trail_is_not_rechained(trail):
    """Last (it leaves the database behind 0021): the upgrade stops, saying why."""
    engine = trail["engine"]
    downgrade(engine, _before_0021())
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE audit_record SET comment = 'hidden' WHERE seq = 2"))
    result = _cli(trail["url"], "db", "upgrade")
    assert result.exit_code == 1, result.output
    assert "broken at record 2" in result.output and "Traceback" not in result.output
    with Session(engine) as s:
        assert not s.exec(
            select(AuditRecord).where(AuditRecord.event == audit.RECHAIN_EVENT)
        ).first()

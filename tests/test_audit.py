"""The audit trail: one record per accepted change, and tampering is found and named."""

import pytest
import sqlalchemy as sa
from sqlmodel import select

from eia import audit
from eia.models import AuditRecord


@pytest.fixture
def trail(make, db):
    """An EIA taken to approval: a dozen or so chained records."""
    make.eia("approved")
    db.commit()
    n = audit.count(db)
    assert n >= 8
    return n


def verify_cli(app):
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    return result.exit_code, result.output


def sql(db, statement, **params):
    db.execute(sa.text(statement), params)
    db.commit()


def test_intact_trail_verifies(app, trail):
    code, output = verify_cli(app)
    assert code == 0
    assert f"intact: {trail} records checked" in output


def test_altered_record_is_named(app, db, trail):
    sql(db, "UPDATE audit_record SET comment = 'nothing to see' WHERE seq = 5")
    code, output = verify_cli(app)
    assert code == 1
    assert "record 5 was altered" in output


def test_altered_actor_is_named_even_late_in_the_chain(app, db, trail):
    """A person is in the hash by their id (their name can be corrected: tests/
    test_personal_data.py): another person put in their place is found."""
    other = db.exec(sa.text("SELECT max(id) + 1 FROM app_user")).scalar()
    db.execute(
        sa.text(
            "INSERT INTO app_user (id, email, name, role, active, created_at, "
            "session_generation) VALUES (:i, 'x@example.gov.uk', 'X', 'officer', "
            "true, '2026-01-01', 0)"
        ),
        {"i": other},
    )
    sql(db, "UPDATE audit_record SET actor_id = :o WHERE seq = :s", o=other, s=trail - 1)
    code, output = verify_cli(app)
    assert code == 1 and f"record {trail - 1} was altered" in output


def test_altered_system_actor_is_found(app, db, trail):
    """The system's records (no person) still hash the name they carry."""
    sql(db, "UPDATE audit_record SET actor_id = NULL, actor_name = 'Someone' WHERE seq = 2")
    code, output = verify_cli(app)
    assert code == 1 and "record 2 was altered" in output


def test_rehashed_record_breaks_the_link_to_the_next(app, db, trail):
    """A forger who recomputes record 4's own hash still breaks record 5's link to it."""
    row = db.exec(select(AuditRecord).where(AuditRecord.seq == 4)).one()
    fields = {name: getattr(row, name) for name in audit.HASHED_FIELDS}
    fields["comment"] = "forged"
    new_hash = audit.record_hash(row.prev_hash, fields)
    sql(db, "UPDATE audit_record SET comment = 'forged', hash = :h WHERE seq = 4", h=new_hash)
    code, output = verify_cli(app)
    assert code == 1
    assert "record 5" in output and "removed or replaced" in output


def test_deleted_record_is_named(app, db, trail):
    sql(db, "DELETE FROM audit_record WHERE seq = 3")
    code, output = verify_cli(app)
    assert code == 1
    assert "record 3 is missing" in output


def test_deleted_and_renumbered_record_is_found(app, db, trail):
    sql(db, "DELETE FROM audit_record WHERE seq = 3")
    for seq in range(4, trail + 1):
        sql(db, "UPDATE audit_record SET seq = :new WHERE seq = :old", new=seq - 1, old=seq)
    sql(db, "UPDATE audit_chain SET last_seq = :n", n=trail - 1)
    report = audit.verify(db)
    assert (report.ok, report.seq, report.problem) == (False, 3, "removed")


def test_cut_tail_is_found_from_the_chain_head(app, db, trail):
    sql(db, "DELETE FROM audit_record WHERE seq >= :s", s=trail - 1)
    code, output = verify_cli(app)
    assert code == 1
    assert f"records {trail - 1} to {trail} are missing from its end" in output


def test_reordered_records_are_named(app, db, trail):
    sql(db, "UPDATE audit_record SET seq = -1 WHERE seq = 6")
    sql(db, "UPDATE audit_record SET seq = 6 WHERE seq = 7")
    sql(db, "UPDATE audit_record SET seq = 7 WHERE seq = -1")
    code, output = verify_cli(app)
    assert code == 1
    assert "record 6 is out of order" in output
    report = audit.verify(db)
    assert (report.seq, report.problem) == (6, "reordered")


def test_first_of_several_breaks_is_reported(db, trail):
    sql(db, "UPDATE audit_record SET comment = 'x' WHERE seq IN (3, 6)")
    sql(db, "DELETE FROM audit_record WHERE seq = 2")
    report = audit.verify(db)
    assert (report.seq, report.problem) == (2, "removed")


def test_verify_walks_in_batches(db, trail):
    """Batching must not change the answer (the benchmarks verify millions of records)."""
    assert audit.verify(db, batch_size=3).ok
    sql(db, "UPDATE audit_record SET event = 'approve' WHERE seq = :s", s=trail - 2)
    report = audit.verify(db, batch_size=3)
    assert (report.seq, report.problem) == (trail - 2, "altered")


def test_records_have_gap_free_positions_and_link_up(db, trail):
    rows = db.exec(select(AuditRecord).order_by(AuditRecord.seq)).all()
    assert [r.seq for r in rows] == list(range(1, trail + 1))
    assert all(b.prev_hash == a.hash for a, b in zip(rows, rows[1:], strict=False))
    assert rows[0].prev_hash == "0" * 64

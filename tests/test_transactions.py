"""A change and its audit record commit together or not at all."""

import pytest
from sqlmodel import func, select

from eia import audit, operations
from eia.models import AuditRecord, Eia, SignOff

from .support.db import session_on


def _state(connection, eia_id):
    with session_on(connection) as fresh:
        status = fresh.get(Eia, eia_id).status
        records = fresh.exec(select(func.count()).select_from(AuditRecord)).one()
        signoffs = fresh.exec(
            select(func.count()).select_from(SignOff).where(SignOff.eia_id == eia_id)
        ).one()
        return status, records, signoffs


def test_failure_after_the_audit_record_leaves_nothing(make, db, connection, monkeypatch):
    eia = make.eia("awaiting_sign_off")
    approver = make.user("approver", directorate=eia.directorate)
    db.commit()
    before = _state(connection, eia.id)
    assert before[0] == "awaiting_sign_off"

    real_append = audit.append

    def append_then_fail(*args, **kwargs):
        real_append(*args, **kwargs)  # the state change and its record are flushed...
        raise RuntimeError("the database went away")  # ...and a later step fails

    monkeypatch.setattr(operations.audit, "append", append_then_fail)
    with pytest.raises(RuntimeError):
        operations.transition(db, eia, "approve", approver, attested=True)
    db.rollback()

    assert _state(connection, eia.id) == before
    assert audit.verify(db).ok


def test_failure_inside_an_effect_leaves_nothing(make, db, connection, monkeypatch):
    """The sign-off record is written by an effect after the state moved; if it fails the
    move is undone with it."""
    from workflows import effects

    eia = make.eia("awaiting_sign_off")
    approver = make.user("approver", directorate=eia.directorate)
    db.commit()
    before = _state(connection, eia.id)

    def broken(_ctx):
        raise RuntimeError("disk full")

    monkeypatch.setitem(effects.EFFECTS, "record_approval", broken)
    with pytest.raises(RuntimeError):
        operations.transition(db, eia, "approve", approver, attested=True)
    db.rollback()
    assert _state(connection, eia.id) == before


def test_success_commits_change_and_record_together(make, db, connection):
    eia = make.eia("awaiting_sign_off")
    approver = make.user("approver", directorate=eia.directorate)
    db.commit()
    _, records_before, _ = _state(connection, eia.id)
    operations.transition(db, eia, "approve", approver, attested=True)
    db.commit()
    status, records, signoffs = _state(connection, eia.id)
    assert (status, records, signoffs) == ("approved", records_before + 1, 1)

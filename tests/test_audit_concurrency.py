"""On PostgreSQL, writers in parallel still make one unbroken chain (the head row lock)."""

import threading

import pytest
from sqlmodel import Session

from eia import audit
from eia import operations as ops
from eia.models import Eia, User

from .factories import Factories

pytestmark = pytest.mark.postgres


def test_parallel_writers_make_one_unbroken_chain(own_database):
    with Session(own_database, expire_on_commit=False) as session:
        make = Factories(session)
        eias = [make.eia("draft") for _ in range(4)]
        session.commit()
        pairs = [(e.id, e.owner_id) for e in eias]
        start = audit.count(session)

    edits_each = 15
    errors = []

    def writer(eia_id, owner_id):
        try:
            for n in range(edits_each):
                with Session(own_database) as s:
                    eia, owner = s.get(Eia, eia_id), s.get(User, owner_id)
                    ops.update_eia(s, eia, "proposal", owner, {"summary": f"Draft {n}"})
                    s.commit()
        except Exception as exc:  # surfaced below: a thread's failure must fail the test
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=pair) for pair in pairs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with Session(own_database) as session:
        assert audit.count(session) == start + edits_each * len(pairs)
        report = audit.verify(session)
        assert report.ok, report.message

"""Two approvers pressing "Approve" at the same moment make exactly one sign-off."""

import threading

import pytest
from sqlmodel import Session, func, select

from eia import audit
from eia import operations as ops
from eia.models import Eia, SignOff, User
from workflows import TransitionRefused

from .factories import Factories

pytestmark = pytest.mark.postgres


def test_two_approvers_at_once_make_one_sign_off(own_database):
    with Session(own_database, expire_on_commit=False) as session:
        make = Factories(session)
        eia = make.eia("awaiting_sign_off")
        approvers = [make.user("approver", directorate=eia.directorate) for _ in range(2)]
        session.commit()
        eia_id, approver_ids = eia.id, [a.id for a in approvers]

    barrier = threading.Barrier(2)
    outcomes = []

    def approve(approver_id):
        with Session(own_database) as s:
            row, approver = s.get(Eia, eia_id), s.get(User, approver_id)
            _ = row.status, row.sign_offs, approver.directorate  # load before the race
            barrier.wait()
            try:
                ops.transition(s, row, "approve", approver, attested=True)
                s.commit()
                outcomes.append("approved")
            except TransitionRefused as refused:
                s.rollback()
                outcomes.append(" ".join(refused.reasons))

    threads = [threading.Thread(target=approve, args=(a,)) for a in approver_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["approved", "“Approve” is not possible while the EIA is approved."]
    with Session(own_database) as s:
        count = s.exec(
            select(func.count()).select_from(SignOff).where(SignOff.eia_id == eia_id)
        ).one()
        assert count == 1
        assert audit.verify(s).ok

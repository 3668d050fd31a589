"""The pages' kept summaries (eia.reporting.page_summaries): kept on each change in the same
transaction, always what the EIAs' rows and the audit trail say (rebuilding changes
nothing; tests/test_lifecycle_properties.py checks it after random histories too), read by
the task list, the sign-off page and the inbox instead of the whole assessment, so each
page runs a few statements however much the EIA or the inbox holds."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from eia import admin_operations as admin_ops
from eia import operations as ops
from eia.db import make_engine
from eia.migrate import downgrade, upgrade
from eia.models import EiaPageSummary, utcnow
from eia.reporting import page_summaries
from eia.sections import section_statuses
from workflows.guards import GuardContext
from workflows.machine import available_events

from .factories import Factories
from .support.figures import build_world
from .support.html import get_page, words
from .support.people import sign_in
from .support.summaries import page_snapshot

# Statements the test app adds around each request (its session is a savepoint inside the
# test's transaction): not the page's.
_SAVEPOINTS = ("SAVEPOINT", "RELEASE", "ROLLBACK")


def page_statements(client, connection, path: str) -> list[str]:
    """The SQL statements GET ``path`` runs (signed in: the person's row included)."""
    statements: list[str] = []

    def listener(*args):
        statements.append(args[2])

    sa.event.listen(connection, "before_cursor_execute", listener)
    try:
        assert client.get(path).status_code == 200
    finally:
        sa.event.remove(connection, "before_cursor_execute", listener)
    return [s for s in statements if not s.lstrip().upper().startswith(_SAVEPOINTS)]


def _history(db, make) -> list:
    """EIAs in every state, with rows of each kind added and removed, all through the
    operations (tests/test_lifecycle_properties.py tries random histories)."""
    eias = [make.eia(status) for status in ("draft", "screening", "full_assessment")]
    eias += [make.eia(status) for status in ("awaiting_sign_off", "approved", "withdrawn")]
    open_one = eias[2]
    owner = open_one.owner
    gap = next(a for a in open_one.screening_answers if a.relevance == "relevant")
    ops.save_impact(
        db,
        open_one,
        owner,
        gap.characteristic_id,
        {"evidence_gap": True, "evidence_gap_reason": "No data yet."},
        section="evidence",
    )  # raises an action with no due date
    ops.add_engagement(db, open_one, owner, {"who": "Residents' panel"})
    ops.save_action(db, open_one, owner, {"description": "Not needed after all"})
    removed = next(a for a in open_one.actions if a.description == "Not needed after all")
    ops.remove_action(db, open_one, owner, removed.id)
    chars = [a.characteristic_id for a in open_one.screening_answers[:2]]
    ops.save_intersectional(db, open_one, owner, {"description": "Older disabled people"}, chars)
    colleague = make.user("officer", service=owner.service)
    ops.add_engagement(db, open_one, colleague, {"who": "Carers' forum"})
    db.flush()
    return eias


def test_kept_page_summaries_equal_those_rebuilt(db, make):
    eias = _history(db, make)
    kept = page_snapshot(db)
    assert len(kept) == len(eias)
    assert page_summaries.rebuild(db.connection()) == len(kept)
    db.expire_all()
    assert page_snapshot(db) == kept
    # ... and they are not empty: sections with content, reasons, who worked on each.
    assert any(r[2]["screening_complete"] for r in kept)
    assert any(r[2]["actions_planned"] for r in kept)
    assert any(r[2]["intersectional_impacts_scored"] for r in kept)
    assert any(r[3]["content"]["engagement"] for r in kept)
    assert any(len(r[4]) == 2 for r in kept)  # the owner and the colleague


def test_what_the_pages_work_out_from_the_kept_row_is_what_they_work_out_from_the_rows(db, make):
    world = build_world(db, make)
    db.flush()
    page_summaries.rebuild(db.connection())  # the world adds some rows directly
    for eia in world.eias.values():
        row = db.get(EiaPageSummary, eia.id)
        for actor in (eia.owner, None):
            live = GuardContext(eia=eia, actor=actor, session=db)
            read = GuardContext(eia=eia, actor=actor, session=db, kept=row)
            assert section_statuses(read) == section_statuses(live)
            assert available_events(read) == available_events(live)


def test_a_refused_change_leaves_the_kept_row_as_it_was(db, make):
    eia = make.eia("screening")
    db.flush()
    before = page_snapshot(db)
    stranger = make.user("officer")
    with pytest.raises(ops.EditRefused):
        ops.add_engagement(db, eia, stranger, {"who": "Residents"})
    db.flush()
    assert page_snapshot(db) == before


def test_task_list_runs_four_statements_however_much_the_eia_holds(client, make, db, connection):
    eia = make.eia("full_assessment")
    sign_in(client, eia.owner)
    db.flush()
    path = f"/eias/{eia.reference}/tasks"
    few = page_statements(client, connection, path)
    assert len(few) <= 4, few
    for n in range(3):
        ops.save_action(
            db, eia, eia.owner, {"description": f"Action {n}", "owner_id": eia.owner_id}
        )
        ops.add_engagement(db, eia, eia.owner, {"who": f"Group {n}"})
        ops.add_comment(db, eia, eia.owner, "general", f"Comment {n}")
    db.flush()
    assert len(page_statements(client, connection, path)) == len(few)
    # The statuses are the kept ones: the engagement section has content now.
    page = get_page(client, path)
    assert "Engagement" in words(page.main)


def test_sign_off_page_and_inbox_run_the_same_statements_however_much_they_show(
    client, make, db, connection
):
    first = make.eia("awaiting_sign_off")
    approver = make.user("approver", directorate=first.directorate)
    sign_in(client, approver)
    db.flush()
    sign_off = f"/eias/{first.reference}/sign-off"
    inbox = page_statements(client, connection, "/sign-off")
    page = page_statements(client, connection, sign_off)
    assert len(inbox) <= 4, inbox
    # The person, the EIA with its service, owner, directorate and kept row, each kind of
    # row it shows and fingerprints (engagement, actions, screening, impacts), the approvers.
    assert len(page) <= 8, page
    for _ in range(3):
        make.eia("awaiting_sign_off", owner=first.owner, approver=approver)
    for n in range(3):
        ops.add_comment(db, first, approver, "general", f"Comment {n}")
    db.flush()
    assert len(page_statements(client, connection, "/sign-off")) == len(inbox)
    assert len(page_statements(client, connection, sign_off)) == len(page)


def test_a_page_with_nothing_kept_works_it_out_as_before(client, make, db):
    eia = make.eia("full_assessment")
    sign_in(client, eia.owner)
    path = f"/eias/{eia.reference}/tasks"
    db.flush()
    kept = words(get_page(client, path).main)
    db.execute(sa.delete(EiaPageSummary))
    db.flush()
    db.expire_all()
    assert words(get_page(client, path).main) == kept


def test_a_new_characteristic_is_asked_about_afresh(client, make, db):
    """The kept reasons name characteristics: when an administrator adds one (or renames
    or retires one), the page works the reasons out again rather than show the old ones."""
    eia = make.eia("screening")
    sign_in(client, eia.owner)
    make.screen(eia, eia.owner)
    db.flush()
    path = f"/eias/{eia.reference}/tasks"
    assert "Screening is not complete" not in words(get_page(client, path).main)
    admin_ops.create_characteristic(
        db, make.user("admin"), key="care_experience", name="Care experience"
    )
    db.flush()
    assert "say whether it is relevant for care experience" in words(get_page(client, path).main)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def blank_engine(request, tmp_path):
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'migrate.db'}")
        yield engine
        engine.dispose()
    else:
        yield request.getfixturevalue("own_database")


@pytest.mark.slow  # migrates down and up again
def test_the_migration_works_them_out_for_the_eias_already_there(blank_engine):
    """0016 gives the EIAs made before it the rows the application keeps."""
    upgrade(blank_engine)
    with Session(blank_engine, expire_on_commit=False) as session:
        build_world(session, Factories(session))
        session.commit()
        page_summaries.rebuild(session.connection())  # the world adds some rows directly
        session.commit()
        kept = page_snapshot(session)
    downgrade(blank_engine, "0015")
    with blank_engine.connect() as conn:
        assert "eia_page_summary" not in sa.inspect(conn).get_table_names()
    upgrade(blank_engine)
    with Session(blank_engine) as session:
        assert page_snapshot(session) == kept
        assert len(kept) > 5
        assert session.exec(select(sa.func.count()).select_from(EiaPageSummary)).one() == len(kept)


def test_a_review_date_in_the_past_is_said_on_the_day(client, make, db):
    """What depends on the day (a review date in the past) is not kept: the task list says
    so on the day it becomes true."""
    eia = make.eia("full_assessment")
    eia.review_date = (utcnow() - timedelta(days=1)).date()
    db.add(eia)
    db.flush()
    sign_in(client, eia.owner)
    assert "The review date must be in the future." in words(
        get_page(client, f"/eias/{eia.reference}/tasks").main
    )

"""The dashboard's summaries (stage spells, each version's decision, what each EIA has been
through) are kept on each step in the same transaction as the audit record, and always say
what the audit trail, the sign-offs and the frozen versions say: rebuilding them from the
record changes nothing, and the migrations that introduced them work them out for the EIAs
already there."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from eia import operations as ops
from eia.db import make_engine
from eia.migrate import downgrade, upgrade
from eia.models import StageSpell, as_utc
from eia.reporting.summaries import SUMMARY_COLUMNS, rebuild
from workflows import TransitionRefused

from .factories import Factories
from .support.figures import build_world
from .support.summaries import snapshot


def test_kept_summaries_equal_those_rebuilt_from_the_audit_trail(db, make):
    world = build_world(db, make)
    db.flush()
    kept = snapshot(db)
    rebuild(db.connection())
    db.expire_all()
    assert snapshot(db) == kept
    # ... and they are not empty: the world has every kind of step.
    spells, eias, decisions = kept
    assert {s[1] for s in spells} >= {
        "draft",
        "screening",
        "full_assessment",
        "awaiting_sign_off",
        "approved",
    }
    by_id = {row[0]: dict(zip(SUMMARY_COLUMNS, row[1:], strict=True)) for row in eias}
    signed = {(d[0], d[1]): (d[3], d[4]) for d in decisions if d[2] is not None}
    e = world.eias
    assert signed[(e["late"].id, 1)] == (e["late"].decision_date, True)
    assert signed[(e["on_time"].id, 1)] == (e["on_time"].decision_date, False)
    # The revised EIA: version 1 signed off on time, version 2 open.
    revised = [d for d in decisions if d[0] == e["revised"].id]
    assert [(d[1], d[2] is not None, d[4]) for d in revised] == [
        (1, True, False),
        (2, False, False),
    ]
    assert any(row["ever_screened_out"] for row in by_id.values())
    assert any(row["ever_fully_assessed"] for row in by_id.values())


def test_each_step_closes_one_spell_and_opens_the_next(db, make):
    owner = make.user("officer")
    start = datetime(2026, 1, 5, 9, tzinfo=UTC)
    eia = ops.create_eia(db, owner, service=owner.service, at=start, title="Timed")
    make.fill_proposal(eia, owner)
    ops.transition(db, eia, "start_screening", owner, at=start + timedelta(days=2, hours=12))
    db.flush()
    spells = db.exec(
        select(StageSpell).where(StageSpell.eia_id == eia.id).order_by(StageSpell.entered_seq)
    ).all()
    assert [(s.stage, s.days) for s in spells] == [
        ("draft", pytest.approx(2.5)),
        ("screening", None),
    ]
    assert (
        as_utc(spells[0].left_at)
        == as_utc(spells[1].entered_at)
        == start + timedelta(days=2, hours=12)
    )


def test_a_refused_step_leaves_the_summaries_as_they_were(db, make):
    owner = make.user("officer")
    eia = ops.create_eia(db, owner, service=owner.service, title="")
    db.flush()
    before = snapshot(db)
    with pytest.raises(TransitionRefused):
        ops.transition(db, eia, "start_screening", owner)  # the proposal is not filled in
    db.flush()
    assert snapshot(db) == before


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def blank_engine(request, tmp_path):
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'migrate.db'}")
        yield engine
        engine.dispose()
    else:
        yield request.getfixturevalue("own_database")


@pytest.mark.slow  # migrates down and up again
def test_the_decisions_migration_works_them_out_for_the_eias_already_there(blank_engine):
    """0009 (a row per version's decision, instead of two columns on ``eia``) gives the
    decisions the application keeps, for EIAs made before it."""
    upgrade(blank_engine)
    with Session(blank_engine, expire_on_commit=False) as session:
        build_world(session, Factories(session))
        session.commit()
        kept = snapshot(session)
    downgrade(blank_engine, "0008")
    with blank_engine.connect() as conn:
        inspector = sa.inspect(conn)
        assert "eia_decision" not in inspector.get_table_names()
        columns = {c["name"] for c in inspector.get_columns("eia")}
        assert {"signed_off_on_time", "signed_off_late"} <= columns
    upgrade(blank_engine)
    with Session(blank_engine) as session:
        assert snapshot(session) == kept
        assert any(d[1] == 2 for d in kept[2]) and any(d[4] for d in kept[2])


@pytest.mark.slow  # migrates down and up again
def test_the_migration_works_them_out_for_the_eias_already_there(blank_engine):
    upgrade(blank_engine)
    with Session(blank_engine, expire_on_commit=False) as session:
        build_world(session, Factories(session))
        session.commit()
        kept = snapshot(session)
    downgrade(blank_engine, "0007")
    with blank_engine.connect() as conn:
        assert "stage_spell" not in sa.inspect(conn).get_table_names()
    upgrade(blank_engine)
    with Session(blank_engine) as session:
        assert snapshot(session) == kept
        assert len(kept[0]) > 20


# --- the dashboard's cube ---------------------------------------------------------------------


def _filters_of(world):
    from eia.reporting.filters import Filters, Quarter

    from .support.figures import today

    e = world.eias
    return [
        Filters(),
        Filters(directorate_id=world.directorates["A"].id),
        Filters(service_id=world.services["B1"].id),
        Filters(proposal_type="budget_saving"),
        Filters(quarter=Quarter.of(e["on_time"].decision_date)),
        Filters(date_from=today() - timedelta(days=30)),
        Filters(date_to=today() + timedelta(days=30)),
        Filters(date_from=today() - timedelta(days=6), date_to=today() + timedelta(days=200)),
    ]


def test_the_cube_gives_the_figures_the_base_tables_give(db, make):
    from .support.cube import same_dashboards
    from .support.figures import today

    world = build_world(db, make)
    for filters in _filters_of(world):
        for day in (today(), today() + timedelta(days=400)):
            from_cube, from_tables = same_dashboards(db, filters, day)
            assert from_cube == from_tables, filters
    # ... and the figures are not all zero (the world has every kind of figure).
    from_cube, _ = same_dashboards(db, _filters_of(world)[0], today())
    assert from_cube["total_eias"] == 11 and from_cube["overdue_actions"] == 2
    assert from_cube["stages"]["draft"]["spells"] > 5


def test_the_kept_cube_equals_the_one_rebuilt(db, make):
    from eia.models import ActionItem, ImpactAssessment

    from .support.cube import cells

    world = build_world(db, make)
    # Rows changed and removed outside the operations are followed too.
    action = db.exec(select(ActionItem).where(ActionItem.status == "planned")).first()
    action.status = "done"
    impact = db.exec(select(ImpactAssessment).where(ImpactAssessment.evidence_gap)).first()
    db.delete(impact)
    ops.update_eia(
        db, world.eias["draft"], "proposal", world.eias["draft"].owner, {"proposal_type": "new"}
    )
    kept = cells(db)
    rebuild(db.connection())
    assert cells(db) == kept
    kinds = {key[1] for key in kept}
    assert kinds == {
        "eia",
        "screening",
        "flag",
        "review",
        "action",
        "action_eia",
        "decision",
        "spell",
        "gap",
        "negative",
    }


@pytest.mark.slow  # migrates down and up again
def test_the_cube_migration_fills_it_for_the_eias_already_there(blank_engine):
    from eia.migrate import alembic_config

    from .support.cube import cells

    upgrade(blank_engine)
    with Session(blank_engine, expire_on_commit=False) as session:
        build_world(session, Factories(session))
        session.commit()
        kept = cells(session)
    from alembic.script import ScriptDirectory

    before = ScriptDirectory.from_config(alembic_config()).get_revision("0017").down_revision
    downgrade(blank_engine, before)
    with blank_engine.connect() as conn:
        assert "dashboard_cell" not in sa.inspect(conn).get_table_names()
    upgrade(blank_engine)
    with Session(blank_engine) as session:
        assert cells(session) == kept
        assert len(kept) > 50

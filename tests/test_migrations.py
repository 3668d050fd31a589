"""The schema comes from Alembic alone, and the migrations match the models exactly."""

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from eia.models import metadata

ROOT = Path(__file__).resolve().parent.parent


def test_migrated_schema_matches_the_models(connection):
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    diff = compare_metadata(context, metadata)
    assert diff == [], f"models and migrations differ; write a migration: {diff}"


def test_no_create_all_outside_tests():
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("eia", "workflows", "forms", "notifications", "migrations")
        for path in (ROOT / folder).rglob("*.py")
        if "create_all(" in path.read_text()
    ]
    assert offenders == []


def _before_0012() -> str:
    """The revision 0012 follows (read from the chain, which may be renumbered)."""
    from alembic.script import ScriptDirectory

    from eia.migrate import alembic_config

    return ScriptDirectory.from_config(alembic_config()).get_revision("0012").down_revision


def _copies_after_migrating_again(engine) -> dict:
    """Approved, under revision and never approved EIAs made with the product; then the
    schema taken back to before 0012 and up again, so 0012 copies what is already there."""
    from sqlmodel import Session, select

    from eia import operations as ops
    from eia.migrate import downgrade, upgrade
    from eia.models import PublicCopy

    from .factories import Factories

    upgrade(engine)
    with Session(engine, expire_on_commit=False) as s:
        make = Factories(s)
        approved = make.eia("approved", title="Approved Alpaca", publishable=True)
        revised = make.eia("under_review", title="Approved Bison", publishable=True)
        ops.transition(s, revised, "revise", revised.owner, review_notes="Changing.")
        ops.update_eia(
            s, revised, "proposal", revised.owner, {"title": "DRAFT Bison", "confidential": True}
        )
        draft = make.eia("full_assessment", title="Never approved Cougar", publishable=True)
        s.commit()
        ids = {"approved": approved.id, "revised": revised.id, "draft": draft.id}
        before = {c.eia_id: c.model_dump(exclude={"id"}) for c in s.exec(select(PublicCopy)).all()}
    downgrade(engine, _before_0012())
    upgrade(engine)
    with Session(engine) as s:
        after = {c.eia_id: c.model_dump(exclude={"id"}) for c in s.exec(select(PublicCopy)).all()}
    return {"ids": ids, "before": before, "after": after}


def _check_copies(found) -> None:
    ids, after = found["ids"], found["after"]
    assert set(after) == {ids["approved"], ids["revised"]}  # never approved: no copy
    assert after == found["before"]  # the migration makes what approving makes
    revised = after[ids["revised"]]
    assert revised["title"] == "Approved Bison" and revised["version"] == 1
    assert revised["publishable"] is True and revised["confidential"] is False


@pytest.mark.slow  # migrates down and up again
def test_0012_copies_the_versions_approved_before_it(tmp_path):
    from eia.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    try:
        _check_copies(_copies_after_migrating_again(engine))
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_0012_copies_the_versions_approved_before_it_on_postgresql(own_database):
    _check_copies(_copies_after_migrating_again(own_database))


def _service_beat_down_and_up(engine) -> None:
    """0020 (service_beat, eia/health.py) goes down and up again, keeping nothing else."""
    import sqlalchemy as sa
    from alembic.script import ScriptDirectory

    from eia.migrate import alembic_config, downgrade, upgrade

    before = ScriptDirectory.from_config(alembic_config()).get_revision("0020").down_revision
    upgrade(engine)
    assert "service_beat" in sa.inspect(engine).get_table_names()
    downgrade(engine, before)
    assert "service_beat" not in sa.inspect(engine).get_table_names()
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO service_beat (name, at) VALUES ('x', :at)"),
            {"at": "2026-01-01 00:00:00+00:00"},
        )
        assert conn.execute(sa.text("SELECT name FROM service_beat")).scalars().all() == ["x"]


@pytest.mark.slow  # migrates down and up again
def test_0020_service_beat_down_and_up(tmp_path):
    from eia.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    try:
        _service_beat_down_and_up(engine)
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_0020_service_beat_down_and_up_on_postgresql(own_database):
    _service_beat_down_and_up(own_database)


def _imports_down_and_up(engine) -> None:
    """0019 (imports) taken down and up again around an imported EIA: its marks go with the
    columns and come back empty; the EIA itself stays."""
    from alembic.script import ScriptDirectory
    from sqlmodel import Session, select

    from eia.imports import register
    from eia.migrate import alembic_config, downgrade, upgrade
    from eia.models import Eia

    from .factories import Factories
    from .support.registers import as_csv, row

    upgrade(engine)
    with Session(engine, expire_on_commit=False) as s:
        make = Factories(s)
        service = make.service(make.directorate("Adults"), "Care")
        admin = make.user("admin")
        content = as_csv([row("M-1", "Adults", "Care")])
        table = register.read("r.csv", content)
        plan = register.check(s, table, register.guess_mapping(table.columns))
        register.import_register(s, admin, plan, filename="r.csv", content=content)
        s.commit()
        assert service.id
    before = ScriptDirectory.from_config(alembic_config()).get_revision("0019").down_revision
    downgrade(engine, before)
    upgrade(engine)
    with Session(engine) as s:
        eia = s.exec(select(Eia).where(Eia.reference == "M-1")).one()
        assert eia.status == "approved" and eia.imported_at is None and eia.import_source == ""


@pytest.mark.slow  # migrates down and up again
def test_0019_imports_down_and_up(tmp_path):
    from eia.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    try:
        _imports_down_and_up(engine)
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_0019_imports_down_and_up_on_postgresql(own_database):
    _imports_down_and_up(own_database)


def _benchmark_tables_down_and_up(engine) -> None:
    """0023 (the practice comparison's tables) taken down to the revision before it and up
    again: the tables go and come back, a row written before is gone after."""
    from alembic.script import ScriptDirectory

    from eia.migrate import alembic_config, downgrade, upgrade

    before = ScriptDirectory.from_config(alembic_config()).get_revision("0023").down_revision
    upgrade(engine)
    assert {"benchmark_council", "benchmark_year"} <= set(sa.inspect(engine).get_table_names())
    downgrade(engine, before)
    assert not {"benchmark_council", "benchmark_year"} & set(sa.inspect(engine).get_table_names())
    upgrade(engine)
    assert {"benchmark_council", "benchmark_year"} <= set(sa.inspect(engine).get_table_names())


@pytest.mark.slow  # migrates down and up again
def test_0023_benchmark_tables_down_and_up(tmp_path):
    from eia.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'b.db'}")
    try:
        _benchmark_tables_down_and_up(engine)
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_0023_benchmark_tables_down_and_up_on_postgresql(own_database):
    _benchmark_tables_down_and_up(own_database)


def _imported_original_down_and_up(engine) -> None:
    """0024 (an imported Word file's original text) taken down to the revision before it
    and up again: the table goes and comes back."""
    from alembic.script import ScriptDirectory

    from eia.migrate import alembic_config, downgrade, upgrade

    def tables():
        return set(sa.inspect(engine).get_table_names())

    before = ScriptDirectory.from_config(alembic_config()).get_revision("0024").down_revision
    upgrade(engine)
    assert "eia_imported_original" in tables()
    downgrade(engine, before)
    assert "eia_imported_original" not in tables() and "eia" in tables()
    upgrade(engine)
    assert "eia_imported_original" in tables()


@pytest.mark.slow  # migrates down and up again
def test_0024_imported_original_down_and_up(tmp_path):
    from eia.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    try:
        _imported_original_down_and_up(engine)
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_0024_imported_original_down_and_up_on_postgresql(own_database):
    _imported_original_down_and_up(own_database)

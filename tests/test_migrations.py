"""The schema comes from Alembic alone, and the migrations match the models exactly."""

from pathlib import Path

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

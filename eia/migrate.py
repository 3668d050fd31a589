"""Run Alembic from code: the one way the schema is made, on SQLite and PostgreSQL alike."""

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from eia.paths import MIGRATIONS


def alembic_config(url: str | None = None, connection=None) -> Config:
    """The ``[alembic]`` options of alembic.ini, built here rather than read from it, so an
    installed product (which has no alembic.ini: eia/paths.py) migrates just as a checkout
    does. alembic.ini is for running ``alembic`` by hand in a checkout; a test keeps the two
    alike."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade(engine: sa.Engine, revision: str = "head") -> None:
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection=connection), revision)


def downgrade(engine: sa.Engine, revision: str) -> None:
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection=connection), revision)


def current_revision(engine: sa.Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()

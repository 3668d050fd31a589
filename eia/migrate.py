"""Run Alembic from code: the one way the schema is made, on SQLite and PostgreSQL alike."""

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from eia.paths import MIGRATIONS


def alembic_config(url: str | None = None, connection=None, secret_key=None) -> Config:
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
    if secret_key:  # migration 0021 signs the audit trail's re-chaining with it
        cfg.attributes["secret_key"] = secret_key
    return cfg


def upgrade(engine: sa.Engine, revision: str = "head", secret_key: str | None = None) -> None:
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection=connection, secret_key=secret_key), revision)


def downgrade(engine: sa.Engine, revision: str) -> None:
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection=connection), revision)


def current_revision(engine: sa.Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()

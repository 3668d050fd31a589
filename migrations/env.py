"""Alembic environment: the URL comes from the app's configuration (DATABASE_URL), or a
connection handed in by the caller (tests, `eia db upgrade`)."""

from alembic import context
from sqlalchemy import create_engine

from eia.models import metadata

config = context.config


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if url:
        return url
    from pathlib import Path

    from eia.config import load_config

    import os

    root = Path(__file__).resolve().parent.parent
    instance = os.environ.get("EIA_INSTANCE_PATH") or str(root / "instance")
    return load_config(instance)["DATABASE_URL"]


def _configure(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=metadata, literal_binds=True,
                      render_as_batch=_url().startswith("sqlite"))
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(_url())
    with engine.connect() as connection:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

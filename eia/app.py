"""The Flask application factory."""

from pathlib import Path

from flask import Flask

from eia import paths
from eia.config import load_config
from eia.db import close_session, make_engine


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(paths.instance_path()),
        template_folder=str(paths.TEMPLATES),
        static_folder=None,
    )
    app.config.update(load_config(app.instance_path))
    if overrides:
        app.config.update(overrides)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    # JSON lines (eia/logs.py), before Flask's logger is first used (it then adds no
    # handler of its own). Tests leave logging to pytest.
    if not app.testing:
        from eia import logs

        logs.configure(app.config["LOG_LEVEL"])
    from eia.observability import init_error_reporting

    init_error_reporting()  # only when SENTRY_DSN is set (an optional extra)

    app.extensions["eia_engine"] = app.config.get("ENGINE") or make_engine(
        app.config["DATABASE_URL"]
    )
    app.teardown_appcontext(close_session)

    from eia.web import init_web

    init_web(app)

    from eia.cli import register_cli

    register_cli(app)

    from notifications.celery_app import init_celery

    init_celery(app)
    return app

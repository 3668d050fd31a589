"""Static files: GOV.UK Frontend straight from node_modules, and the app's own small
stylesheet and script."""

from pathlib import Path

from flask import Blueprint, Flask

ROOT = Path(__file__).resolve().parents[2]
GOVUK_DIST = ROOT / "node_modules" / "govuk-frontend" / "dist" / "govuk"


def init_assets(app: Flask) -> None:
    if not (GOVUK_DIST / "govuk-frontend.min.css").is_file():
        app.logger.warning("GOV.UK Frontend is not installed at %s (run `npm ci`): pages will "
                           "have no styles.", GOVUK_DIST)
    # The compiled CSS refers to /assets/fonts and /assets/images, so the assets live there.
    app.register_blueprint(Blueprint("govuk_assets", __name__,
                                     static_folder=GOVUK_DIST / "assets",
                                     static_url_path="/assets"))
    app.register_blueprint(Blueprint("govuk", __name__, static_folder=GOVUK_DIST,
                                     static_url_path="/static/govuk"))
    app.register_blueprint(Blueprint("app_static", __name__, static_folder="static",
                                     static_url_path="/static/app"))

"""Static files: GOV.UK Frontend (from node_modules in a checkout, from the copy a wheel
carries when installed: eia/paths.py), and the app's own small stylesheet and script."""

from flask import Blueprint, Flask

from eia import paths

GOVUK_DIST = paths.GOVUK_DIST


def init_assets(app: Flask) -> None:
    if not (GOVUK_DIST / "govuk-frontend.min.css").is_file():
        app.logger.warning(
            "GOV.UK Frontend is not installed at %s (run `npm ci`): pages will have no styles.",
            GOVUK_DIST,
        )
    # The compiled CSS refers to /assets/fonts and /assets/images, so the assets live there.
    app.register_blueprint(
        Blueprint(
            "govuk_assets", __name__, static_folder=GOVUK_DIST / "assets", static_url_path="/assets"
        )
    )
    app.register_blueprint(
        Blueprint("govuk", __name__, static_folder=GOVUK_DIST, static_url_path="/static/govuk")
    )
    app.register_blueprint(
        Blueprint(
            "app_static", __name__, static_folder=paths.APP_STATIC, static_url_path="/static/app"
        )
    )

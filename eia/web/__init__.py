"""Web layer: pages, templates, static assets and error pages."""

from flask import Flask

from .admin import init_admin
from .assets import init_assets
from .auth import init_auth
from .errors import init_errors
from .journey import init_journey
from .navigation import init_navigation
from .notifications import init_notification_pages
from .pages import pages
from .security import init_security
from .signoff import signoff
from .templating import init_templating


def init_web(app: Flask) -> None:
    init_templating(app)
    init_assets(app)
    init_errors(app)
    init_auth(app)
    init_security(app)
    init_navigation(app)
    app.register_blueprint(pages)
    app.register_blueprint(signoff)
    init_journey(app)
    init_admin(app)
    init_notification_pages(app)

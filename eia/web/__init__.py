"""Web layer: pages, templates, static assets and error pages."""

from flask import Flask

from .about import about
from .admin import init_admin
from .assets import init_assets
from .audit_pages import audit_pages
from .auth import init_auth
from .benchmarks import benchmarks  # the pan-London practice standard and comparison
from .dashboard import dashboard  # the Policy and Equality Unit's dashboard
from .errors import init_errors
from .exports import exports
from .journey import init_journey
from .navigation import init_navigation
from .notifications import init_notification_pages
from .ops import init_ops, init_ops_first
from .pages import pages
from .public import init_public
from .reports import reports  # the unit's two questions and the annual equality report
from .security import init_security
from .signoff import signoff
from .templating import init_templating
from .urls import init_urls


def init_web(app: Flask) -> None:
    init_ops_first(app)  # the request id and clock, before any other hook
    init_urls(app)  # first: every <int:...> route below takes its converter from it
    init_templating(app)
    init_assets(app)
    init_errors(app)
    init_auth(app)
    init_security(app)
    init_navigation(app)
    app.register_blueprint(pages)
    app.register_blueprint(signoff)
    app.register_blueprint(dashboard)  # the Policy and Equality Unit's dashboard
    app.register_blueprint(reports)  # its two questions and the annual equality report
    app.register_blueprint(audit_pages)  # audit, exports and the public register
    app.register_blueprint(exports)
    app.register_blueprint(benchmarks)
    init_public(app)  # the public register (and its template global)
    init_journey(app)
    init_admin(app)
    init_notification_pages(app)
    app.register_blueprint(about)  # the privacy notice and the accessibility statement
    init_ops(app)  # /healthz, /readyz, /metrics; the request's log line and duration

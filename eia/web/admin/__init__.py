"""Managing the product in the browser: people, directorates and services (admins), and the
characteristics with their guidance (admins and the Policy and Equality Unit).

These are configuration changes, not changes to EIAs, so they are not written to the EIA
audit trail: each one is logged with the email of the person who made it.
"""

from flask import Flask

from .common import admin
from . import characteristics, org, users  # noqa: F401  (their routes join the blueprint)
from .common import index  # noqa: F401


def init_admin(app: Flask) -> None:
    app.register_blueprint(admin)

"""Managing the product in the browser: people, directorates and services (admins), and the
characteristics with their guidance (admins and the Policy and Equality Unit).

Every change goes through eia/admin_operations.py, which writes it to the audit trail
(action "admin", with the old and new values) in the same transaction; it is also logged
with the id of the person who made it.
"""

from flask import Flask

from . import (  # noqa: F401  (their routes join the blueprint)
    characteristics,
    health,
    imports,
    org,
    sign_in,
    users,
)
from .common import (
    admin,
    index,  # noqa: F401
)


def init_admin(app: Flask) -> None:
    app.register_blueprint(admin)

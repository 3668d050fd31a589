"""Service health (admins only): what /readyz says, for a person: each check, the version
and the commit this server runs."""

from flask import current_app, render_template

from eia import health
from eia.db import get_session

from .common import admin, admins_only

CHECK_NAMES = {
    "database": "Database",
    "migrations": "Database schema",
    "broker": "Message broker (Redis)",
    "scheduler": "Scheduler heartbeat",
}


@admin.get("/health")
def service_health():
    admins_only()
    found = health.readiness(get_session(), current_app.config)
    return render_template("admin/health.html", found=found, check_names=CHECK_NAMES)

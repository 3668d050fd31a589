"""The privacy notice and the accessibility statement: open to everyone (listed in
``auth.PUBLIC_ENDPOINTS``), linked from every page's footer (templates/base.html). The
privacy notice's retention periods are the schedule in force (eia/retention.py)."""

from flask import Blueprint, current_app, render_template

about = Blueprint("about", __name__)


@about.get("/privacy")
def privacy():
    config = current_app.config
    keep = {name: config[name] for name in config if name.startswith("RETENTION_")}
    return render_template("about/privacy.html", keep=keep)


@about.get("/accessibility")
def accessibility():
    return render_template("about/accessibility.html")

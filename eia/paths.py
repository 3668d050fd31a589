"""Where the product's files are, in a source checkout and in an installed wheel alike.

The top-level ``templates/`` folder and the GOV.UK Frontend assets npm puts in
``node_modules/`` sit outside the Python packages. In a checkout (``make run``, an editable
install, the tests) they are read where they are. A wheel cannot carry folders outside its
packages, so ``setup.py`` copies them into ``eia/bundled/`` when it builds one (the
templates as they are; of GOV.UK Frontend only the files the app serves: the compiled CSS
and JavaScript and ``assets/``). The presence of ``eia/bundled/`` is what says "installed";
it is never in a checkout.

``migrations/`` is a package in both (installed next to ``eia``), and Alembic's
configuration is built in code (``eia/migrate.py``), so an installed product needs no
``alembic.ini``: that file is for running ``alembic`` by hand in a checkout.

Wheels are always installed unzipped, so these are plain paths Flask, Jinja, Alembic and
WeasyPrint can read.
"""

import os
import sys
from importlib.resources import files
from pathlib import Path

PACKAGE = Path(str(files("eia")))
BUNDLED = PACKAGE / "bundled"
INSTALLED = BUNDLED.is_dir()
# The repository root when running from a checkout; None when installed from a wheel.
SOURCE_ROOT: Path | None = None if INSTALLED else PACKAGE.parent

# The Jinja templates (pages, emails, the PDF's HTML and stylesheet).
TEMPLATES = (BUNDLED if INSTALLED else PACKAGE.parent) / "templates"
PDF_STYLESHEET = TEMPLATES / "pdf" / "eia.css"
# GOV.UK Frontend's compiled files: served at /static/govuk/, its assets/ at /assets/.
GOVUK_FRONTEND = (BUNDLED if INSTALLED else PACKAGE.parent / "node_modules") / "govuk-frontend"
GOVUK_DIST = GOVUK_FRONTEND / "dist" / "govuk"
# The app's own stylesheet and script (package data of eia.web), served at /static/app/.
APP_STATIC = PACKAGE / "web" / "static"
# The Alembic environment and versions: the ``migrations`` package, beside ``eia``.
MIGRATIONS = PACKAGE.parent / "migrations"


def instance_path() -> Path:
    """The folder for the SQLite files, the Celery beat schedule and the dev secret key:
    ``EIA_INSTANCE_PATH``; otherwise ``instance/`` in a checkout and, when installed,
    ``<environment>/var/eia-instance`` (Flask's place for an installed app's instance
    folder: the same for every process run from that environment, whatever its working
    directory, and never inside site-packages)."""
    configured = os.environ.get("EIA_INSTANCE_PATH")
    if configured:
        return Path(configured)
    if SOURCE_ROOT is not None:
        return SOURCE_ROOT / "instance"
    return Path(sys.prefix) / "var" / "eia-instance"

"""The guided journey: starting an EIA, its task list, the section pages, comments,
check your answers and the lifecycle events the team fires.

Every module in this package that adds routes to the ``journey`` blueprint is imported by
``init_journey`` before the blueprint is registered, so a new section page is one new
module (see ``editing`` for how to write one).
"""

import importlib
import pkgutil

from flask import Blueprint, Flask

journey = Blueprint("journey", __name__)

# Modules that hold helpers, not routes.
_NOT_VIEWS = {"editing"}


def _import_views() -> None:
    for module in pkgutil.iter_modules(__path__):
        if module.name.startswith("_") or module.name in _NOT_VIEWS:
            continue
        importlib.import_module(f"{__name__}.{module.name}")


def init_journey(app: Flask) -> None:
    _import_views()
    from .editing import section_url

    app.add_template_global(section_url, "journey_section_url")
    app.register_blueprint(journey)

"""Web layer: blueprints, template globals, static assets."""

from flask import Flask


def init_web(app: Flask) -> None:
    """Register pages on the app (filled in by the pages module)."""

"""Equality Impact Assessment workflow engine."""

from .app import create_app

__all__ = ["create_app"]

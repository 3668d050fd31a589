"""The ``int`` of every route (``<int:...>``): it matches only the numbers an id can be.

Every id column is an INTEGER, 32 bits on PostgreSQL; SQLite and the database driver stop at
64 bits. Werkzeug's own converter matched any run of digits, so ``/mailbox/99999999999999999999``
reached the view and the database overflowed comparing it (a 500). This converter takes the
default's place before any route is added (``init_urls``), so every route with an
``<int:...>`` part, including routes added later, refuses such a number before its view runs:
the URL names nothing, and the answer is "not found" (404), as for any id with no row.
"""

import builtins

from flask import Flask
from werkzeug.routing import IntegerConverter, ValidationError

MAX_ID = 2**31 - 1  # PostgreSQL's INTEGER; tests/test_url_ids.py checks no id column is wider


class IdConverter(IntegerConverter):
    """Whole numbers up to MAX_ID (a route may ask for less: ``<int(max=10):n>``)."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):
        ceiling = MAX_ID if max is None else builtins.min(max, MAX_ID)
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=ceiling, signed=signed)

    def to_python(self, value: str):
        if len(value.lstrip("-0")) > len(str(MAX_ID)):
            raise ValidationError()  # too many digits to be an id: not even parsed
        return super().to_python(value)


def init_urls(app: Flask) -> None:
    """Call before any blueprint is registered: a rule takes its converter when added."""
    app.url_map.converters["int"] = IdConverter

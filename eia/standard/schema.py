"""The ``eia-practice/1`` JSON Schema document, kept beside this module (package data), and
validation of a feed against it."""

import json
from functools import cache
from importlib import resources

from jsonschema import Draft202012Validator, FormatChecker

SCHEMA_FILE = "eia-practice-1.schema.json"


def schema_text() -> str:
    return resources.files("eia.standard").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")


@cache
def schema() -> dict:
    return json.loads(schema_text())


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(schema(), format_checker=FormatChecker())


def problems(feed) -> list[str]:
    """What is wrong with ``feed`` against the schema, in words (at most five), else []."""
    found = []
    for error in sorted(_validator().iter_errors(feed), key=lambda e: list(e.path)):
        where = "/".join(str(p) for p in error.absolute_path) or "the top level"
        found.append(f"{where}: {error.message[:200]}")
        if len(found) == 5:
            break
    return found

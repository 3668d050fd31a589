"""SQL building blocks that read the same on SQLite and PostgreSQL."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement


class days_between(FunctionElement):  # noqa: N801 - reads as the SQL function it stands for
    """Days (fractional) from the first timestamp to the second."""

    type = sa.Float()
    inherit_cache = True
    name = "days_between"


@compiles(days_between)
def _days_between_default(element, compiler, **kw):
    start, end = list(element.clauses)
    return (
        f"(EXTRACT(EPOCH FROM ({compiler.process(end, **kw)} - "
        f"{compiler.process(start, **kw)})) / 86400.0)"
    )


@compiles(days_between, "sqlite")
def _days_between_sqlite(element, compiler, **kw):
    start, end = list(element.clauses)
    end, start = compiler.process(end, **kw), compiler.process(start, **kw)
    return f"(julianday({end}) - julianday({start}))"


def count_if(condition) -> sa.ColumnElement[int]:
    """COUNT of the rows where ``condition`` holds (SUM of a CASE, 0 when there are none)."""
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def financial_quarter_key(column) -> sa.ColumnElement[int]:
    """The council's financial-year quarter of a date, as one sortable number: the year the
    financial year starts × 10 + the quarter (April–June 2026 is 20261, "2026/27 Q1";
    January–March 2027 is 20264, "2026/27 Q4")."""
    year = sa.cast(sa.extract("year", column), sa.Integer)
    month = sa.cast(sa.extract("month", column), sa.Integer)
    start_year = year - sa.case((month < 4, 1), else_=0)
    quarter = sa.case((month < 4, 4), (month <= 6, 1), (month <= 9, 2), else_=3)
    return start_year * 10 + quarter


def quarter_key_of(day: date) -> int:
    """The same number as ``financial_quarter_key``, worked out in Python for one date."""
    start_year = day.year - (1 if day.month < 4 else 0)
    quarter = 4 if day.month < 4 else (day.month - 4) // 3 + 1
    return start_year * 10 + quarter


class json_date(FunctionElement):  # noqa: N801 - reads as the SQL function it stands for
    """The date stored as ISO text under ``key`` of a JSON column (NULL when absent or null)."""

    type = sa.Date()
    inherit_cache = True
    name = "json_date"

    def __init__(self, column, key: str):
        super().__init__(column, sa.literal_column(f"'{_json_key(key)}'"))


def _json_key(key: str) -> str:
    if not key.replace("_", "").isalnum():
        raise ValueError(f"not a plain JSON key: {key!r}")
    return key


@compiles(json_date)
def _json_date_default(element, compiler, **kw):
    column, key = list(element.clauses)
    return f"CAST(({compiler.process(column, **kw)} ->> {compiler.process(key, **kw)}) AS DATE)"


@compiles(json_date, "sqlite")
def _json_date_sqlite(element, compiler, **kw):
    column, key = list(element.clauses)
    path = compiler.process(key, **kw).strip("'")
    return f"json_extract({compiler.process(column, **kw)}, '$.{path}')"

"""The dashboard's cube, comparable: its cells across a rebuild, and the dashboard it gives
with the one computed from the base tables."""

from dataclasses import asdict, replace

from eia.reporting import cube
from eia.reporting.figures import dashboard, dashboard_from_tables


def cells(session) -> dict[tuple, int]:
    session.flush()
    return cube.cells(session.connection())


def _comparable(d) -> dict:
    """Every figure; a median to a millionth of a day (PostgreSQL's percentile_cont and the
    mean of the middle two may differ in the last float digits)."""
    stages = {
        k: replace(v, median_days=None if v.median_days is None else round(v.median_days, 6))
        for k, v in d.stages.items()
    }
    return asdict(replace(d, stages=stages))


def same_dashboards(session, filters, today) -> tuple[dict, dict]:
    """The dashboard from the cube and from the base tables, ready to compare."""
    session.flush()
    return (
        _comparable(dashboard(session, filters, today)),
        _comparable(dashboard_from_tables(session, filters, today)),
    )

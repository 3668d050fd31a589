"""Figure 7: the annual equality report's figures.

- ``eia.reporting.annual.annual_report(session, year)`` for the last full financial year (five
  years of trend), p50/p95 over a few runs, each in a fresh session as a request would be;
- the number of SQL statements the function and the page (GET /reports/annual, signed in as
  an equality officer) run: it must not grow with the data (tests/test_benchmarks_small.py
  compares two sizes).
"""

import time
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session

from .dashboard import StatementCounter, _summary, _timed, page_statements

RUNS = 5  # few: the report is read once a year, not on every page


def run(engine: sa.Engine, url: str, size, today: date, log=print) -> dict:
    from eia.reporting.annual import annual_report
    from eia.reporting.years import FinancialYear

    year = FinancialYear.of(today).previous()

    def product():
        with Session(engine) as session:
            return annual_report(session, year, today)

    product()  # warm (plans, caches)
    with StatementCounter(engine) as counter:
        report = product()
    statements = counter.count
    log(f"  annual_report({year.label}): {statements} SQL statements; timing {RUNS} runs")
    t0 = time.perf_counter()
    times, report = _timed(product, min(RUNS, size.dashboard_runs))
    out = {
        "measured": True,
        "year": year.label,
        "today": today.isoformat(),
        "decisions": report.total.decisions,
        "figures": len(report.cells),
        "function": _summary(times),
        "function_statements": statements,
        "timing_seconds": round(time.perf_counter() - t0, 1),
    }
    try:
        out["page"] = page_statements(engine, url, f"/reports/annual?year={year.value}")
    except Exception as exc:  # noqa: BLE001 - the page is reported, never fatal
        out["page"] = {"error": f"{type(exc).__name__}: {exc}"}
    return out

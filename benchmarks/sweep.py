"""Figure 3: the reminder sweep. Its finding step (``notifications.reminders.due_reminders``:
every rule's query and the reminders it makes, nothing written or sent), timed, with the
number of SQL statements it ran (a ``before_cursor_execute`` listener); then the whole
sweep (``sweep_reminders``: finding and writing the outbox rows) and the same sweep run again
at once (every row already written, so nothing new), each in a transaction rolled back.

And, in the same run on the same rows, the write step alone both ways (``_writes``): the
rows as one INSERT ... SELECT (``outbox.add_many`` on PostgreSQL now) against the
pipelined executemany of INSERT ... ON CONFLICT DO NOTHING plus the query finding the ids
written (what it did before, and still does on SQLite), taken in turns."""

import os
import time
from collections import Counter
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session

from notifications import outbox, settings
from notifications.reminders import due_reminders, outbox_rows, sweep_reminders

from .config import percentile
from .dashboard import StatementCounter

RUNS = 3


def _ms(times: list[float]) -> dict:
    return {
        "p50_ms": round(percentile(times, 50) * 1000, 1),
        "min_ms": round(min(times) * 1000, 1),
        "max_ms": round(max(times) * 1000, 1),
    }


def _whole_sweep(engine: sa.Engine, today: date, cfg) -> dict:
    """``sweep_reminders`` with its writes, then again (nothing new), rolled back."""
    first, again, written, statements = [], [], 0, None
    for n in range(RUNS + 1):  # the first run warms the caches and is not timed
        with Session(engine) as session, StatementCounter(engine) as counter:
            try:
                t0 = time.perf_counter()
                written = len(sweep_reminders(session, today, cfg))
                session.flush()
                t1 = time.perf_counter()
                assert sweep_reminders(session, today, cfg) == []
                t2 = time.perf_counter()
            finally:
                session.rollback()
        if n:
            first.append(t1 - t0)
            again.append(t2 - t1)
        statements = counter.count
    return {
        "written": written,
        "statements_both": statements,
        "first": _ms(first),
        "again": _ms(again),
    }


def _writes(engine: sa.Engine, today: date, cfg) -> dict:
    """The write step alone, both ways, in turns, on the same rows (rolled back)."""
    with Session(engine) as session:
        rows = [row for _, row in outbox_rows(session, due_reminders(session, today, cfg))]
    ways = {
        "one INSERT ... SELECT (now)": outbox._insert_columns,
        "executemany + ids by key (before)": outbox._insert_each,
    }
    times = {name: [] for name in ways}
    for n in range(RUNS + 1):
        for name, write in ways.items():
            with Session(engine) as session:
                try:
                    t0 = time.perf_counter()
                    assert len(write(session, rows)) == len(rows)
                    elapsed = time.perf_counter() - t0
                finally:
                    session.rollback()
            if n:
                times[name].append(elapsed)
    return {"rows": len(rows), **{name: _ms(t) for name, t in times.items()}}


def run(engine: sa.Engine, today: date, log=print) -> dict:
    cfg = settings.View(settings.load())
    times, found, statements = [], [], None
    for n in range(RUNS + 1):  # the first run warms the caches and is not timed
        with Session(engine) as session, StatementCounter(engine) as counter:
            t0 = time.perf_counter()
            found = due_reminders(session, today, cfg)
            elapsed = time.perf_counter() - t0
        if n:
            times.append(elapsed)
        statements = counter.count
    by_rule = Counter(r.rule for r in found)
    log(f"  {len(found)} reminders due on {today}, {statements} SQL statements")
    whole = _whole_sweep(engine, today, cfg)
    log(
        f"  whole sweep: {whole['written']} rows written in {whole['first']['p50_ms']} ms "
        f"(p50), again {whole['again']['p50_ms']} ms"
    )
    writes = _writes(engine, today, cfg)
    log(
        "  write step alone: "
        + ", ".join(f"{k} {v['p50_ms']} ms" for k, v in writes.items() if k != "rows")
    )
    return {
        "today": today.isoformat(),
        "runs": RUNS,
        "reminders_found": len(found),
        "by_rule": dict(sorted(by_rule.items())),
        "statements": statements,
        **_ms(times),
        "whole_sweep": whole,
        "writes": writes,
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }

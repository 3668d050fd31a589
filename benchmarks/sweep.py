"""Figure 3: the reminder sweep's finding step (``notifications.reminders.due_reminders``:
every rule's query and the reminders it makes, nothing written or sent), timed, with the
number of SQL statements it ran (a ``before_cursor_execute`` listener)."""

import time
from collections import Counter
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session

from notifications import settings
from notifications.reminders import due_reminders

from .config import percentile
from .dashboard import StatementCounter

RUNS = 3


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
    return {
        "today": today.isoformat(),
        "runs": RUNS,
        "reminders_found": len(found),
        "by_rule": dict(sorted(by_rule.items())),
        "statements": statements,
        "p50_ms": round(percentile(times, 50) * 1000, 1),
        "min_ms": round(min(times) * 1000, 1),
        "max_ms": round(max(times) * 1000, 1),
    }

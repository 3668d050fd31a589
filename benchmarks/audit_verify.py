"""Figure 5: ``eia.audit.verify`` over the whole generated hash chain (every record, in
position order, each hash recomputed): records checked per second."""

import time

import sqlalchemy as sa
from sqlmodel import Session

from eia import audit


def run(engine: sa.Engine, log=print) -> dict:
    with Session(engine) as session:
        total = audit.count(session)
    with Session(engine) as session:
        t0 = time.perf_counter()
        report = audit.verify(session)
        elapsed = time.perf_counter() - t0
    log(f"  {report.message} ({elapsed:.1f}s)")
    return {"records": total, "checked": report.checked, "ok": report.ok,
            "message": report.message, "seconds": round(elapsed, 2),
            "records_per_second": round(report.checked / elapsed) if elapsed else None}

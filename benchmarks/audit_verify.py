"""Figure 5: ``eia.audit.verify`` over the whole generated hash chain (every record, in
position order, each hash recomputed): records checked per second, and how much the
process's memory grew while it ran (it streams, so it should not grow with the chain).

Baseline, in the same run: the implementation verify had before it streamed (pages of 5,000
rows through SQLAlchemy Core selects, each record hashed through ``record_hash``'s dict and
json.dumps). Each is run twice, alternately, and the means compared."""

import time

import sqlalchemy as sa
from sqlmodel import Session, select

from eia import audit
from eia.models import GENESIS_HASH, AuditRecord

RUNS = 2


def paged_verify(session: Session, batch_size: int = 5000) -> int:
    """The former ``verify``'s walk (its reports left out): the records checked."""
    columns = [AuditRecord.seq, AuditRecord.prev_hash, AuditRecord.hash,
               *[getattr(AuditRecord, n) for n in audit.HASHED_FIELDS]]
    expected_seq, expected_prev, checked = 1, GENESIS_HASH, 0
    while True:
        rows = session.exec(
            select(*columns).where(AuditRecord.seq >= expected_seq)
            .order_by(AuditRecord.seq).limit(batch_size)
        ).all()
        if not rows:
            return checked
        for row in rows:
            fields = {name: getattr(row, name) for name in audit.HASHED_FIELDS}
            if row.seq != expected_seq or row.prev_hash != expected_prev or \
                    audit.record_hash(row.prev_hash, fields) != row.hash:
                raise AssertionError(f"the baseline found a break at record {row.seq}")
            expected_prev = row.hash
            expected_seq += 1
            checked += 1


def _kib(field: str) -> int | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _reset_peak_rss() -> bool:
    """Start VmHWM again from the current RSS (Linux: clear_refs 5)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def run(engine: sa.Engine, log=print) -> dict:
    with Session(engine) as session:
        total = audit.count(session)
    streamed, paged, growth = [], [], []
    report = None
    for _ in range(RUNS):
        with Session(engine) as session:
            rss_before = _kib("VmRSS") if _reset_peak_rss() else None
            t0 = time.perf_counter()
            report = audit.verify(session)
            streamed.append(time.perf_counter() - t0)
            if rss_before is not None:
                growth.append((_kib("VmHWM") - rss_before) / 1024)
        log(f"  {report.message} ({streamed[-1]:.1f}s)")
        with Session(engine) as session:
            t0 = time.perf_counter()
            checked = paged_verify(session)
            paged.append(time.perf_counter() - t0)
        log(f"  baseline (paged, json.dumps per record): {checked} records ({paged[-1]:.1f}s)")
    seconds, baseline_seconds = sum(streamed) / RUNS, sum(paged) / RUNS
    rate = round(report.checked / seconds) if seconds else None
    baseline_rate = round(checked / baseline_seconds) if baseline_seconds else None
    return {"records": total, "checked": report.checked, "ok": report.ok,
            "message": report.message, "seconds": round(seconds, 2),
            "records_per_second": rate,
            "runs_seconds": [round(s, 2) for s in streamed],
            "baseline_seconds": round(baseline_seconds, 2),
            "baseline_records_per_second": baseline_rate,
            "baseline_runs_seconds": [round(s, 2) for s in paged],
            "ratio_to_baseline": round(rate / baseline_rate, 1) if rate and baseline_rate
            else None,
            "peak_rss_growth_mib": round(max(growth), 1) if growth else None}

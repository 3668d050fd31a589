"""Figure 5: ``eia.audit.verify`` over the whole generated hash chain (every record, in
position order, each hash recomputed): records checked per second, and how much the
process's memory grew while it ran (it streams, so it should not grow with the chain).

Baseline, in the same run: the implementation verify had before it streamed (pages of 5,000
rows through SQLAlchemy Core selects, each record hashed through ``record_hash``'s dict and
json.dumps). Each is run twice, alternately, and the means compared. On a shared machine the
wall-clock times depend on what else runs; the CPU seconds spent (this process's, and the
PostgreSQL backend's, read from /proc when the server is local) depend much less on it."""

import os
import time

import sqlalchemy as sa
from sqlmodel import Session, select

from eia import audit
from eia.models import GENESIS_HASH, AuditRecord

RUNS = 2


def paged_verify(session: Session, batch_size: int = 5000) -> int:
    """The former ``verify``'s walk (its reports left out): the records checked."""
    columns = [
        AuditRecord.seq,
        AuditRecord.prev_hash,
        AuditRecord.hash,
        *[getattr(AuditRecord, n) for n in audit.HASHED_FIELDS],
    ]
    expected_seq, expected_prev, checked = 1, GENESIS_HASH, 0
    while True:
        rows = session.exec(
            select(*columns)
            .where(AuditRecord.seq >= expected_seq)
            .order_by(AuditRecord.seq)
            .limit(batch_size)
        ).all()
        if not rows:
            return checked
        for row in rows:
            fields = {name: getattr(row, name) for name in audit.HASHED_FIELDS}
            if (
                row.seq != expected_seq
                or row.prev_hash != expected_prev
                or audit.record_hash(row.prev_hash, fields) != row.hash
            ):
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


def _backend_cpu(session: Session):
    """CPU seconds the session's PostgreSQL backend has used (None if it cannot be read)."""
    pid = session.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def _timed(session: Session, walk):
    """walk(session)'s answer, wall seconds, and CPU seconds (this process + the backend)."""
    server = _backend_cpu(session)
    cpu, t0 = time.process_time(), time.perf_counter()
    answer = walk(session)
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu
    if server is not None:
        after = _backend_cpu(session)
        server = None if after is None else after - server
    return answer, wall, cpu + (server or 0), server is not None


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
    streamed_cpu, paged_cpu, with_server = [], [], True
    report = checked = None
    for _ in range(RUNS):
        with Session(engine) as session:
            rss_before = _kib("VmRSS") if _reset_peak_rss() else None
            report, wall, cpu, server = _timed(session, audit.verify)
            streamed.append(wall)
            streamed_cpu.append(cpu)
            with_server &= server
            if rss_before is not None:
                growth.append((_kib("VmHWM") - rss_before) / 1024)
        log(f"  {report.message} ({wall:.1f}s, {cpu:.1f} CPU s)")
        with Session(engine) as session:
            checked, wall, cpu, server = _timed(session, paged_verify)
            paged.append(wall)
            paged_cpu.append(cpu)
            with_server &= server
        log(
            f"  baseline (paged, json.dumps per record): {checked} records ({wall:.1f}s, "
            f"{cpu:.1f} CPU s)"
        )

    def mean(xs):
        return sum(xs) / len(xs)

    def per_second(n, seconds):
        return round(n / seconds) if seconds else None

    rate = per_second(report.checked, mean(streamed))
    baseline_rate = per_second(checked, mean(paged))
    cpu_rate = per_second(report.checked, mean(streamed_cpu))
    baseline_cpu_rate = per_second(checked, mean(paged_cpu))
    return {
        "records": total,
        "checked": report.checked,
        "ok": report.ok,
        "message": report.message,
        "seconds": round(mean(streamed), 2),
        "records_per_second": rate,
        "runs_seconds": [round(s, 2) for s in streamed],
        "cpu_seconds": round(mean(streamed_cpu), 2),
        "records_per_cpu_second": cpu_rate,
        "baseline_seconds": round(mean(paged), 2),
        "baseline_records_per_second": baseline_rate,
        "baseline_runs_seconds": [round(s, 2) for s in paged],
        "baseline_cpu_seconds": round(mean(paged_cpu), 2),
        "baseline_records_per_cpu_second": baseline_cpu_rate,
        "cpu_includes_database_server": with_server,
        "ratio_to_baseline": round(rate / baseline_rate, 1) if rate and baseline_rate else None,
        "cpu_ratio_to_baseline": round(cpu_rate / baseline_cpu_rate, 1)
        if cpu_rate and baseline_cpu_rate
        else None,
        "peak_rss_growth_mib": round(max(growth), 1) if growth else None,
    }

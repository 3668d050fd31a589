"""Prometheus metrics (/metrics, eia/web/ops.py).

Kept per process (prometheus-client): how long each request took, by route (the URL rule,
such as ``/eias/<reference>``, never the raw path), method and status. Under gunicorn,
with several worker processes, set PROMETHEUS_MULTIPROC_DIR to an empty folder writable by
them all (the container image does): each process writes its figures there and a scrape
adds them up (prometheus-client's multiprocess mode; the folder is emptied at start).

Read from the database at each scrape (one GROUP BY each, so the same whichever process
answers, and the worker's figures without reaching the worker): EIAs by state, emails by
status, the age of the oldest email waiting to go, the last reminder sweep's duration and
when it and the scheduler's heartbeat last ran.
"""

import os
import time

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

from eia import health
from eia.models import as_utc, utcnow
from eia.reporting import service

PROCESS = CollectorRegistry(auto_describe=True)

REQUEST_SECONDS = Histogram(
    "eia_http_request_duration_seconds",
    "Time to answer a request, by route (URL rule), method and status",
    ["route", "method", "status"],
    registry=PROCESS,
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)


def observe_request(route: str, method: str, status: int, seconds: float) -> None:
    REQUEST_SECONDS.labels(route, method, str(status)).observe(seconds)


class DatabaseFigures:
    """A collector asking the database at scrape time."""

    def __init__(self, session):
        self.session = session

    def collect(self):
        session = self.session
        now = utcnow()
        eias = GaugeMetricFamily("eia_eias", "EIAs by lifecycle state", labels=["state"])
        for state, count in sorted(service.eias_by_state(session).items()):
            eias.add_metric([state], count)
        yield eias
        emails = GaugeMetricFamily(
            "eia_emails", "Emails in the outbox by status", labels=["status"]
        )
        for status, count in sorted(service.emails_by_status(session).items()):
            emails.add_metric([status], count)
        yield emails
        oldest = service.oldest_waiting_email(session)
        yield GaugeMetricFamily(
            "eia_outbox_oldest_waiting_seconds",
            "Age of the oldest email still to be sent at once (0 when none waits)",
            value=0 if oldest is None else max(0.0, (now - as_utc(oldest)).total_seconds()),
        )
        beats = health.beats(session)
        sweep = beats.get(health.REMINDER_SWEEP)
        yield GaugeMetricFamily(
            "eia_reminder_sweep_duration_seconds",
            "How long the last reminder sweep took",
            value=(sweep.seconds or 0) if sweep else 0,
        )
        last = GaugeMetricFamily(
            "eia_last_run_timestamp_seconds",
            "When a scheduled job last finished (Unix time)",
            labels=["job"],
        )
        for name, row in sorted(beats.items()):
            last.add_metric([name], as_utc(row.at).timestamp())
        yield last


class _ThisProcess:
    def collect(self):
        yield from PROCESS.collect()


def scrape(session) -> tuple[bytes, str]:
    """The exposition text and its content type."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_ThisProcess())
    registry.register(DatabaseFigures(session))
    started = time.monotonic()
    body = generate_latest(registry)
    return body + _scrape_seconds(time.monotonic() - started), CONTENT_TYPE_LATEST


def _scrape_seconds(seconds: float) -> bytes:
    return (
        b"# HELP eia_scrape_duration_seconds Time to gather these figures\n"
        b"# TYPE eia_scrape_duration_seconds gauge\n"
        + f"eia_scrape_duration_seconds {seconds:.6f}\n".encode()
    )

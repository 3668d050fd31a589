"""Sizes, the benchmark database, and small helpers shared by the figures."""

import os
import socket
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlparse

import sqlalchemy as sa

from eia.config import normalise_database_url

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/eia_bench"
PASSWORD = "benchmark-password"


@dataclass(frozen=True)
class Size:
    name: str
    eias: int
    directorates: int
    services_per_directorate: int
    officers: int
    approvers_per_directorate: int
    equality_officers: int
    # the figures
    page_seconds: float  # per page, after a warm-up
    page_warmup: float
    dashboard_runs: int
    emails: int


SIZES = {
    "small": Size(
        "small", 200, 4, 3, 30, 2, 2, page_seconds=0.8, page_warmup=0.3, dashboard_runs=5, emails=50
    ),
    "council": Size(
        "council",
        10_000,
        8,
        6,
        400,
        2,
        4,
        page_seconds=20,
        page_warmup=3,
        dashboard_runs=30,
        emails=2_000,
    ),
    "national": Size(
        "national",
        100_000,
        60,
        6,
        4_000,
        2,
        12,
        page_seconds=20,
        page_warmup=3,
        dashboard_runs=20,
        emails=2_000,
    ),
}


def size_named(name: str, eias: int | None = None) -> Size:
    size = SIZES[name]
    return replace(size, eias=eias) if eias else size


def database_url() -> str:
    url = normalise_database_url(os.environ.get("BENCH_DATABASE_URL") or DEFAULT_URL)
    name = urlparse(url).path.lstrip("/")
    if not url.startswith("postgresql"):
        raise SystemExit("The benchmarks need PostgreSQL: set BENCH_DATABASE_URL to one.")
    if name in ("", "test", "postgres", "template0", "template1"):
        raise SystemExit(
            f"Refusing to use the database {name!r} for benchmarks: it is wiped. "
            "Name a database of its own (default eia_bench)."
        )
    return url


def ensure_database(url: str) -> None:
    """Create the benchmark database if it does not exist (like `createdb`)."""
    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = sa.create_engine(
        parts._replace(path="/postgres").geturl(), isolation_level="AUTOCOMMIT"
    )
    try:
        with admin.connect() as conn:
            if not conn.execute(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
            ).first():
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], p: float) -> float | None:
    """The p-th percentile (nearest rank on the sorted values)."""
    if not values:
        return None
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def ratio(a, b) -> float | None:
    """a ÷ b to three significant figures."""
    return float(f"{a / b:.3g}") if a is not None and b else None

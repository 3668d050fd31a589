"""What the suite was told about: CI or not, the PostgreSQL and Redis to use, the database
backends every database test runs on; and a free port for a server a test starts."""

import os
import socket

from eia.config import normalise_database_url

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
PG_URL = os.environ.get("DATABASE_URL", "")
PG_URL = normalise_database_url(PG_URL) if PG_URL.startswith("postgres") else ""
REDIS_URL = os.environ.get("REDIS_URL", "")

BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])

# Under pytest-xdist (`make test` runs two workers) each worker has a PostgreSQL database
# of its own, named after DATABASE_URL's with the worker's id ("test_gw0").
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


def free_port() -> int:
    """A port free on 127.0.0.1 now (bound then released: port 0 does not work for every
    server)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

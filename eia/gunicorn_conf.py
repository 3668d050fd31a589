"""gunicorn's settings for the web role: ``gunicorn -c python:eia.gunicorn_conf
'eia:create_app()'`` (`make run` and the container image).

- its own log lines as JSON (eia/logs.py), at LOG_LEVEL; no access log (the app writes one
  "request" line per request, with its request id, route and duration);
- PROMETHEUS_MULTIPROC_DIR (eia/metrics.py): emptied when gunicorn starts, so figures of an
  earlier run are not added in; a dead worker's live gauges are dropped.
Anything here may still be overridden on the command line (--bind, --workers).
"""

import os
from pathlib import Path

from eia.logs import gunicorn_logconfig

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
accesslog = None
logconfig_dict = gunicorn_logconfig(os.environ.get("LOG_LEVEL"))


def on_starting(_server):
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        path = Path(folder)
        path.mkdir(parents=True, exist_ok=True)
        for old in path.glob("*.db"):
            old.unlink()


def child_exit(_server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)

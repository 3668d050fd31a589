"""Structured logs: one JSON object a line, on standard error (or the worker's --logfile).

Every line has the time (UTC), the level, the logger and the message; and, when known, the
request id (``request_id``: from a well-formed incoming X-Request-ID header, else made
here; echoed in the response and carried into the Celery tasks the request causes, in
their headers), the signed-in person's id (``user_id``: never their name or email), the
EIA's reference (``eia``), the Celery task (``task``, ``task_id``) and what happened
(``event``). Only the fields named here are written: nothing a form posted, no cookie, no
header, no setting. The level is LOG_LEVEL (INFO by default).
"""

import contextvars
import json
import logging
import os
import re
import sys
import traceback
import uuid
from datetime import UTC, datetime

request_id = contextvars.ContextVar("request_id", default=None)
user_id = contextvars.ContextVar("user_id", default=None)
eia_reference = contextvars.ContextVar("eia_reference", default=None)
task = contextvars.ContextVar("task", default=None)

CONTEXT = {"request_id": request_id, "user_id": user_id, "eia": eia_reference}
# What a log call may add with extra={...}: anything else given is left out.
EXTRA_FIELDS = ("event", "route", "method", "status", "ms", "eia", "user_id", "count")

# The Celery task headers that carry the request's context into the worker.
HEADERS = {"eia_request_id": request_id, "eia_user_id": user_id, "eia_reference": eia_reference}

_WELL_FORMED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,127}")


def new_request_id(incoming: str | None) -> str:
    """The caller's id when it looks like one (8 to 128 letters, digits, ``.``, ``_``,
    ``:`` and ``-``: what proxies and load balancers send), else a new one."""
    if incoming and _WELL_FORMED.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name, var in CONTEXT.items():
            value = var.get()
            if value is not None:
                entry[name] = value
        running = task.get()
        if running is not None:
            entry["task"], entry["task_id"] = running
        for name in EXTRA_FIELDS:
            if name in record.__dict__:
                entry[name] = record.__dict__[name]
        if record.exc_info and record.exc_info[1] is not None:
            # What went wrong and where, as fields: not a traceback printed into the stream
            # (a command's output must never show one).
            kind, error, tb = record.exc_info
            entry["error"] = f"{kind.__name__}: {error}"
            entry["where"] = [
                f"{frame.filename}:{frame.lineno} {frame.name}"
                for frame in traceback.extract_tb(tb)[-5:]
            ]
        return json.dumps(entry, default=str, ensure_ascii=False)


class _StandardError(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (test runners swap it)."""

    def __init__(self):
        super().__init__(sys.stderr)

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value):
        pass


def _level(level: str | int | None) -> int:
    if isinstance(level, int):
        return level
    resolved = logging.getLevelName(str(level or "INFO").upper())
    return resolved if isinstance(resolved, int) else logging.INFO


def configure(level: str | int | None = "INFO", logfile: str | None = None) -> None:
    """JSON lines on the root logger at ``level``, to ``logfile`` or standard error (one
    such handler per process: a later call with a log file, the worker's, moves it there).
    Other handlers (a test runner's) are left alone."""
    root = logging.getLogger()
    root.setLevel(_level(level))
    ours = [h for h in root.handlers if getattr(h, "_eia_json", False)]
    if ours and (not logfile or getattr(ours[0], "baseFilename", None) == os.path.abspath(logfile)):
        return
    for old in ours:
        root.removeHandler(old)
    handler = logging.FileHandler(logfile) if logfile else _StandardError()
    handler.setFormatter(JsonFormatter())
    handler._eia_json = True
    root.addHandler(handler)


def gunicorn_logconfig(level: str | None = None) -> dict:
    """gunicorn's own log lines (starting, workers booting and dying) as JSON too; its
    access log is left off (the app writes one "request" line per request instead)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {"stderr": {"class": "eia.logs._StandardError", "formatter": "json"}},
        "root": {"level": logging.getLevelName(_level(level)), "handlers": ["stderr"]},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
            "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": False},
        },
    }


# --- Celery: the request's context into the tasks it causes, and their log lines -----------


def _before_publish(headers=None, **_kwargs):
    if headers is None:
        return
    for name, var in HEADERS.items():
        value = var.get()
        if value is not None:
            headers.setdefault(name, value)


def _header(request, name):
    value = request.get(name) if hasattr(request, "get") else getattr(request, name, None)
    if value is None:
        value = (getattr(request, "headers", None) or {}).get(name)
    return value


def _task_starts(task_id=None, task=None, **_kwargs):
    tokens = [(globals()["task"], globals()["task"].set((task.name, task_id)))]
    for name, var in HEADERS.items():
        tokens.append((var, var.set(_header(task.request, name))))
    _running[task_id] = tokens


def _task_ends(task_id=None, **_kwargs):
    for var, token in reversed(_running.pop(task_id, [])):
        var.reset(token)


_running: dict = {}


def _worker_logging(loglevel=None, logfile=None, **_kwargs):
    # LOG_LEVEL when set, else the worker's --loglevel.
    configure(os.environ.get("LOG_LEVEL") or loglevel, logfile)


def connect_celery() -> None:
    """Carry the request's context through task headers; and, in a worker, log JSON lines
    instead of Celery's own format (to its --logfile when given)."""
    from celery import signals

    signals.before_task_publish.connect(_before_publish, weak=False)
    signals.task_prerun.connect(_task_starts, weak=False)
    signals.task_postrun.connect(_task_ends, weak=False)
    signals.setup_logging.connect(_worker_logging, weak=False)

"""Celery inside Flask: every task runs within the application context (Flask's pattern).

The schedule (exactly one beat: `make run` runs the worker with -B):
- every OUTBOX_SWEEP_SECONDS (60): the outbox sweeper;
- every HEARTBEAT_SECONDS (60): the heartbeat /readyz reads (eia/health.py);
- daily at REMINDER_SWEEP_TIME (07:00 London): review moves and the reminder rules;
- daily at DIGEST_TIME (07:30 London): the digests (working days only);
- hourly: review moves on their own (idempotent; kept so a review starts on its day even
  if the morning sweep was missed);
- daily at 02:30 London: the retention schedule (eia/retention.py).
"""

import threading
from datetime import timedelta
from pathlib import Path

from flask import Flask

from .settings import hour_minute


def beat_schedule(config) -> dict:
    from celery.schedules import crontab

    sweep_hour, sweep_minute = hour_minute(config["REMINDER_SWEEP_TIME"])
    digest_hour, digest_minute = hour_minute(config["DIGEST_TIME"])
    return {
        # Hourly, and idempotent: an EIA whose review date has come moves once.
        "start-due-reviews": {
            "task": "eia.start_due_reviews",
            "schedule": crontab(minute=5),
        },
        # The scheduler's heartbeat (eia/health.py): /readyz goes red when it stops.
        "heartbeat": {
            "task": "eia.heartbeat",
            "schedule": timedelta(seconds=config["HEARTBEAT_SECONDS"]),
        },
        "outbox-sweep": {
            "task": "notifications.sweep_outbox",
            "schedule": timedelta(seconds=config["OUTBOX_SWEEP_SECONDS"]),
        },
        "reminder-sweep": {
            "task": "notifications.reminder_sweep",
            "schedule": crontab(hour=sweep_hour, minute=sweep_minute),
        },
        "daily-digest": {
            "task": "notifications.send_digests",
            "schedule": crontab(hour=digest_hour, minute=digest_minute),
        },
        # Nightly, when nobody is signing in; idempotent (a second run finds nothing).
        "apply-retention": {
            "task": "eia.apply_retention",
            "schedule": crontab(hour=2, minute=30),
        },
    }


def broker_options(config) -> dict:
    """Transport options for Redis. (The embedded SQLite broker hands its options to
    SQLAlchemy's create_engine, which refuses these: it gets none.)"""
    if not str(config["CELERY_BROKER_URL"]).startswith(("redis://", "rediss://")):
        return {}
    return {
        # Redis gives an unacknowledged task to another worker after this long; every retry
        # delay is shorter (checked in notifications/settings.py), so a waiting retry is
        # never handed out twice.
        "visibility_timeout": config["BROKER_VISIBILITY_TIMEOUT"],
        # Fail fast when Redis is unreachable (one attempt to connect, not kombu's default
        # of retrying for several seconds): a web request must not wait for the broker, and
        # the outbox keeps the email meanwhile. The worker's own reconnection loop is
        # separate (broker_connection_max_retries) and unaffected.
        "socket_connect_timeout": 5,
        "socket_timeout": 30,
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.5,
    }


def survive_redis_restarts() -> None:
    """Keep the worker alive when Redis goes away while it holds unacknowledged tasks.

    kombu 5.7's Redis channel, once its connection is closed, still tries to talk to Redis
    to put those tasks back or acknowledge them, and fails with an AttributeError (its
    connection's ``client`` is already None) that nothing expects: the worker stops with
    "Unrecoverable error" (tests/test_notifications_integration.py reproduces it: Redis
    stopped while an email is being sent). Raising Redis's own ConnectionError instead lets
    kombu and Celery treat it as the lost connection it is: they log it and reconnect. The
    tasks stay in Redis's unacknowledged set (redelivered after the visibility timeout) and,
    for email, the outbox sweeper hands them over again in any case."""
    from kombu.transport import redis as kombu_redis

    channel = kombu_redis.Channel
    if getattr(channel._connparams, "survives_restarts", False):
        return
    original = channel._connparams

    def _connparams(self, asynchronous=False):
        if self.connection is None or self.connection.client is None:
            raise kombu_redis.redis.exceptions.ConnectionError(
                "The connection to Redis was closed."
            )
        return original(self, asynchronous=asynchronous)

    _connparams.survives_restarts = True
    channel._connparams = _connparams


class _Extensions(dict):
    """Flask's ``app.extensions``, in which "celery" is made the first time it is looked up
    (``[]`` or ``get``). Celery and kombu (and, for a Redis broker, redis-py and kombu's Redis
    transport) add 7 to 14 MiB to a process; a web worker needs them only to hand an email
    to the broker, which most never do. The Celery worker makes it at once
    (celery_worker.py)."""

    def __init__(self, app: Flask, existing: dict):
        super().__init__(existing)
        self._app = app
        self._making = threading.Lock()

    def __missing__(self, key):
        if key != "celery":
            raise KeyError(key)
        with self._making:  # one Celery app, even if two threads ask at once
            made = dict.get(self, key)
            return made if made is not None else _make_celery(self._app)

    def get(self, key, default=None):
        return self[key] if key == "celery" or key in self else default


def init_celery(app: Flask) -> None:
    """Celery for ``app``, made when first used: ``app.extensions["celery"]``."""
    app.extensions = _Extensions(app, app.extensions)

    from .cli import register_cli

    register_cli(app)


def _make_celery(app: Flask):
    from celery import Celery, Task
    from celery.signals import (
        beat_init,
        worker_process_init,
        worker_process_shutdown,
        worker_ready,
    )

    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    if str(app.config["CELERY_BROKER_URL"]).startswith(("redis://", "rediss://")):
        survive_redis_restarts()
    celery = Celery(app.name, task_cls=FlaskTask)
    celery.conf.update(
        broker_url=app.config["CELERY_BROKER_URL"],
        result_backend=app.config["CELERY_RESULT_BACKEND"],
        broker_transport_options=broker_options(app.config),
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        timezone="Europe/London",
        beat_schedule_filename=str(Path(app.instance_path) / "celerybeat-schedule"),
        beat_schedule=beat_schedule(app.config),
        include=["notifications.tasks"],
    )

    @worker_process_init.connect(weak=False)
    def _own_connections(**_kwargs):
        # A forked pool process must not share the parent's database connections.
        app.extensions["eia_engine"].dispose(close=False)

    @worker_process_shutdown.connect(weak=False)
    def _quit_smtp(**_kwargs):
        # The SMTP connection a pool process kept open between batches: QUIT it.
        from .sending import close_worker_link

        close_worker_link()

    @beat_init.connect(weak=False)
    def _first_heartbeat(sender=None, **_kwargs):
        # The scheduler has started: a heartbeat now, not a minute later (/readyz).
        if getattr(sender, "app", None) is celery:
            celery.send_task("eia.heartbeat", ignore_result=True)

    @worker_ready.connect(weak=False)
    def _embedded_first_sweep(sender=None, **_kwargs):
        # Embedded mode (no mail server): sweep once at start, so someone trying the product
        # sees reminders without waiting for 7am. Nobody is emailed for real.
        if app.config["SMTP_HOST"] or getattr(sender, "app", None) is not celery:
            return
        celery.send_task("notifications.reminder_sweep", ignore_result=True)

    from eia.logs import connect_celery

    connect_celery()  # JSON lines in the worker; the request id into tasks' headers
    celery.set_default()
    app.extensions["celery"] = celery
    return celery

"""Celery inside Flask: every task runs within the application context (Flask's pattern)."""

from pathlib import Path

from celery import Celery, Task
from celery.schedules import crontab
from celery.signals import worker_process_init
from flask import Flask


def init_celery(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery(app.name, task_cls=FlaskTask)
    celery.conf.update(
        broker_url=app.config["CELERY_BROKER_URL"],
        result_backend=app.config["CELERY_RESULT_BACKEND"],
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        timezone="Europe/London",
        beat_schedule_filename=str(Path(app.instance_path) / "celerybeat-schedule"),
        beat_schedule={
            # Hourly, and idempotent: an EIA whose review date has come moves once.
            "start-due-reviews": {
                "task": "eia.start_due_reviews",
                "schedule": crontab(minute=5),
            },
        },
        include=["notifications.tasks"],
    )
    @worker_process_init.connect(weak=False)
    def _own_connections(**_kwargs):
        # A forked pool process must not share the parent's database connections.
        app.extensions["eia_engine"].dispose(close=False)

    celery.set_default()
    app.extensions["celery"] = celery
    return celery

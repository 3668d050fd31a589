"""The request id goes from a web request into the Celery task it causes and that task's
log lines, in a real worker process (with a real Redis), and the worker logs JSON lines."""

import json
import os

import pytest
from sqlmodel import Session

from benchmarks import services
from benchmarks.services import wait_for
from eia import create_app
from eia.db import make_engine
from eia.migrate import upgrade

from .factories import Factories
from .support.people import sign_in
from .test_notifications_integration import RedisServer

pytestmark = [pytest.mark.redis, pytest.mark.slow]  # a real worker and Redis


def _lines(worker) -> list[dict]:
    return [json.loads(line) for line in worker.log().splitlines()]


def test_the_request_id_reaches_the_workers_log_lines(tmp_path):
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine, expire_on_commit=False) as s:
        make = Factories(s)
        directorate = make.directorate()
        approver = make.user("approver", directorate=directorate)
        owner = make.user("officer", service=make.service(directorate))
        eia = make.eia("full_assessment", owner=owner, approver=approver)
        make.assess(eia, owner)
        s.commit()
    redis = RedisServer(tmp_path).start()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "CI")}
    env.update(DATABASE_URL=url, REDIS_URL=redis.url, EIA_INSTANCE_PATH=str(tmp_path))
    env.pop("LOG_LEVEL", None)
    worker = services.CeleryWorker(env, tmp_path / "worker.log", concurrency=1, name="logs")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "ENGINE": engine,
            "WTF_CSRF_ENABLED": False,
            "CELERY_BROKER_URL": redis.url,
            "CELERY_RESULT_BACKEND": redis.url,
            "REDIS_URL": redis.url,
        }
    )
    try:
        worker.start()
        client = app.test_client()
        sign_in(client, owner)
        rid = "trace-5f0c1d2e-request"
        response = client.post(
            f"/eias/{eia.reference}/events/submit_for_sign_off", headers={"X-Request-ID": rid}
        )
        assert response.status_code == 302, response.text
        assert response.headers["X-Request-ID"] == rid

        def sent_with_the_id():
            return [
                line
                for line in _lines(worker)
                if line.get("request_id") == rid and line.get("task") == "notifications.send_email"
            ]

        wait_for(lambda: sent_with_the_id(), 30, "the worker's log line with the request id")
        line = sent_with_the_id()[0]
        assert line["user_id"] == owner.id and line["eia"] == eia.reference
        assert line["task_id"] and line["level"] in {"INFO", "DEBUG", "WARNING"}
        # Every line the worker wrote is JSON, and none carries the person's email.
        assert all(isinstance(entry, dict) for entry in _lines(worker))
        assert owner.email not in worker.log() and approver.email not in worker.log()
    finally:
        worker.stop()
        redis.stop()
        app.extensions["celery"].close()
        engine.dispose()

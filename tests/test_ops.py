"""What a council's IT watches (issue 19): /healthz, /readyz and its admin page, the JSON
log lines with their request id, and /metrics."""

import io
import json
import logging
from datetime import timedelta

import pytest
import sqlalchemy as sa
from prometheus_client.parser import text_string_to_metric_families

from eia import health, logs
from eia.models import OutboxEmail, utcnow
from notifications import tasks

from .support.html import parse, words
from .support.people import PASSWORD, sign_in
from .support.services import REDIS_URL, free_port
from .test_journey_core import PROPOSAL


def _app(**config):
    from eia import create_app

    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "CELERY_BROKER_URL": "memory://",
            "CELERY_RESULT_BACKEND": "cache+memory://",
            "REDIS_URL": None,
            **config,
        }
    )


@pytest.fixture
def ready(app, db):
    """Everything a ready service has here: no Redis named, a heartbeat just now."""
    app.config["REDIS_URL"] = None
    health.record_beat(db, health.HEARTBEAT)
    return app.test_client()


# --- /healthz and /readyz -------------------------------------------------------------------


def test_healthz_answers_without_the_database(tmp_path):
    gone = _app(DATABASE_URL=f"sqlite:///{tmp_path / 'no' / 'such' / 'folder.db'}")
    client = gone.test_client()
    assert (client.get("/healthz").status_code, client.get("/healthz").text) == (200, "ok")
    assert client.get("/readyz").status_code == 503  # (which does ask it)


def test_readyz_is_green_with_version_and_commit(ready):
    response = ready.get("/readyz")
    assert response.status_code == 200, response.json
    found = response.json
    assert found["status"] == "ok"
    assert set(found["checks"]) == {"database", "migrations", "broker", "scheduler"}
    assert all(check["ok"] for check in found["checks"].values())
    assert found["version"] == health.version() != "unknown"
    assert found["commit"] == health.commit()
    assert response.headers["Cache-Control"] == "no-store"


def test_the_commit_comes_from_eia_commit(monkeypatch):
    health.commit.cache_clear()
    monkeypatch.setenv("EIA_COMMIT", "0123abc")
    try:
        assert health.commit() == "0123abc"
    finally:
        health.commit.cache_clear()
    monkeypatch.delenv("EIA_COMMIT")
    assert health.commit() != "0123abc"  # a checkout's HEAD (read once), or "unknown"


@pytest.mark.parametrize("where", ["sqlite", "postgresql"])
def test_readyz_is_red_when_the_database_is_gone(where, tmp_path):
    if where == "postgresql":
        url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/gone_test"
    else:
        url = f"sqlite:///{tmp_path / 'no' / 'such' / 'folder.db'}"
    response = _app(DATABASE_URL=url).test_client().get("/readyz")
    assert response.status_code == 503
    checks = response.json["checks"]
    assert response.json["status"] == "fail"
    assert [name for name, check in checks.items() if not check["ok"]] == [
        "database",
        "migrations",
        "scheduler",
    ]
    assert "OperationalError" in checks["database"]["detail"]
    assert "127.0.0.1" not in json.dumps(response.json)  # no exception text: nothing of the URL


def test_readyz_is_red_when_the_broker_is_gone(ready, app):
    app.config["REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    response = ready.get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["broker"] == {
        "ok": False,
        "detail": "Redis does not answer (ConnectionError)",
    }
    assert all(c["ok"] for n, c in response.json["checks"].items() if n != "broker")


@pytest.mark.redis
def test_readyz_asks_the_real_redis(ready, app):
    app.config["REDIS_URL"] = REDIS_URL
    response = ready.get("/readyz")
    assert response.status_code == 200
    assert response.json["checks"]["broker"] == {"ok": True, "detail": "Redis answers"}


def test_readyz_is_red_when_the_heartbeat_is_stale_or_missing(app, db, time_machine):
    app.config["REDIS_URL"] = None
    client = app.test_client()
    assert client.get("/readyz").json["checks"]["scheduler"] == {
        "ok": False,
        "detail": "no heartbeat yet: is the scheduler (and a worker) running?",
    }
    start = utcnow()
    time_machine.move_to(start, tick=False)
    with app.app_context():
        tasks.heartbeat.run()  # what beat asks a worker to do every minute
    assert client.get("/readyz").status_code == 200
    time_machine.move_to(start + timedelta(seconds=299), tick=False)
    assert client.get("/readyz").status_code == 200
    time_machine.move_to(start + timedelta(minutes=6), tick=False)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["scheduler"] == {
        "ok": False,
        "detail": "last heartbeat 6 minutes ago: the scheduler or the worker has stopped",
    }


def test_readyz_is_red_when_migrations_are_behind(ready, monkeypatch):
    monkeypatch.setattr(health, "migrations_head", lambda: "9999")
    response = ready.get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["migrations"]["detail"].endswith(
        "not 9999: run `eia db upgrade`"
    )


def test_beat_runs_the_heartbeat_every_minute(app):
    schedule = app.extensions["celery"].conf.beat_schedule
    assert schedule["heartbeat"]["task"] == "eia.heartbeat"
    assert schedule["heartbeat"]["schedule"] == timedelta(seconds=60)


def test_the_admin_page_shows_the_same_checks(ready, app, make):
    sign_in(ready, make.user("admin"))
    page = parse(ready.get("/admin/health"))
    assert words(page.h1) == "Service health"
    rows = {words(r.th): words(r.find_all("td")[0]) for r in page.select("tbody tr")}
    assert rows == {
        "Database": "Working",
        "Database schema": "Working",
        "Message broker (Redis)": "Working",
        "Scheduler heartbeat": "Working",
    }
    assert words(page.find(id="version")) == health.version()
    app.config["REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"
    page = parse(ready.get("/admin/health"))
    assert words(page.find(id="check-broker").find_all("td")[0]) == "Not working"
    assert "Something is not working" in words(page)
    assert "/admin/health" in str(parse(ready.get("/admin")))  # linked from Manage


# --- JSON log lines ---------------------------------------------------------------------------


@pytest.fixture
def log_lines():
    """Every log line written meanwhile, formatted as production writes them."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield lambda: stream.getvalue().splitlines()
    root.removeHandler(handler)
    root.setLevel(level)


def test_each_request_has_an_id_echoed_and_logged(client, log_lines):
    given = "lb-0f3c2a9e-77aa-4c1b"
    assert client.get("/sign-in", headers={"X-Request-ID": given}).headers["X-Request-ID"] == given
    bad = 'bad id {"x": 1}'
    made = client.get("/sign-in", headers={"X-Request-ID": bad}).headers["X-Request-ID"]
    assert made != bad and len(made) == 32
    lines = [json.loads(line) for line in log_lines()]
    requests = [line for line in lines if line.get("event") == "request"]
    assert [(r["request_id"], r["route"], r["status"]) for r in requests] == [
        (given, "/sign-in", 200),
        (made, "/sign-in", 200),
    ]


def test_logs_are_json_with_ids_but_no_secrets_or_form_contents(client, person, log_lines):
    user = person("officer", name="Priya Privatename")
    secret_text = "Confidential note about Mrs Example at 12 Acacia Avenue"
    client.post("/sign-in", data={"email": user.email, "password": "wrong " + PASSWORD})
    client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    new = client.post("/eias/new", data={"title": secret_text, "service": str(user.service_id)})
    assert new.status_code == 302
    reference = new.headers["Location"].split("/eias/")[1].split("/")[0]
    client.post(f"/eias/{reference}/proposal", data={**PROPOSAL, "summary": secret_text + "!"})
    client.get(f"/eias/{reference}")
    text = "\n".join(log_lines())
    lines = [json.loads(line) for line in log_lines()]  # every line is JSON
    for secret in (PASSWORD, secret_text, user.email, user.name, "Privatename"):
        assert secret not in text, secret
    page = next(r for r in lines if r.get("route") == "/eias/<reference>")
    assert page["user_id"] == user.id and page["eia"] == reference
    assert {"time", "level", "logger", "message", "request_id"} <= set(page)


def test_a_task_sent_in_a_request_carries_its_request_id():
    from celery import signals

    logs.connect_celery()  # as the app's Celery does (connecting twice connects once)
    token = logs.request_id.set("req-1234567890")
    headers = {}
    try:
        signals.before_task_publish.send(sender="x", headers=headers, body=None)
    finally:
        logs.request_id.reset(token)
    assert headers["eia_request_id"] == "req-1234567890"


# --- /metrics ----------------------------------------------------------------------------------


def _families(response) -> dict:
    assert response.status_code == 200, response.text
    return {f.name: f for f in text_string_to_metric_families(response.text)}


def test_metrics_are_scraped_and_parse(app, client, db, make, signed_in, officer):
    eia = make.eia("draft", owner=officer)
    make.eia("approved")
    make.eia("approved")
    outbox = make.eia("draft")
    db.add(
        OutboxEmail(
            idempotency_key="k1",
            recipient_id=officer.id,
            recipient_email=officer.email,
            eia_id=outbox.id,
            kind="transition",
            rule="submitted",
            template="submitted",
            subject="s",
            created_at=utcnow() - timedelta(minutes=5),
        )
    )
    health.record_beat(db, health.REMINDER_SWEEP, 1.5)
    db.flush()
    signed_in.get(f"/eias/{eia.reference}")
    families = _families(client.get("/metrics"))
    states = {s.labels["state"]: s.value for s in families["eia_eias"].samples}
    counts = dict(db.execute(sa.text("SELECT status, count(*) FROM eia GROUP BY status")).all())
    assert states == counts and states["approved"] >= 2
    emails = dict(db.execute(sa.text("SELECT status, count(*) FROM outbox_email GROUP BY 1")).all())
    assert {s.labels["status"]: s.value for s in families["eia_emails"].samples} == emails
    assert families["eia_outbox_oldest_waiting_seconds"].samples[0].value >= 300
    assert families["eia_reminder_sweep_duration_seconds"].samples[0].value == 1.5
    requests = {
        s.labels["route"]
        for s in families["eia_http_request_duration_seconds"].samples
        if s.name.endswith("_count")
    }
    assert "/eias/<reference>" in requests and f"/eias/{eia.reference}" not in requests


def test_metrics_only_for_this_machine_or_the_token(app, client):
    elsewhere = {"REMOTE_ADDR": "10.1.2.3"}
    assert client.get("/metrics", environ_base=elsewhere).status_code == 403
    app.config["METRICS_TOKEN"] = "s3cret-token"
    assert client.get("/metrics").status_code == 403  # loopback no longer enough
    wrong = {"Authorization": "Bearer nope"}
    assert client.get("/metrics", headers=wrong, environ_base=elsewhere).status_code == 403
    right = {"Authorization": "Bearer s3cret-token"}
    assert client.get("/metrics", headers=right, environ_base=elsewhere).status_code == 200


def test_metrics_in_multiprocess_mode(app, client, tmp_path, monkeypatch):
    """gunicorn's workers each write their figures to PROMETHEUS_MULTIPROC_DIR; a scrape
    reads them all (here: one this test writes, as another process would)."""
    from prometheus_client import CollectorRegistry, Counter, values

    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    single = values.ValueClass
    values.ValueClass = values.MultiProcessValue(lambda: 4242)
    try:
        Counter("eia_other_process", "written by another worker", registry=CollectorRegistry()).inc(
            3
        )
    finally:
        values.ValueClass = single
    families = _families(client.get("/metrics"))
    assert families["eia_other_process"].samples[0].value == 3
    assert "eia_eias" in families


# --- optional error reports -------------------------------------------------------------------


def test_sentry_only_with_sentry_dsn(monkeypatch, caplog):
    import sys
    import types

    from eia.observability import init_error_reporting

    calls = []
    fake = types.SimpleNamespace(init=lambda **kw: calls.append(kw))
    monkeypatch.setitem(sys.modules, "sentry_sdk", fake)
    monkeypatch.delenv("SENTRY_DSN", raising=False)
    assert init_error_reporting() is False and calls == []
    monkeypatch.setenv("SENTRY_DSN", "https://key@sentry.example/1")
    assert init_error_reporting() is True
    assert calls[0]["dsn"] == "https://key@sentry.example/1"
    assert calls[0]["send_default_pii"] is False
    monkeypatch.setitem(sys.modules, "sentry_sdk", None)  # not installed: import fails
    assert init_error_reporting() is False
    assert "Sentry SDK is not installed" in caplog.text


def test_the_reminder_sweep_records_how_long_it_took(app, db):
    with app.app_context():
        tasks.reminder_sweep.run()
    sweep = health.beats(db)[health.REMINDER_SWEEP]
    assert sweep.seconds is not None and 0 <= sweep.seconds < 60
    assert (utcnow() - sweep.at).total_seconds() < 60

"""What a council's IT watches: /healthz (the process is alive: no database), /readyz (it
can serve: eia/health.py's checks, as JSON, 503 when any fails) and /metrics (Prometheus:
eia/metrics.py); and, on every request, its request id and one JSON log line
(eia/logs.py) and its duration by route (eia/metrics.py)."""

import hmac
import logging
import time

from flask import Blueprint, Flask, abort, current_app, g, jsonify, request
from flask_login import current_user

from eia import health, logs, metrics
from eia.db import get_session

ops = Blueprint("ops", __name__)
log = logging.getLogger("eia.request")

# Probes and scrapes: their request lines go at DEBUG, not to every INFO log each minute.
QUIET = {"/healthz", "/readyz", "/metrics"}
LOOPBACK = {"127.0.0.1", "::1"}


@ops.get("/healthz")
def healthz():
    """Alive: answers without asking anything else (a load balancer's liveness probe)."""
    return "ok", 200, {"Content-Type": "text/plain"}


@ops.get("/readyz")
def readyz():
    found = health.readiness(get_session(), current_app.config)
    response = jsonify(found)
    response.status_code = 200 if found["status"] == "ok" else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def _may_scrape() -> bool:
    token = current_app.config.get("METRICS_TOKEN") or ""
    if token:
        given = request.headers.get("Authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
    return request.remote_addr in LOOPBACK


@ops.get("/metrics")
def prometheus():
    if not _may_scrape():
        abort(403)
    body, content_type = metrics.scrape(get_session())
    return body, 200, {"Content-Type": content_type, "Cache-Control": "no-store"}


def _start():
    g.request_started = time.perf_counter()
    g.request_id = logs.new_request_id(request.headers.get("X-Request-ID"))
    reference = (request.view_args or {}).get("reference")
    g.log_tokens = [(logs.request_id, logs.request_id.set(g.request_id))]
    if isinstance(reference, str):
        g.log_tokens.append((logs.eia_reference, logs.eia_reference.set(reference)))


def _who():
    # After signing in was checked (current_user is loaded by then, if anyone is signed in).
    if current_user.is_authenticated:
        g.log_tokens.append((logs.user_id, logs.user_id.set(current_user.id)))


def _finish(response):
    rid = g.get("request_id")
    if rid is None:
        return response
    response.headers["X-Request-ID"] = rid
    route = request.url_rule.rule if request.url_rule is not None else "(no route)"
    seconds = time.perf_counter() - g.request_started
    metrics.observe_request(route, request.method, response.status_code, seconds)
    log.log(
        logging.DEBUG if request.path in QUIET else logging.INFO,
        "%s %s %s",
        request.method,
        route,
        response.status_code,
        extra={
            "event": "request",
            "route": route,
            "method": request.method,
            "status": response.status_code,
            "ms": round(seconds * 1000, 1),
        },
    )
    return response


def _forget(_exc=None):
    for var, token in reversed(g.pop("log_tokens", [])):
        var.reset(token)


def init_ops_first(app: Flask) -> None:
    """Before every other hook: the request id and the clock start first."""
    app.before_request(_start)
    app.teardown_request(_forget)


def init_ops(app: Flask) -> None:
    app.before_request(_who)
    app.after_request(_finish)
    app.register_blueprint(ops)

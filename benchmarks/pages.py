"""Figure 1: pages under load. gunicorn with 2 workers, 16 concurrent clients (threads, each
with a persistent http.client connection, reconnecting when the server closes it: gunicorn's
default sync workers close after every response), a fixed duration after a warm-up.

Each page is compared with a bare Flask page (``benchmarks/hello_app.py``) served the same
way. The clients are signed in for real: GET /sign-in for the form's CSRF token, POST the
email and password, keep the session cookie the product sets.
"""

import http.client
import re
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie
from pathlib import Path

import sqlalchemy as sa

from .config import PASSWORD, percentile, ratio
from .services import Gunicorn

CLIENTS = 16
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


class SignInFailed(RuntimeError):
    pass


def _cookies(response, jar: dict) -> None:
    for header in response.headers.get_all("Set-Cookie") or []:
        cookie = SimpleCookie()
        cookie.load(header)
        for name, morsel in cookie.items():
            jar[name] = morsel.value


def _cookie_header(jar: dict) -> str:
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def sign_in(port: int, email: str, password: str = PASSWORD) -> str:
    """The real sign-in form: returns the Cookie header of the signed-in session."""
    jar: dict = {}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", "/sign-in")
        response = conn.getresponse()
        page = response.read().decode()
        _cookies(response, jar)
        found = _CSRF.search(page)
        if response.status != 200 or not found:
            raise SignInFailed(f"GET /sign-in gave {response.status} with no CSRF token")
        body = urllib.parse.urlencode(
            {"csrf_token": found.group(1) or found.group(2), "email": email, "password": password}
        )
        conn.close()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request(
            "POST",
            "/sign-in",
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": _cookie_header(jar),
            },
        )
        response = conn.getresponse()
        response.read()
        _cookies(response, jar)
        if response.status != 302:
            raise SignInFailed(f"POST /sign-in as {email} gave {response.status}, not a redirect")
    finally:
        conn.close()
    return _cookie_header(jar)


def load(
    port: int,
    paths: list[str],
    cookie: str | None,
    seconds: float,
    warmup: float,
    clients: int = CLIENTS,
) -> dict:
    """``clients`` threads GET ``paths`` in turn for ``warmup`` + ``seconds``; only requests
    that start after the warm-up count. On a machine so loaded that no request started in the
    window, the window stretches until one has (at most two minutes more): the rate is then
    over the stretched window, so a slow page is measured as slow rather than as nothing."""
    headers = {"Cookie": cookie} if cookie else {}
    start = time.perf_counter()
    measure_from, stop_at = start + warmup, start + warmup + seconds
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    last_counted_start = [measure_from]

    def client(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        i = n
        mine = latencies[n]
        while True:
            t0 = time.perf_counter()
            if t0 >= stop_at and (any(latencies) or t0 >= stop_at + 120):
                break
            path = paths[i % len(paths)]
            i += clients
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
                closing = response.will_close
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                errors[n] += 1
                continue
            t1 = time.perf_counter()
            if status != 200:
                errors[n] += 1
                with lock:
                    statuses[status] = statuses.get(status, 0) + 1
            elif t0 >= measure_from:
                mine.append(t1 - t0)
                with lock:
                    last_counted_start[0] = max(last_counted_start[0], t0)
            if closing:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.close()

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + warmup + 240)
    done = [x for per in latencies for x in per]
    window = max(seconds, last_counted_start[0] - measure_from)
    return {
        "requests": len(done),
        "errors": sum(errors),
        "error_statuses": statuses,
        "seconds": round(window, 2),
        "requests_per_second": round(len(done) / window, 1),
        "p50_ms": round(percentile(done, 50) * 1000, 2) if done else None,
        "p95_ms": round(percentile(done, 95) * 1000, 2) if done else None,
        "paths": len(paths),
    }


def pick_targets(engine: sa.Engine) -> dict:
    """Who signs in and which pages they read: an officer with many EIAs (their task lists),
    the approvers of the directorate with most EIAs waiting (their inbox and the sign-off
    pages of what waits), an equality officer (the dashboard)."""
    with engine.connect() as conn:
        officer_id, officer_email = conn.execute(
            sa.text(
                "SELECT u.id, u.email FROM eia e JOIN app_user u ON u.id = e.owner_id "
                "WHERE u.role = 'officer' GROUP BY u.id, u.email ORDER BY count(*) DESC, u.id "
                "LIMIT 1"
            )
        ).one()
        task_refs = (
            conn.execute(
                sa.text("SELECT reference FROM eia WHERE owner_id = :o ORDER BY id LIMIT 50"),
                {"o": officer_id},
            )
            .scalars()
            .all()
        )
        directorate_id, waiting = conn.execute(
            sa.text(
                "SELECT directorate_id, count(*) FROM eia WHERE status = 'awaiting_sign_off' "
                "GROUP BY directorate_id ORDER BY count(*) DESC, directorate_id LIMIT 1"
            )
        ).one()
        approver_email = conn.execute(
            sa.text(
                "SELECT email FROM app_user WHERE role = 'approver' AND directorate_id = :d "
                "ORDER BY id LIMIT 1"
            ),
            {"d": directorate_id},
        ).scalar_one()
        signoff_refs = (
            conn.execute(
                sa.text(
                    "SELECT reference FROM eia WHERE directorate_id = :d AND status = "
                    "'awaiting_sign_off' ORDER BY id LIMIT 50"
                ),
                {"d": directorate_id},
            )
            .scalars()
            .all()
        )
        equality_email = conn.execute(
            sa.text(
                "SELECT email FROM app_user WHERE role = 'equality_officer' ORDER BY id LIMIT 1"
            )
        ).scalar_one()
    return {
        "officer": officer_email,
        "task_refs": task_refs,
        "approver": approver_email,
        "signoff_refs": signoff_refs,
        "inbox_size": waiting,
        "equality": equality_email,
    }


def product_env(base_env: dict, url: str, instance: Path) -> dict:
    env = {
        k: v
        for k, v in base_env.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "SMTP_HOST", "CI")
    }
    env.update(
        DATABASE_URL=url,
        EIA_INSTANCE_PATH=str(instance),
        SECRET_KEY="benchmark-secret-key-not-for-production",
    )
    return env


def _route_exists(port: int, path: str) -> bool:
    """Signed out, a page that exists redirects to the sign-in page; one that does not is
    404 (the sign-in rule applies to known pages only)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status != 404
    finally:
        conn.close()


def run(engine: sa.Engine, url: str, size, base_env: dict, log=print) -> dict:
    targets = pick_targets(engine)
    out = {
        "clients": CLIENTS,
        "gunicorn_workers": 2,
        "seconds_per_page": size.page_seconds,
        "warmup_seconds": size.page_warmup,
        "pages": {},
    }
    with tempfile.TemporaryDirectory(prefix="eia-bench-pages-") as tmp:
        tmp = Path(tmp)
        hello = Gunicorn(
            "benchmarks.hello_app:app", product_env(base_env, url, tmp), tmp / "hello.log"
        ).start()
        try:
            log("  baseline: bare Flask page")
            baseline = load(hello.port, ["/hello"], None, size.page_seconds, size.page_warmup)
        finally:
            hello.stop()
        out["baseline_hello"] = baseline
        out["baseline_memory"] = hello.memory
        web = Gunicorn("eia:create_app()", product_env(base_env, url, tmp), tmp / "web.log")
        web.start()
        try:
            has_dashboard = _route_exists(web.port, "/dashboard")
            # Sign in (argon2 takes a while) on both workers at once.
            who = ["officer", "approver"] + (["equality"] if has_dashboard else [])
            with ThreadPoolExecutor(len(who)) as pool:
                cookies = dict(
                    zip(who, pool.map(lambda w: sign_in(web.port, targets[w]), who), strict=True)
                )
            officer, approver = cookies["officer"], cookies["approver"]
            pages = [
                (
                    "task_list",
                    "/eias/<ref>/tasks (the EIA's owner)",
                    [f"/eias/{r}/tasks" for r in targets["task_refs"]],
                    officer,
                ),
                (
                    "sign_off",
                    "/eias/<ref>/sign-off (an approver)",
                    [f"/eias/{r}/sign-off" for r in targets["signoff_refs"]],
                    approver,
                ),
                (
                    "approver_inbox",
                    f"/sign-off (an approver; {targets['inbox_size']} EIAs waiting)",
                    ["/sign-off"],
                    approver,
                ),
            ]
            if has_dashboard:
                pages.append(
                    (
                        "dashboard",
                        "/dashboard (an equality officer)",
                        ["/dashboard"],
                        cookies["equality"],
                    )
                )
            else:
                out["pages"]["dashboard"] = {
                    "label": "/dashboard",
                    "skipped": "not measured: dashboard not present",
                }
            for key, label, paths, cookie in pages:
                if not paths:
                    out["pages"][key] = {"label": label, "skipped": "no such EIA in the data"}
                    continue
                log(f"  {label}")
                result = load(web.port, paths, cookie, size.page_seconds, size.page_warmup)
                result["label"] = label
                result["rps_ratio_to_hello"] = ratio(
                    result["requests_per_second"], baseline["requests_per_second"]
                )
                result["p50_ratio_to_hello"] = ratio(result["p50_ms"], baseline["p50_ms"])
                result["p95_ratio_to_hello"] = ratio(result["p95_ms"], baseline["p95_ms"])
                out["pages"][key] = result
        finally:
            web.stop()
        out["web_memory"] = web.memory
    return out

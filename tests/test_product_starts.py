"""`make run`'s last step, for real: gunicorn and a Celery worker with beat, on the embedded
defaults (SQLite database and SQLite broker), serving the demo EIAs on 127.0.0.1."""

import http.cookiejar
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from .support.services import free_port

pytestmark = pytest.mark.slow  # gunicorn and a Celery worker started for real

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@pytest.fixture
def product_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(EIA_INSTANCE_PATH=str(tmp_path), PORT=str(free_port()))
    for args in (["db", "upgrade"], ["demo", "load"]):
        done = subprocess.run(
            [str(BIN / "eia"), *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
    return env


def _get(opener, url: str, deadline: float, data: dict | None = None) -> str:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    while True:
        try:
            with opener.open(url, data=body, timeout=5) as response:
                return response.read().decode()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def _sign_in_and_list(base: str) -> str:
    """Sign in as the demo equality officer, as a person would, and read the EIA list."""
    from eia.demo_data import DEMO_PASSWORD

    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    deadline = time.monotonic() + 60
    form = _get(opener, f"{base}/sign-in", deadline)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    return _get(
        opener,
        f"{base}/sign-in?next=/",
        deadline,
        data={
            "csrf_token": token,
            "email": "equality@demo.islington.example",
            "password": DEMO_PASSWORD,
        },
    )


def test_launcher_serves_demo_eias_and_runs_the_worker(product_env, tmp_path):
    proc = subprocess.Popen(
        [str(BIN / "python"), "-m", "eia.launcher"],
        cwd=ROOT,
        env=product_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        page = _sign_in_and_list(f"http://127.0.0.1:{product_env['PORT']}")
        assert "People Friendly Streets" in page and "EIA-DEMO-018" in page
        # The worker with beat is up when it has written its schedule file.
        deadline = time.monotonic() + 60
        while not list(tmp_path.glob("celerybeat-schedule*")):
            assert time.monotonic() < deadline, "the Celery worker with beat did not start"
            assert proc.poll() is None, proc.stdout.read()
            time.sleep(0.5)
        # Ready: the database, its schema, the embedded broker and the scheduler's heartbeat
        # (its first is sent when beat starts; eia/health.py).
        base = f"http://127.0.0.1:{product_env['PORT']}"
        while True:
            try:
                with urllib.request.urlopen(f"{base}/readyz", timeout=5) as response:
                    ready = json.loads(response.read())
                    break
            except urllib.error.HTTPError as not_ready:
                assert time.monotonic() < deadline, not_ready.read()
                time.sleep(0.5)
        assert ready["status"] == "ok" and set(ready["checks"]) == {
            "database",
            "migrations",
            "broker",
            "scheduler",
        }
        with urllib.request.urlopen(f"{base}/metrics", timeout=5) as response:
            assert b'eia_eias{state="approved"}' in response.read()
    finally:
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, output
    assert "celery@" in output and "ready" in output

"""`make run`: start the whole product (web, Celery worker, beat) and stop it as one.

The web server is gunicorn; the worker runs beat inside it (-B), so there is exactly one
scheduler. Ctrl-C stops everything; if one process dies, the others are stopped too.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from eia.paths import SOURCE_ROOT

BIN = Path(sys.executable).parent


def _commands(host: str, port: str) -> dict[str, list[str]]:
    return {
        "web": [
            str(BIN / "gunicorn"),
            "--config",
            "python:eia.gunicorn_conf",  # JSON log lines (eia/logs.py)
            "--bind",
            f"{host}:{port}",
            "--workers",
            "2",
            "eia:create_app()",
        ],
        "worker": [
            str(BIN / "celery"),
            "-A",
            "celery_worker",
            "worker",
            "-B",
            "--loglevel",
            "INFO",
            "--concurrency",
            "2",
        ],
    }


def main() -> int:
    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "5000")
    # In a checkout the processes start in the repository; installed, where this was started.
    processes = {
        name: subprocess.Popen(cmd, cwd=SOURCE_ROOT, start_new_session=True)
        for name, cmd in _commands(host, port).items()
    }
    print(
        f"\n  The EIA service is starting at http://{host}:{port}/  (Ctrl-C to stop)\n", flush=True
    )

    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    exit_code = 0
    while not stopping:
        for name, proc in processes.items():
            if proc.poll() is not None:
                print(
                    f"The {name} process stopped (exit {proc.returncode}); stopping the rest.",
                    file=sys.stderr,
                )
                exit_code = proc.returncode or 1
                stopping = True
        time.sleep(0.5)
    for proc in processes.values():
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in processes.values():
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
    return exit_code


if __name__ == "__main__":
    sys.exit(main())

"""The processes the figures run against, each started on a free port and stopped here:
gunicorn (2 workers), a redis-server of our own, a Celery worker, an SMTP server (aiosmtpd,
in this process). Every wait is bounded; peak memory is read from /proc before stopping.

The email integration tests (tests/test_notifications_integration.py) start their
redis-server and Celery worker with the same classes (the benchmarks never import tests)."""

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from .config import ROOT, free_port

BIN = Path(sys.executable).parent


def wait_for(condition, timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def stop_group(proc: subprocess.Popen, timeout: float) -> None:
    """SIGTERM a process started in its own session and its children (gunicorn's workers,
    Celery's pool); SIGKILL them if they are not gone within ``timeout`` seconds."""
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


# --- memory ------------------------------------------------------------------------------------


def children(pid: int) -> list[int]:
    """Every descendant of ``pid`` (from /proc: each process's parent)."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        parents.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def peak_rss_kib(pid: int) -> int | None:
    """VmHWM: the process's peak resident set size, in KiB."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def memory_of(pid: int) -> dict:
    """Peak RSS (MiB) of a master process and of each of its descendants."""
    kids = {c: peak_rss_kib(c) for c in children(pid)}
    mib = {c: round(v / 1024, 1) for c, v in kids.items() if v is not None}
    master = peak_rss_kib(pid)
    return {
        "master_mib": round(master / 1024, 1) if master else None,
        "children_mib": sorted(mib.values(), reverse=True),
        "max_child_mib": max(mib.values()) if mib else None,
    }


# --- gunicorn ------------------------------------------------------------------------------------


class Gunicorn:
    """`gunicorn --workers 2 <app>` on a free port, as `make run` starts the product."""

    def __init__(self, app: str, env: dict, logfile: Path, workers: int = 2):
        self.app, self.env, self.logfile, self.workers = app, env, logfile, workers
        self.port = free_port()
        self.proc = None
        self.memory = None

    def start(self) -> "Gunicorn":
        self.log = open(self.logfile, "ab")  # noqa: SIM115  (open while gunicorn runs)
        self.proc = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--backlog",
                "256",
                self.app,
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(
            lambda: (
                self.proc.poll() is not None
                or len(children(self.proc.pid)) >= self.workers
                and self._answers()
            ),
            60,
            f"gunicorn {self.app} to start",
        )
        if self.proc.poll() is not None:
            raise RuntimeError(f"gunicorn {self.app} stopped: see {self.logfile}")
        return self

    def _answers(self) -> bool:
        import http.client

        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            conn.close()
            return True
        except OSError:
            return False

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.memory = memory_of(self.proc.pid)
            stop_group(self.proc, 20)
        self.log.close()
        self.proc = None


# --- redis and Celery --------------------------------------------------------------------------


class ServiceMissing(RuntimeError):
    """A program the figure needs is not installed."""


class RedisServer:
    """A redis-server of our own on a free port, keeping nothing on disk (so stopping it
    loses every queued task: the worst case for the outbox)."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.workdir = workdir
        self.proc = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "RedisServer":
        """Start it (again, on the same port, after ``stop``: empty)."""
        binary = shutil.which("redis-server")
        if binary is None:
            raise ServiceMissing("redis-server is not installed (apt-get install redis-server)")
        self.proc = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
                "--daemonize",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.ping, 10, "redis-server to start")
        return self

    def ping(self) -> bool:
        import redis

        try:
            return redis.Redis.from_url(self.url, socket_connect_timeout=0.5).ping()
        except redis.exceptions.ConnectionError:
            return False

    def version(self) -> str:
        import redis

        return redis.Redis.from_url(self.url).info("server")["redis_version"]

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.proc = None


class CeleryWorker:
    """`celery -A celery_worker worker --concurrency 2` (prefork, as `make run`), in its own
    process group so a kill takes its pool processes too. ``beat``: with the scheduler inside
    (-B, as `make run`; the benchmark leaves it out, its figure being the path outbox ->
    broker -> worker -> SMTP, not the sweeper). It may be started again after ``kill`` or
    ``stop``; ``memory`` holds its peak memory when stopped."""

    def __init__(
        self,
        env: dict,
        logfile: Path,
        concurrency: int = 2,
        *,
        beat: bool = False,
        name: str = "worker",
    ):
        self.env, self.logfile, self.concurrency = env, logfile, concurrency
        self.beat, self.name = beat, name
        self.proc = None
        self.memory = None
        self.starts = 0
        self.log_offset = 0

    def start(self) -> "CeleryWorker":
        self.starts += 1
        self.log_offset = self.logfile.stat().st_size if self.logfile.exists() else 0
        self.proc = subprocess.Popen(
            [
                str(BIN / "celery"),
                "-A",
                "celery_worker",
                "worker",
                *(["-B"] if self.beat else []),
                "--loglevel",
                "INFO",
                "--concurrency",
                str(self.concurrency),
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"{self.name}-{os.getpid()}-{self.starts}@%h",
                "--logfile",
                str(self.logfile),
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        # Ready when the pool's processes are up and this start has said so in the log.
        wait_for(
            lambda: (
                self.proc.poll() is not None
                or len(children(self.proc.pid)) >= self.concurrency
                and self._ready()
            ),
            90,
            "the Celery worker to be ready",
        )
        if self.proc.poll() is not None:
            raise RuntimeError(f"the Celery worker stopped: {self.log()[-3000:]}")
        return self

    def _ready(self) -> bool:
        return "ready." in self.log()[self.log_offset :]

    def log(self) -> str:
        return self.logfile.read_bytes().decode(errors="replace") if self.logfile.exists() else ""

    def kill(self) -> None:
        """SIGKILL the worker and its pool: no clean-up, no acknowledgements."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.memory = memory_of(self.proc.pid)
        stop_group(self.proc, 30)


# --- SMTP ----------------------------------------------------------------------------------------


class SmtpCounter:
    """An aiosmtpd handler counting what it accepts, by Message-ID and by recipient."""

    def __init__(self):
        self.by_message_id: Counter = Counter()
        self.by_recipient: Counter = Counter()
        self.first_at = self.last_at = None
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        from email.parser import BytesHeaderParser

        headers = BytesHeaderParser().parsebytes(envelope.content)
        with self._lock:
            self.by_message_id[headers["Message-ID"]] += 1
            for rcpt in envelope.rcpt_tos:
                self.by_recipient[rcpt] += 1
            self.last_at = time.monotonic()
            self.first_at = self.first_at or self.last_at
        return "250 2.0.0 Accepted"

    def total(self) -> int:
        with self._lock:
            return sum(self.by_message_id.values())


class SmtpServer:
    def __init__(self):
        self.port = free_port()
        self.handler = SmtpCounter()
        self.controller = None

    def start(self) -> "SmtpServer":
        from aiosmtpd.controller import Controller

        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

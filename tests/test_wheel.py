"""The product installed from its wheel stands alone: `pip wheel`, installed with its
dependencies in a new virtual environment outside the repository, it migrates its database
and serves its pages, the GOV.UK Frontend styles, scripts, fonts and images, and builds a
PDF, from a working folder outside the repository, with nothing read from the repository.

About a minute, most of it pip's: it needs the package index (or pip's cache), for
setuptools to build with and for the dependencies. `-m "not wheel"` leaves it out.
"""

import configparser
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest

from .support.services import free_port

ROOT = Path(__file__).resolve().parent.parent
GOVUK_PACKAGE = ROOT / "node_modules" / "govuk-frontend"
# Left out of the copy the wheel is built from: git and what .gitignore lists.
NOT_SOURCE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "node_modules",
    "instance",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    "*.pyc",
    ".pytest_cache",
    ".hypothesis",
    "test-artifacts",
    "*.tmp",
)
# What the installed product must not see: settings of the machine and of this test run.
NOT_PASSED_ON = (
    "PYTHON",
    "VIRTUAL_ENV",
    "EIA_",
    "DATABASE_URL",
    "REDIS_URL",
    "SECRET_KEY",
    "SMTP_",
    "OIDC_",
    "FLASK_",
)

# Run by the installed interpreter: where everything came from, and a PDF (its stylesheet
# is a template file). sys.argv[1] is the repository.
CHECK_INSIDE = """
import sys
from pathlib import Path

repo = Path(sys.argv[1]).resolve()
from eia import create_app, paths
from eia.exports.pdf import html_to_pdf
import celery_worker  # what `celery -A celery_worker` imports

assert paths.INSTALLED and paths.SOURCE_ROOT is None, paths.PACKAGE
assert Path(sys.prefix) in paths.PACKAGE.parents, (sys.prefix, paths.PACKAGE)
pdf = html_to_pdf("<!DOCTYPE html><html lang='en'><head><title>Check</title></head>"
                  "<body><h1>Check</h1></body></html>")
assert pdf.startswith(b"%PDF"), pdf[:20]
seen = [*sys.path, *(getattr(m, "__file__", None) or "" for m in list(sys.modules.values()))]
from_repo = sorted({p for p in seen if p and (Path(p).resolve() == repo
                                                or repo in Path(p).resolve().parents)})
assert not from_repo, f"read from the repository: {from_repo}"
"""


def _run(args, timeout, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, timeout=timeout, **kwargs
    )
    assert done.returncode == 0, (
        f"{' '.join(map(str, args))} exited {done.returncode}\n{done.stdout}\n{done.stderr}"
    )
    return done


def _wait_for(port: int, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while True:
        assert server.poll() is None, f"gunicorn stopped:\n{log.read_text()}"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            assert time.monotonic() < deadline, f"gunicorn did not start:\n{log.read_text()}"
            time.sleep(0.3)


def _get(url: str, log: Path) -> tuple[int, str, bytes]:
    """Status, content type and body (gunicorn's log when the request fails outright)."""
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, response.headers.get_content_type(), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get_content_type(), error.read()
    except OSError as error:
        raise AssertionError(f"GET {url}: {error!r}\n{log.read_text()[-5000:]}") from error


def _build_wheel(tmp_path: Path) -> Path:
    """`pip wheel` of a copy of the checkout (pip builds in the source folder and leaves
    build/ there, whose leftovers could otherwise slip into a later wheel), with the GOV.UK
    Frontend package `npm ci` installed."""
    assert (GOVUK_PACKAGE / "package.json").is_file(), (
        "GOV.UK Frontend is not in node_modules: run `make frontend`"
    )
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE)
    shutil.copytree(GOVUK_PACKAGE, source / "node_modules" / "govuk-frontend")
    wheels = tmp_path / "wheels"
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", wheels, source],
        timeout=600,
    )
    [wheel] = wheels.glob("eia_engine-*.whl")
    return wheel


def _install(wheel: Path, tmp_path: Path) -> Path:
    """A new virtual environment (no pip of its own: this one's pip installs into it), with
    the wheel and the dependencies it declares, from the index, as a council would: so a
    dependency the product imports but does not declare fails here. --no-compile: writing
    the bytecode of every dependency would take longer than the rest of the test."""
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv], timeout=120)
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            venv / "bin" / "python",
            "install",
            "--quiet",
            "--no-compile",
            wheel,
        ],
        timeout=900,
    )
    return venv


@pytest.mark.wheel
def test_the_wheel_installs_migrates_and_serves_outside_the_repository(tmp_path):
    assert ROOT not in tmp_path.parents
    wheel = _build_wheel(tmp_path)
    venv = _install(wheel, tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(NOT_PASSED_ON)}

    # Migrate, on the embedded default: SQLite in the environment's instance folder.
    done = _run([venv / "bin" / "eia", "db", "upgrade"], cwd=work, env=env, timeout=120)
    database = venv / "var" / "eia-instance" / "eia.db"
    assert database.is_file() and str(database) in done.stdout, done.stdout

    _run([venv / "bin" / "python", "-c", CHECK_INSIDE, ROOT], cwd=work, env=env, timeout=120)

    port = free_port()
    log = tmp_path / "gunicorn.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [
                venv / "bin" / "gunicorn",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "eia:create_app()",
            ],
            cwd=work,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for(port, server, log)
        base = f"http://127.0.0.1:{port}"
        status, _, page = _get(f"{base}/sign-in", log)
        assert status == 200, log.read_text()[-5000:]
        page = page.decode()
        assert "<h1" in page and "Sign in" in page
        # Every stylesheet and script the page links to, the script GOV.UK's is imported
        # by, and every font and image the GOV.UK stylesheet refers to.
        linked = set(re.findall(r'(?:href|src)="(/(?:static|assets)/[^"]+)"', page))
        assert {"/static/govuk/govuk-frontend.min.css", "/static/app/init.js"} <= linked
        status, kind, css = _get(f"{base}/static/govuk/govuk-frontend.min.css", log)
        assert (status, kind) == (200, "text/css")
        referred = set(re.findall(r"url\((/assets/[^)]+)\)", css.decode()))
        assert any("/fonts/" in url for url in referred), referred
        for url in sorted(
            linked
            | referred
            | {"/static/govuk/govuk-frontend.min.js", "/assets/images/favicon.ico"}
        ):
            status, _, body = _get(f"{base}{url}", log)
            assert status == 200 and body, url
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()

    # The wheel carries every template, and none of npm's test tools.
    names = zipfile.ZipFile(wheel).namelist()
    templates = {
        f"eia/bundled/templates/{p.relative_to(ROOT / 'templates').as_posix()}"
        for p in (ROOT / "templates").rglob("*")
        if p.is_file() and not p.name.startswith(".")
    }
    assert templates <= set(names), sorted(templates - set(names))
    assert "migrations/script.py.mako" in names
    assert "eia/standard/eia-practice-1.schema.json" in names  # served at /open-data/
    assert not [
        n
        for n in names
        if "axe" in n or "oidc-provider" in n or n.startswith(("tests/", "node_modules/"))
    ]


def test_eia_db_upgrade_uses_the_options_of_alembic_ini():
    """eia/migrate.py builds the configuration alembic.ini holds (an installed product has
    no alembic.ini); the two must not drift apart."""
    from eia.migrate import alembic_config

    ini = configparser.ConfigParser(defaults={"here": str(ROOT)})
    ini.read(ROOT / "alembic.ini")
    by_hand = {k: ini.get("alembic", k) for k in ini.options("alembic") if k != "here"}
    config = alembic_config()
    defaults = config.file_config.defaults()
    in_code = {
        k: config.get_main_option(k)
        for k in config.file_config.options("alembic")
        if k not in defaults
    }
    assert by_hand.keys() == in_code.keys()
    for key in by_hand:
        if key == "script_location":
            assert Path(in_code[key]).resolve() == Path(by_hand[key]).resolve()
        else:
            assert in_code[key] == by_hand[key], key

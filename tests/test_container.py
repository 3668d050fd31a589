"""The container image and compose file (issue 19), tested without a container engine:
the entrypoint (roles to commands, secrets from files, no web without a secret key), the
compose file's shape (one scheduler; a migrate job web and worker wait for) and the
Dockerfile's (multi-stage, non-root, no build tools at runtime). tests/test_ops.py and
tests/test_product_starts.py cover what the roles' commands then do."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
ENTRYPOINT = ROOT / "docker" / "entrypoint.sh"
BIN = Path(sys.executable).parent


def run(*args, env=None, dry=True):
    base = {"PATH": f"{BIN}:/usr/bin:/bin", "EIA_INSTANCE_PATH": "/srv/eia/instance"}
    if dry:
        base["EIA_ENTRYPOINT_DRY_RUN"] = "1"
    return subprocess.run(
        ["sh", str(ENTRYPOINT), *args],
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=30,
    )


READY = {"SECRET_KEY": "k" * 64, "DATABASE_URL": "postgresql://eia@db/eia"}


@pytest.mark.parametrize(
    "role, command",
    [
        ("web", "gunicorn --config python:eia.gunicorn_conf eia:create_app()"),
        ("worker", "celery -A celery_worker worker --loglevel INFO --concurrency 2"),
        (
            "scheduler",
            "celery -A celery_worker beat --loglevel INFO "
            "--schedule /srv/eia/instance/celerybeat-schedule",
        ),
        ("migrate", "eia db upgrade"),
    ],
)
def test_each_role_runs_its_command(role, command):
    done = run(role, env=READY)
    assert (done.returncode, done.stdout.strip()) == (0, command), done.stderr


def test_no_role_means_web_and_extra_arguments_follow():
    assert run(env=READY).stdout.startswith("gunicorn ")
    done = run("worker", "--queues", "celery", env={**READY, "LOG_LEVEL": "WARNING"})
    assert done.stdout.strip().endswith("--loglevel WARNING --concurrency 2 --queues celery")
    assert run("eia", "audit", "verify", env=READY).stdout.strip() == "eia audit verify"


@pytest.mark.parametrize("role", ["web", "worker", "scheduler"])
def test_no_secret_key_no_start(role):
    done = run(role, env={"DATABASE_URL": READY["DATABASE_URL"]})
    assert done.returncode == 78 and done.stdout == ""
    assert "SECRET_KEY (or SECRET_KEY_FILE) must be set" in done.stderr
    assert "the same long random value for every container" in done.stderr


def test_migrate_needs_no_secret_key_but_a_database():
    assert run("migrate", env={"DATABASE_URL": "sqlite:////tmp/x.db"}).returncode == 0
    done = run("migrate")
    assert done.returncode == 78 and "DATABASE_URL" in done.stderr


def test_secrets_are_read_from_files(tmp_path):
    (tmp_path / "key").write_text("from-a-file-0123456789\n")
    (tmp_path / "db").write_text("postgresql://eia:pw@postgres/eia\n")
    env = {"SECRET_KEY_FILE": str(tmp_path / "key"), "DATABASE_URL_FILE": str(tmp_path / "db")}
    done = run(
        "sh",
        "-c",
        'printf "%s|%s|%s" "$SECRET_KEY" "$DATABASE_URL" "${SECRET_KEY_FILE-}"',
        env=env,
        dry=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "from-a-file-0123456789|postgresql://eia:pw@postgres/eia|"


def test_bad_secret_files_are_refused(tmp_path):
    (tmp_path / "empty").write_text("")
    cases = [
        ({"SECRET_KEY_FILE": str(tmp_path / "missing")}, "cannot be read"),
        ({"SECRET_KEY_FILE": str(tmp_path / "empty")}, "which is empty"),
        ({"SECRET_KEY_FILE": str(tmp_path / "empty"), "SECRET_KEY": "x"}, "set one"),
    ]
    for env, says in cases:
        done = run("web", env={"DATABASE_URL": "sqlite://", **env})
        assert done.returncode == 78 and says in done.stderr, (env, done.stderr)


def test_the_web_command_gunicorn_is_given_loads(tmp_path):
    """The web role's gunicorn configuration and application load (gunicorn checks them
    and exits)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(EIA_INSTANCE_PATH=str(tmp_path), SECRET_KEY="k" * 64, PATH=f"{BIN}:/usr/bin:/bin")
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'eia.db'}"
    command = run("web", env=READY).stdout.split()
    done = subprocess.run(
        [str(BIN / "gunicorn"), "--check-config", *command[1:]],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


# --- compose.yaml ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def _role(service) -> str:
    return (service.get("command") or ["web"])[0]


def test_compose_has_every_part_on_one_image(compose):
    services = compose["services"]
    assert set(services) == {"migrate", "web", "worker", "scheduler", "postgres", "redis"}
    roles = {
        name: _role(s) for name, s in services.items() if s.get("image") == "eia-engine:latest"
    }
    assert roles == {n: n for n in ("migrate", "web", "worker", "scheduler")}


def test_exactly_one_scheduler(compose):
    schedulers = [s for s in compose["services"].values() if s.get("command") == ["scheduler"]]
    assert len(schedulers) == 1
    assert schedulers[0]["deploy"]["replicas"] == 1


def test_migrations_run_once_before_web_and_worker(compose):
    services = compose["services"]
    assert services["migrate"]["restart"] == "no"
    for name in ("web", "worker", "scheduler"):
        waits = services[name]["depends_on"]["migrate"]["condition"]
        assert waits == "service_completed_successfully", name
        assert "migrate" not in services[name]["command"] and "upgrade" not in str(services[name])


def test_secrets_come_from_mounted_files(compose):
    env = compose["services"]["web"]["environment"]
    assert env["SECRET_KEY_FILE"] == "/run/secrets/secret_key" and "SECRET_KEY" not in env
    assert env["DATABASE_URL_FILE"] == "/run/secrets/database_url"
    assert set(compose["secrets"]) == {"secret_key", "database_url", "postgres_password"}
    assert compose["services"]["postgres"]["environment"]["POSTGRES_PASSWORD_FILE"]


# --- Dockerfile ----------------------------------------------------------------------------------


def _stages() -> dict[str, str]:
    text = (ROOT / "Dockerfile").read_text()
    parts = re.split(r"^FROM ", text, flags=re.M)[1:]
    return {p.split("\n", 1)[0].split(" AS ")[-1].strip(): p for p in parts}


def test_the_dockerfile_is_multi_stage_with_a_non_root_runtime():
    stages = _stages()
    assert list(stages) == ["assets", "build", "runtime"]
    assert "npm ci" in stages["assets"]
    runtime = stages["runtime"]
    users = re.findall(r"^USER (\S+)", runtime, flags=re.M)
    assert users == ["eia"]
    assert "COPY --from=build /opt/eia /opt/eia" in runtime
    assert "libpango-1.0-0" in runtime  # WeasyPrint
    for tool in ("gcc", "build-essential", "npm", "nodejs", "git", "-dev "):
        assert tool not in runtime, tool
    assert 'ENTRYPOINT ["/usr/bin/tini", "--", "/usr/local/bin/eia-entrypoint"]' in runtime
    assert "EIA_COMMIT=${EIA_COMMIT}" in runtime  # the commit, embedded at build time

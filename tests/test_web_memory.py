"""A web worker loads only what serving pages needs (issue 16: its memory). The heavy
libraries for PDFs, spreadsheets, the identity provider and the broker load where used."""

import json
import subprocess
import sys
from pathlib import Path

from argon2 import extract_parameters

from eia.passwords import hash_password, needs_rehash, unmatched_hash, verify_password

ROOT = Path(__file__).resolve().parent.parent

# Loaded by the first use of what needs them, never by starting the app and showing pages.
NOT_AT_START = [
    "weasyprint",
    "openpyxl",
    "docx",
    "authlib.integrations",
    "authlib.oauth2",
    "cryptography",
    "celery.app",
    "kombu",
    "redis",
    "holidays",
    "hypothesis",
    "pytest",
]

# In a process of its own (this one has imported everything): make the app, sign a person
# in, show the home page and the sign-in page, and list what got imported.
SCRIPT = """
import json, sys
from sqlmodel import Session
from eia import create_app
from eia.migrate import upgrade
from eia.models import User
from eia.web.auth import SESSION_GENERATION

app = create_app({"TESTING": True, "SECRET_KEY": "test",
                  "DATABASE_URL": "sqlite:///" + sys.argv[1]})
engine = app.extensions["eia_engine"]
upgrade(engine)
with Session(engine, expire_on_commit=False) as s:
    user = User(email="officer@example.gov.uk", name="An Officer", role="equality_officer")
    s.add(user)
    s.commit()
client = app.test_client()
statuses = [client.get("/sign-in").status_code]
with client.session_transaction() as flask_session:
    flask_session["_user_id"] = str(user.id)
    flask_session["_fresh"] = True
    flask_session[SESSION_GENERATION] = user.session_generation
statuses.append(client.get("/").status_code)
print(json.dumps({"statuses": statuses, "modules": sorted(sys.modules)}))
"""


def test_starting_the_app_and_showing_pages_loads_no_heavy_library(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "EIA_INSTANCE_PATH": str(tmp_path / "instance")}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "eia.db")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["statuses"] == [200, 200]
    loaded = [
        m
        for m in result["modules"]
        if any(m == heavy or m.startswith(heavy + ".") for heavy in NOT_AT_START)
    ]
    assert loaded == []


def test_the_unknown_email_hash_costs_what_a_real_one_costs_and_matches_nothing():
    """Signing in with an unknown email checks the password against it, so both cases take
    the same time; it is made without argon2's 64 MiB."""
    dummy, real = unmatched_hash(), hash_password("a password")
    assert extract_parameters(dummy) == extract_parameters(real)
    assert not needs_rehash(dummy)
    assert not verify_password(dummy, "a password") and not verify_password(dummy, "")
    assert unmatched_hash() != dummy


def test_passwords_hash_at_owasps_minimum_and_older_hashes_are_made_again_on_sign_in(
    client, person, db
):
    """argon2id, m=19 MiB, t=2, p=1 (README, "Memory"); a hash made with argon2-cffi's
    former default (64 MiB, t=3, p=4) still lets its person in, and is replaced."""
    from argon2 import PasswordHasher, Type

    from .support.people import PASSWORD

    made = extract_parameters(hash_password("a password"))
    assert (made.type, made.memory_cost, made.time_cost, made.parallelism) == (
        Type.ID,
        19 * 1024,
        2,
        1,
    )
    user = person()
    user.password_hash = PasswordHasher(memory_cost=65536, time_cost=3, parallelism=4).hash(
        PASSWORD
    )
    db.add(user)
    db.commit()
    assert needs_rehash(user.password_hash) and verify_password(user.password_hash, PASSWORD)
    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    db.refresh(user)
    assert extract_parameters(user.password_hash).memory_cost == 19 * 1024
    assert not needs_rehash(user.password_hash) and verify_password(user.password_hash, PASSWORD)


PEAK = """
import re, sys
from eia.passwords import hash_password, verify_password

def peak():
    return int(re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read())[1]) // 1024

before = peak()
assert verify_password(hash_password("a password"), "a password")
print(peak() - before)
"""


def test_checking_a_password_takes_about_19_mib_not_64():
    done = subprocess.run(
        [sys.executable, "-c", PEAK], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert 15 <= int(done.stdout.strip()) <= 24

"""Password hashing with argon2id at OWASP's recommended minimum: 19 MiB of memory, 2
iterations, 1 lane (OWASP Password Storage Cheat Sheet). That is a choice, written down in
README ("Memory"): argon2-cffi's default (RFC 9106's second recommendation, 64 MiB, 3
iterations, 4 lanes) costs an attacker more per guess, but each check took 64 MiB on top of
a ~95 MiB web worker, which was most of its peak. A hash made with other parameters still
verifies (they are read from the hash) and is made again with these at the next sign-in
(``needs_rehash``, eia/web/auth.py)."""

import base64
import os

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.low_level import ARGON2_VERSION

MEMORY_COST_KIB = 19 * 1024
TIME_COST = 2
PARALLELISM = 1
_hasher = PasswordHasher(time_cost=TIME_COST, memory_cost=MEMORY_COST_KIB, parallelism=PARALLELISM)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def unmatched_hash() -> str:
    """A hash in hash_password's form, with its parameters (so checking a password against it
    takes as long as against a real one), that no password matches: a random salt and digest.
    Made without hashing, which would take argon2's memory cost and its time: it is
    checked against when someone signs in with an unknown email, and made as a web worker
    starts."""

    def b64(raw: bytes) -> str:
        return base64.b64encode(raw).decode().rstrip("=")

    h = _hasher
    return (
        f"$argon2{h.type.name.lower()}$v={ARGON2_VERSION}$m={h.memory_cost},"
        f"t={h.time_cost},p={h.parallelism}${b64(os.urandom(h.salt_len))}$"
        f"{b64(os.urandom(h.hash_len))}"
    )

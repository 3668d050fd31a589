"""Canonical JSON and its Ed25519 signature, for ``eia-practice/1`` feeds.

**Canonical JSON** (what is signed): the feed without its ``signature`` member, written
with keys sorted, no spaces (separators ``,`` and ``:``), non-ASCII characters as they are
(UTF-8), no trailing newline; numbers as Python's ``json`` writes them (the standard has
whole numbers only, besides medians that are whole or end in ``.5``). This is RFC 8785
(JCS) for the values the standard allows.

**Signature**: ``signature`` = ``{"alg": "Ed25519", "key_id": ..., "value": base64 of the
64-byte Ed25519 signature of the canonical JSON's UTF-8 bytes}``. ``key_id`` is the first
16 hex digits of the SHA-256 of the raw 32-byte public key.

**The public key** is published beside the feed as JSON
(``{"kty": "OKP", "crv": "Ed25519", "x": base64url raw key, "kid": key_id}``, the JWK form).

**This council's signing key**: ``EIA_PRACTICE_SIGNING_KEY`` (base64 of the 32-byte raw
private key) or ``EIA_PRACTICE_SIGNING_KEY_FILE`` (a file holding it) if set; otherwise one
is generated the first time a feed is published and kept in the database
(``app_setting``), so every web process signs with the same key. Whichever process
generates it first wins; the others read it back.
"""

import base64
import hashlib
import json
import os

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

KEY_SETTING = "practice_signing_key"
ALG = "Ed25519"


class BadSignature(ValueError):
    """The feed is unsigned, or its signature does not match its content and key."""


def canonical(feed: dict) -> bytes:
    body = {k: v for k, v in feed.items() if k != "signature"}
    return json.dumps(
        body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_id(public: Ed25519PublicKey) -> str:
    return hashlib.sha256(_raw_public(public)).hexdigest()[:16]


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def public_jwk(public: Ed25519PublicKey) -> dict:
    return {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": _b64url(_raw_public(public)),
        "kid": key_id(public),
    }


def public_from_jwk(jwk) -> Ed25519PublicKey:
    """The key from its published JSON (or a bare base64/base64url string of the raw key)."""
    raw = jwk.get("x") if isinstance(jwk, dict) else jwk
    if not isinstance(raw, str):
        raise BadSignature("The public key is not an Ed25519 key in the standard's form.")
    try:
        data = base64.urlsafe_b64decode(raw.strip().replace("+", "-").replace("/", "_") + "==")
        return Ed25519PublicKey.from_public_bytes(data)
    except ValueError as error:
        raise BadSignature("The public key is not a valid Ed25519 key.") from error


def sign(feed: dict, private: Ed25519PrivateKey) -> dict:
    public = private.public_key()
    signature = private.sign(canonical(feed))
    return {
        **{k: v for k, v in feed.items() if k != "signature"},
        "signature": {
            "alg": ALG,
            "key_id": key_id(public),
            "value": base64.b64encode(signature).decode(),
        },
    }


def verify(feed: dict, public: Ed25519PublicKey) -> None:
    """Raises ``BadSignature`` unless ``feed`` carries a valid signature by ``public``."""
    sig = feed.get("signature") if isinstance(feed, dict) else None
    if not isinstance(sig, dict) or not isinstance(sig.get("value"), str):
        raise BadSignature("The feed is not signed.")
    if sig.get("alg") != ALG:
        raise BadSignature(f"The feed is signed with {sig.get('alg')!r}, not Ed25519.")
    try:
        public.verify(base64.b64decode(sig["value"], validate=True), canonical(feed))
    except (InvalidSignature, ValueError) as error:
        raise BadSignature(
            "The signature does not match: the feed was changed after it was signed, or "
            "signed with another key."
        ) from error


def private_from_text(text: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(text.strip()))


def private_to_text(private: Ed25519PrivateKey) -> str:
    raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return base64.b64encode(raw).decode()


def new_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def council_key(session: Session) -> Ed25519PrivateKey:
    """This council's signing key: from the environment, else kept in the database (made
    once, the first process to store it wins)."""
    from eia.models import AppSetting

    text = os.environ.get("EIA_PRACTICE_SIGNING_KEY")
    path = os.environ.get("EIA_PRACTICE_SIGNING_KEY_FILE")
    if not text and path:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    if text:
        return private_from_text(text)
    row = session.get(AppSetting, KEY_SETTING)
    if row is None:
        try:
            with session.begin_nested():
                session.add(AppSetting(key=KEY_SETTING, value=private_to_text(new_key())))
            session.commit()
        except IntegrityError:
            session.rollback()
        row = session.get(AppSetting, KEY_SETTING)
    return private_from_text(row.value)

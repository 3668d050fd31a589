"""Slowing down password guessing without letting anyone lock someone else out.

Failures are counted over the last LOGIN_LOCKOUT_MINUTES per email typed (known or not)
and per *place*: the browser, when it carries the mark of an earlier sign-in as that same
person (a signed cookie, ``eia_device``, set at every successful sign-in), otherwise the
address the attempt came from. Three limits:

1. LOGIN_MAX_FAILURES failures for one account from one place: that place is paused for
   that account. The person signing in from anywhere else (home, or their own browser at a
   shared council address) is not.
2. LOGIN_SOURCE_MAX_FAILURES failures from one address, across all accounts: the address is
   paused (one place trying many accounts). Marked browsers are not.
3. LOGIN_ACCOUNT_SLOWDOWN_AFTER failures for one account from everywhere: attempts for it
   from unmarked browsers must then be spaced out, 2, 4, 8... seconds after the last
   failure, up to LOGIN_ACCOUNT_MAX_DELAY_SECONDS. This only slows guessing down: it never
   locks the account, and never slows the person's own browser.

Every check is made before any password is, the same way whether the email is known or
not, so an unknown email and a wrong password look and take the same.
"""

import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, request
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlmodel import Session

from eia.models import LoginAttempt, User, as_utc, utcnow
from eia.queries.sign_in import failed_attempts

DEVICE_COOKIE = "eia_device"
DEVICE_DAYS = 180  # a browser not used to sign in for this long is a stranger again
_SALT = "eia-sign-in-device"


@dataclass(frozen=True)
class Refusal:
    message: str


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=_SALT)


def device_for(user: User | None) -> str | None:
    """The browser's mark, if it has one from an earlier sign-in as ``user``."""
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return None
    try:
        mark = _serializer().loads(raw, max_age=DEVICE_DAYS * 86400)
    except BadData:
        return None
    if not isinstance(mark, dict) or user is None or mark.get("u") != user.id:
        return None
    device = mark.get("d")
    return device if isinstance(device, str) and 0 < len(device) <= 64 else None


def mark_browser(response, user: User, device: str | None) -> None:
    """After a successful sign-in: the browser is now a known place for this person."""
    value = _serializer().dumps({"u": user.id, "d": device or secrets.token_urlsafe(16)})
    response.set_cookie(
        DEVICE_COOKIE,
        value,
        max_age=DEVICE_DAYS * 86400,
        httponly=True,
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        samesite="Lax",
    )


def refusal(
    db: Session, email: str, address: str, device: str | None, now: datetime | None = None
) -> Refusal | None:
    """Why this attempt is refused before its password is even checked, if it is."""
    config = current_app.config
    now = now or utcnow()
    minutes = config["LOGIN_LOCKOUT_MINUTES"]
    since = now - timedelta(minutes=minutes)
    paused = Refusal(
        f"There have been too many attempts to sign in. Wait {minutes} minutes "
        "and try again, or ask your system administrator to reset your password."
    )
    if device is not None:
        place = (LoginAttempt.device == device,)
    else:
        place = (LoginAttempt.ip_address == address, LoginAttempt.device.is_(None))
    if (
        failed_attempts(db, since, LoginAttempt.email == email, *place)[0]
        >= config["LOGIN_MAX_FAILURES"]
    ):
        return paused
    if device is not None:
        return None
    if failed_attempts(db, since, *place)[0] >= config["LOGIN_SOURCE_MAX_FAILURES"]:
        return paused
    count, last = failed_attempts(db, since, LoginAttempt.email == email)
    over = count - config["LOGIN_ACCOUNT_SLOWDOWN_AFTER"]
    if over >= 0 and last is not None:
        delay = min(config["LOGIN_ACCOUNT_MAX_DELAY_SECONDS"], 2 ** min(over + 1, 20))
        wait = delay - (now - as_utc(last)).total_seconds()
        if wait > 0:
            seconds = math.ceil(wait)
            return Refusal(
                "There have been many attempts to sign in with this email "
                f"address. Wait {seconds} second{'' if seconds == 1 else 's'} "
                "and try again."
            )
    return None


def record(db: Session, email: str, address: str, device: str | None, succeeded: bool) -> None:
    db.add(LoginAttempt(email=email, ip_address=address, device=device, succeeded=succeeded))
    db.commit()

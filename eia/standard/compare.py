"""Reading another council's ``eia-practice/1`` feed: fetched from the address an
administrator typed, or uploaded; checked before anything is kept.

**Fetching** goes only to the address given (http or https): no redirect is followed (a
feed that has moved is an error naming where it went, for a person to check and type), the
connection and each read time out (``TIMEOUT``), and a response over ``MAX_BYTES`` is
refused. The public key, when not given, is fetched from beside the feed: the same address
with ``.json`` replaced by ``.pub`` (``key_url``). It is trusted the first time (trust on
first use) and kept: every later feed must be signed by that key, so a feed re-signed by
someone else is refused.

**Checking** (``check``), in order: JSON; the schema; the signature; not from the future
(published after now, beyond ``CLOCK_SKEW``, or with a year starting after today).
``FeedProblem`` says, in words, what is wrong and what to do.
"""

import json
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

import requests

from . import signing
from .schema import problems
from .signing import BadSignature

TIMEOUT = (3, 5)  # seconds: to connect, and between bytes
MAX_BYTES = 2_000_000
CLOCK_SKEW = timedelta(hours=1)


class FeedProblem(ValueError):
    """What is wrong with a feed (or fetching it), in words for the page."""


def check_address(url: str) -> str:
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FeedProblem("Enter the feed's full address, starting https:// (or http://)")
    return url


def key_url(feed_url: str) -> str:
    parts = urlsplit(feed_url)
    path = parts.path[: -len(".json")] if parts.path.endswith(".json") else parts.path
    return parts._replace(path=path + ".pub", query="", fragment="").geturl()


def fetch(url: str) -> bytes:
    """The body at ``url``: no redirects, timeouts, a size cap."""
    url = check_address(url)
    try:
        with requests.get(url, timeout=TIMEOUT, allow_redirects=False, stream=True) as r:
            if r.is_redirect or 300 <= r.status_code < 400:
                where = r.headers.get("Location", "another address")
                raise FeedProblem(
                    f"{url} redirects to {where[:200]}: redirects are not followed. If that is "
                    "the council's feed, add it by that address."
                )
            if r.status_code != 200:
                raise FeedProblem(f"{url} answered {r.status_code}, not the feed.")
            body = b""
            for chunk in r.iter_content(65536):
                body += chunk
                if len(body) > MAX_BYTES:
                    raise FeedProblem(
                        f"{url} sent more than {MAX_BYTES // 1_000_000} MB: too big for a feed."
                    )
            return body
    except requests.RequestException as error:
        raise FeedProblem(
            f"Could not reach {url} ({type(error).__name__}). Check the address, or try again "
            "later."
        ) from error


def parse(body: bytes, what: str = "The feed"):
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise FeedProblem(f"{what} is not JSON: check the address or the file.") from error


def public_key_text(raw) -> str:
    """The key, given as the published JSON or as its bare base64 text, checked and as
    base64url text to keep."""
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", "replace")
    if isinstance(raw, str) and raw.strip().startswith("{"):
        try:
            raw = json.loads(raw)
        except ValueError as error:
            raise FeedProblem("The public key is not valid JSON.") from error
    try:
        key = signing.public_from_jwk(raw)
    except BadSignature as error:
        raise FeedProblem(str(error)) from error
    return signing.public_jwk(key)["x"]


def check(feed, public_key: str, now: datetime | None = None) -> dict:
    """``feed`` (parsed) if it follows the standard, is signed by ``public_key`` and is not
    from the future; else ``FeedProblem``."""
    now = now or datetime.now(UTC)
    found = problems(feed)
    if found:
        raise FeedProblem("The feed does not follow eia-practice/1: " + "; ".join(found))
    try:
        signing.verify(feed, signing.public_from_jwk(public_key))
    except BadSignature as error:
        raise FeedProblem(f"The feed's signature was refused: {error}") from error
    published = published_at(feed)
    if published > now + CLOCK_SKEW:
        raise FeedProblem(
            f"The feed says it was published on {published:%d %B %Y at %H:%M} UTC, in the "
            "future: check the council's clock. The last good copy is kept."
        )
    today = now.date()
    for year in feed["years"]:
        if date.fromisoformat(year["first_day"]) > today:
            raise FeedProblem(
                f"The feed has figures for {year['year']}, a year that has not started: it is "
                "from the future. The last good copy is kept."
            )
    return feed


def published_at(feed: dict) -> datetime:
    return datetime.strptime(feed["published_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)

"""A limit on anonymous requests for the heavy public routes (the public PDF and the
register's CSV and XLSX downloads): ``PUBLIC_DOWNLOAD_LIMIT`` requests per address in each
window of ``PUBLIC_DOWNLOAD_WINDOW_SECONDS`` (0 turns the limit off). Past it the answer is
429 with a ``Retry-After`` header giving the seconds until the window ends, and the GOV.UK
page "Too many requests" saying the same in words.

The counts are kept in the database (``rate_limit_count``: one row per bucket and window,
added to with one atomic INSERT ... ON CONFLICT DO UPDATE ... RETURNING on SQLite and
PostgreSQL alike), so every web worker and container counts the same requests, as sign-in
attempts are counted in ``login_attempt``. Rows of windows that have ended are deleted when a
new window starts. Signed-in staff are not limited. Behind a proxy, set ``TRUST_PROXY`` so
the address is the client's, not the proxy's.
"""

import math
from datetime import UTC, datetime, timedelta
from functools import wraps

import sqlalchemy as sa
from flask import current_app, request
from flask_login import current_user
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session
from werkzeug.exceptions import TooManyRequests

from eia.db import get_session
from eia.models import RateLimitCount, utcnow

_TABLE = RateLimitCount.__table__


def window_start(now: datetime, seconds: int) -> datetime:
    epoch = math.floor(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, UTC)


def count_request(
    session: Session, bucket: str, limit: int, seconds: int, now: datetime | None = None
) -> int | None:
    """Count one request in ``bucket``'s current window and commit. None when it is within
    the limit, otherwise the whole seconds until the window ends (at least 1)."""
    now = now or utcnow()
    start = window_start(now, seconds)
    dialect = session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(_TABLE)
    hits = session.execute(
        insert.values(bucket=bucket, window_start=start, hits=1)
        .on_conflict_do_update(
            index_elements=["bucket", "window_start"], set_={"hits": _TABLE.c.hits + 1}
        )
        .returning(_TABLE.c.hits)
    ).scalar_one()
    if hits == 1:  # a new window: forget the ones that have ended
        session.execute(sa.delete(_TABLE).where(_TABLE.c.window_start < start))
    session.commit()
    if hits <= limit:
        return None
    return max(1, math.ceil((start + timedelta(seconds=seconds) - now).total_seconds()))


def limit_anonymous(bucket: str):
    """Decorate a view: anonymous requests count against ``bucket`` for their address."""

    def decorate(view):
        @wraps(view)
        def limited(*args, **kwargs):
            limit = current_app.config["PUBLIC_DOWNLOAD_LIMIT"]
            if limit > 0 and not current_user.is_authenticated:
                wait = count_request(
                    get_session(),
                    f"{bucket}|{request.remote_addr or ''}",
                    limit,
                    current_app.config["PUBLIC_DOWNLOAD_WINDOW_SECONDS"],
                )
                if wait is not None:
                    raise TooManyRequests(retry_after=wait)
            return view(*args, **kwargs)

        return limited

    return decorate

"""The web's side of loading an EIA: what a loader of eia/queries found, or 404 when it
found nothing, 403 when the signed-in person may not see it."""

from collections.abc import Callable

from flask import abort
from flask_login import current_user

from eia.capabilities import can_view
from eia.db import get_session
from eia.models import Eia

from .auth import forbid_unless


def load_viewable(loader: Callable, *key, eia_of: Callable = lambda row: row):
    """``loader(session, *key)`` (eia/queries/eias.py): 404 if it finds nothing, 403 if the
    signed-in person may not view the EIA it is (or, through ``eia_of``, belongs to)."""
    row = loader(get_session(), *key)
    if row is None:
        abort(404)
    eia: Eia = eia_of(row)
    forbid_unless(can_view(current_user, eia))
    return row

"""the audit trail hashes a person's stable id, not their name or email (canonical form 2)

Every record is checked in canonical form 1 first (a broken trail is never re-chained: the
upgrade stops and says so), then hashed again in form 2, and one more record is appended:
"audit_rechained", holding the old chain's head (position and hash) and an HMAC, made with the
installation's SECRET_KEY, over that head, the new hash of the same record and the time.
``eia audit verify`` checks it. The downgrade removes that record and hashes every record in
form 1 again.

``app_user.last_sign_in_at``: when the person last signed in, for the retention schedule's
inactive accounts (eia/retention.py).

Revision ID: 0021
Revises: 0020
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import context, op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _secret_key() -> str:
    key = context.config.attributes.get("secret_key")
    if key:
        return key
    from eia.config import load_config
    from eia.paths import instance_path

    return load_config(str(instance_path()))["SECRET_KEY"]


def upgrade() -> None:
    from eia import audit

    with op.batch_alter_table("app_user") as batch:
        batch.add_column(
            sa.Column("last_sign_in_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
    connection = op.get_bind()
    if audit.count_rows(connection):
        audit.rechain(connection, _secret_key())


def downgrade() -> None:
    from eia import audit

    audit.unchain(op.get_bind())
    # Not a batch: on SQLite that copies app_user and drops the original, which every table
    # referring to a person forbids while foreign keys are enforced (as in 0010).
    op.drop_column("app_user", "last_sign_in_at")

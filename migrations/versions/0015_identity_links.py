"""signing in through the council's identity provider (OpenID Connect)

``identity_link``: a provider's account (issuer and stable subject: Entra's ``oid``, else
``sub``) is this person; once linked, never matched by email alone.
``claim_mapping``: Entra app roles and group ids to a role, service or directorate
(edited by administrators in the browser, audited).
``app_setting``: settings administrators change in the browser (password sign-in on or off,
linking existing accounts by email), audited.
``sign_in_code``: one-time break-glass codes issued on the command line.

Revision ID: 0015
Revises: 0014
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "identity_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("issuer", sa.String(length=500), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("created_at", UTC_DATETIME(), nullable=False),
        sa.Column("last_sign_in_at", UTC_DATETIME(), nullable=True),
        sa.Column("last_id_token", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("issuer", "subject"),
    )
    op.create_index("ix_identity_link_user_id", "identity_link", ["user_id"], unique=False)
    op.create_table(
        "claim_mapping",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=True),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("directorate_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["directorate_id"], ["directorate.id"]),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "value"),
    )
    op.create_index("ix_claim_mapping_service_id", "claim_mapping", ["service_id"], unique=False)
    op.create_index(
        "ix_claim_mapping_directorate_id", "claim_mapping", ["directorate_id"], unique=False
    )
    op.create_table(
        "app_setting",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "sign_in_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=255), nullable=False),
        sa.Column("created_at", UTC_DATETIME(), nullable=False),
        sa.Column("expires_at", UTC_DATETIME(), nullable=False),
        sa.Column("used_at", UTC_DATETIME(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sign_in_code_user_id", "sign_in_code", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_sign_in_code_user_id", table_name="sign_in_code")
    op.drop_table("sign_in_code")
    op.drop_table("app_setting")
    op.drop_index("ix_claim_mapping_directorate_id", table_name="claim_mapping")
    op.drop_index("ix_claim_mapping_service_id", table_name="claim_mapping")
    op.drop_table("claim_mapping")
    op.drop_index("ix_identity_link_user_id", table_name="identity_link")
    op.drop_table("identity_link")

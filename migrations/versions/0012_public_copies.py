"""public copies of approved versions kept (PDF built once), and rate-limit counts

``public_copy``: for each EIA ever approved, what the public register lists, searches and
sorts by, taken from the frozen copy of its last approved version (title, decision date,
outcome, review date; whether that version was publishable and not confidential), so an EIA
under revision stays on the register as it was approved and never shows the draft.
``public_pdf``: the public PDF of that version, built once and kept (keyed by EIA and
version, with the SHA-256 of the HTML it was built from). ``rate_limit_count``: requests
counted per bucket and window for the limit on anonymous downloads.

EIAs already approved get their public copy here, from their last approved frozen version
(falling back to the live row for a field the frozen copy lacks), written out here so the
migration does not change when the application does.

Revision ID: 0012
Revises: 0010
"""

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0012"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "public_copy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("eia_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("decision_date", sa.Date(), nullable=True),
        sa.Column("review_date", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(length=2), nullable=True),
        sa.Column("publishable", sa.Boolean(), nullable=False),
        sa.Column("confidential", sa.Boolean(), nullable=False),
        sa.Column("approved_at", UTC_DATETIME(), nullable=False),
        sa.ForeignKeyConstraint(["eia_id"], ["eia.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("eia_id"),
    )
    op.create_index("ix_public_copy_decision_date", "public_copy", ["decision_date"], unique=False)
    op.create_table(
        "public_pdf",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("eia_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content_key", sa.String(length=64), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("built_at", UTC_DATETIME(), nullable=False),
        sa.ForeignKeyConstraint(["eia_id"], ["eia.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("eia_id", "version"),
    )
    op.create_table(
        "rate_limit_count",
        sa.Column("bucket", sa.String(length=200), nullable=False),
        sa.Column("window_start", UTC_DATETIME(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("bucket", "window_start"),
    )
    op.create_index(
        "ix_rate_limit_count_window_start", "rate_limit_count", ["window_start"], unique=False
    )
    _copy_approved_versions()


def _copy_approved_versions() -> None:
    eia = sa.table(
        "eia",
        sa.column("id", sa.Integer),
        sa.column("version", sa.Integer),
        sa.column("title", sa.String),
        sa.column("decision_date", sa.Date),
        sa.column("review_date", sa.Date),
        sa.column("outcome", sa.String),
        sa.column("publishable", sa.Boolean),
        sa.column("confidential", sa.Boolean),
    )
    version = sa.table(
        "eia_version",
        sa.column("eia_id", sa.Integer),
        sa.column("version", sa.Integer),
        sa.column("status", sa.String),
        sa.column("snapshot", sa.JSON),
        sa.column("frozen_at", UTC_DATETIME),
    )
    copy = sa.table(
        "public_copy",
        *(
            sa.column(name)
            for name in (
                "eia_id",
                "version",
                "title",
                "decision_date",
                "review_date",
                "outcome",
                "publishable",
                "confidential",
                "approved_at",
            )
        ),
    )
    latest = (
        sa.select(version.c.eia_id, sa.func.max(version.c.version).label("version"))
        .where(version.c.status == "approved")
        .group_by(version.c.eia_id)
        .subquery()
    )
    frozen = version.c.snapshot
    fields = ("title", "decision_date", "review_date", "outcome", "publishable", "confidential")
    query = (
        sa.select(
            version.c.eia_id,
            version.c.version,
            version.c.frozen_at,
            eia.c.version,
            *(
                frozen[name].as_boolean()
                if name in ("publishable", "confidential")
                else frozen[name].as_string()
                for name in fields
            ),
            *(eia.c[name] for name in fields),
        )
        .join(
            latest,
            sa.and_(latest.c.eia_id == version.c.eia_id, latest.c.version == version.c.version),
        )
        .join(eia, eia.c.id == version.c.eia_id)
        .where(version.c.status == "approved")
    )

    bind = op.get_bind()
    batch = []
    for eia_id, number, frozen_at, current, *values in bind.execute(query):
        kept, live = (
            dict(zip(fields, values[:6], strict=False)),
            dict(zip(fields, values[6:], strict=False)),
        )
        for name in ("decision_date", "review_date"):
            kept[name] = date.fromisoformat(kept[name]) if kept[name] else None
        if current == number:
            # Not being revised: the live row is the approved version, so it can stand in
            # for a field an old frozen copy does not hold (never a later draft's).
            kept = {name: live[name] if kept[name] is None else kept[name] for name in fields}
        batch.append(
            {
                "eia_id": eia_id,
                "version": number,
                "approved_at": frozen_at,
                "title": (kept["title"] or "")[:300],
                "decision_date": kept["decision_date"],
                "review_date": kept["review_date"],
                "outcome": kept["outcome"],
                "publishable": bool(kept["publishable"]),
                "confidential": bool(kept["confidential"]),
            }
        )
        if len(batch) >= 1000:
            bind.execute(copy.insert(), batch)
            batch = []
    if batch:
        bind.execute(copy.insert(), batch)


def downgrade() -> None:
    op.drop_index("ix_rate_limit_count_window_start", table_name="rate_limit_count")
    op.drop_table("rate_limit_count")
    op.drop_table("public_pdf")
    op.drop_index("ix_public_copy_decision_date", table_name="public_copy")
    op.drop_table("public_copy")

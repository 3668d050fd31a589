"""The ten default characteristics: the nine protected by the Equality Act 2010 (s4) and
socio-economic status (s1, applied voluntarily in England). Councils add local ones.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_characteristic = sa.table(
    "characteristic",
    sa.column("key", sa.String),
    sa.column("name", sa.String),
    sa.column("kind", sa.String),
    sa.column("position", sa.Integer),
    sa.column("active", sa.Boolean),
    sa.column("guidance", sa.Text),
    sa.column("borough_profile", sa.Text),
)

DEFAULTS = [
    (
        "age",
        "Age",
        "protected",
        "Think about children, young people, working-age adults and older people separately. "
        "Good answers use the age profile of service users against the borough's, and say which "
        "age groups gain or lose.",
    ),
    (
        "disability",
        "Disability",
        "protected",
        "Include physical, sensory, learning and mental health conditions and neurodiversity. "
        "Good answers consider access (physical, digital, information formats) and reasonable "
        "adjustments, not only numbers.",
    ),
    (
        "gender_reassignment",
        "Gender reassignment",
        "protected",
        "Consider trans and non-binary residents and staff. Data is often missing: say so, and "
        "say how you will find out (for example through community organisations).",
    ),
    (
        "marriage_civil_partnership",
        "Marriage and civil partnership",
        "protected",
        "Mostly relevant to employment decisions. Say whether the proposal treats married people "
        "or civil partners differently.",
    ),
    (
        "pregnancy_maternity",
        "Pregnancy and maternity",
        "protected",
        "Consider pregnant people, new parents and those on maternity leave: access, timing of "
        "appointments, breastfeeding facilities, changes while on leave.",
    ),
    (
        "race",
        "Race",
        "protected",
        "Include ethnicity, nationality and language. Good answers break data down by ethnic "
        "group rather than 'BAME', and look for differences in outcomes, not only in access.",
    ),
    (
        "religion_belief",
        "Religion or belief",
        "protected",
        "Include no religion. Consider timing (holy days, prayer times), dietary needs and how "
        "services are delivered in faith settings.",
    ),
    (
        "sex",
        "Sex",
        "protected",
        "Look at women and men separately, including caring responsibilities, safety and "
        "patterns of use. Say where data is not split by sex.",
    ),
    (
        "sexual_orientation",
        "Sexual orientation",
        "protected",
        "Consider lesbian, gay, bisexual residents and staff. Say how you know: monitoring data, "
        "surveys, or an evidence gap to close.",
    ),
    (
        "socio_economic",
        "Socio-economic status",
        "socio_economic",
        "Islington treats socio-economic disadvantage as a characteristic: low income, "
        "deprivation, unemployment, housing need, care leavers. Use ward-level deprivation and "
        "benefit data where you can.",
    ),
]


def upgrade() -> None:
    op.bulk_insert(
        _characteristic,
        [
            {
                "key": key,
                "name": name,
                "kind": kind,
                "position": (i + 1) * 10,
                "active": True,
                "guidance": guidance,
                "borough_profile": "",
            }
            for i, (key, name, kind, guidance) in enumerate(DEFAULTS)
        ],
    )


def downgrade() -> None:
    op.execute(_characteristic.delete().where(_characteristic.c.key.in_([d[0] for d in DEFAULTS])))

"""The dashboard's cube: its figures pre-aggregated, kept on each write.

One row (a *cell*) per combination of the dimensions the dashboard's filters use and the
figure it counts towards, holding how many EIAs (or decisions, actions, impacts, spells)
fall in it. ``eia.reporting.cube`` keeps it in the same flush as the rows it summarises and
rebuilds it from them; the dashboard sums cells instead of reading the base tables.

Two grains: a cell of one service (``service_id`` its id) counts the EIAs of that service
with one decision date and kind of proposal, for a filtered dashboard; a cell of
``service_id`` ``ALL`` (0) sums them over every service, kind of proposal and date (a
decision's cell keeps its directorate, and its quarter, or its day while it is open), for
the dashboard with no filter: a few thousand cells, however many EIAs.

No column is NULL (a unique index has to see two "nothing"s as equal): no proposal type is
"", no date is ``NO_DAY`` (1 January of year 1), no characteristic is 0.
"""

from datetime import date

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

NO_DAY = date(1, 1, 1)
ALL = 0  # the service_id of the cells summed over every EIA

# The columns that say which cell a row is (the rest is its count).
CELL_KEY = (
    "service_id",
    "kind",
    "directorate_id",
    "proposal_type",
    "decided_on",
    "state",
    "item",
    "characteristic_id",
    "on_day",
    "days",
)


class DashboardCell(SQLModel, table=True):
    __tablename__ = "dashboard_cell"
    __table_args__ = (
        sa.Index("ux_dashboard_cell_key", *CELL_KEY, unique=True),
        # What the filters narrow by (a service: the key's first column).
        sa.Index("ix_dashboard_cell_directorate", "directorate_id"),
        sa.Index("ix_dashboard_cell_decided_on", "decided_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # Which figure the cell counts towards: eia, screening, flag, review, action, action_eia,
    # decision, spell, gap, negative (eia.reporting.cube).
    kind: str = Field(sa_type=sa.String(16))
    # The filters' dimensions: the EIA's directorate, service, kind of proposal and decision
    # date (for a decision: its own date).
    directorate_id: int
    service_id: int
    proposal_type: str = Field(sa_type=sa.String(32))
    decided_on: date
    # What the figure groups by: the EIA's state; an outcome, flag, completion part, stage
    # or band; a characteristic; a day (review date, action due date); whole days in a stage.
    state: str = Field(sa_type=sa.String(32))
    item: str = Field(sa_type=sa.String(32))
    characteristic_id: int
    on_day: date
    days: int
    n: int

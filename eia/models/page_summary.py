"""What the task list, the sign-off page and the approver's inbox show about an EIA's rows,
kept in one small row per EIA so those pages need not load the whole assessment.

``eia.reporting.page_summaries`` writes it in the same transaction as each change and its
audit record (``eia.operations``), and works every row out again from the EIAs themselves
and their audit trail (``eia db rebuild-summaries``); a test checks that the two agree.

- ``problems``: what each check on the EIA's rows (workflows.guards: screening, evidence,
  impacts, intersectional impacts, actions) says is missing, by check;
- ``facts``: which sections have content, whether screening calls for a full assessment;
- ``worked_on``: the people who worked on the EIA's current version (``version``), who may
  not decide on it (workflows.segregation);
- ``basis``: the characteristics the problems were worked out against (their names and
  whether they are in use): a page that finds them changed since works the row out afresh.
"""

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class EiaPageSummary(SQLModel, table=True):
    __tablename__ = "eia_page_summary"

    eia_id: int = Field(foreign_key="eia.id", primary_key=True)
    version: int = Field(default=1)
    problems: dict = Field(default_factory=dict, sa_type=sa.JSON)
    facts: dict = Field(default_factory=dict, sa_type=sa.JSON)
    worked_on: list[int] = Field(default_factory=list, sa_type=sa.JSON)
    basis: str = Field(default="", sa_type=sa.String(64))

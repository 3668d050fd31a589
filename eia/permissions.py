"""Who may see which EIAs (the domain's roles). Changing EIAs is decided by the lifecycle
table's actor rules (workflows.guards) and eia.operations.edit_refusals."""

import sqlalchemy as sa

from eia.models import ActionItem, Eia, User
from eia.models.enums import Role

READ_EVERYTHING = (Role.equality_officer, Role.admin)


def can_view(user: User | None, eia: Eia) -> bool:
    if user is None or not user.active:
        return False
    if user.role in READ_EVERYTHING or eia.owner_id == user.id:
        return True
    if user.service_id is not None and eia.service_id == user.service_id:
        return True
    if user.role == Role.approver and eia.directorate_id == user.effective_directorate_id:
        return True
    return any(a.owner_id == user.id for a in eia.actions)


def can_comment(user: User | None, eia: Eia) -> bool:
    """The EIA's team, its directorate's approvers and the Policy and Equality Unit."""
    from workflows.guards import ACTOR_RULES, GuardContext

    ctx = GuardContext(eia=eia, actor=user)
    return any(ACTOR_RULES[r][0](ctx)
               for r in ("eia_team", "directorate_approver", "equality_officer"))


def visible_clause(user: User):
    """The same rule as ``can_view``, as a WHERE clause for lists."""
    if user.role in READ_EVERYTHING:
        return sa.true()
    clauses = [Eia.owner_id == user.id,
               Eia.id.in_(sa.select(ActionItem.eia_id).where(ActionItem.owner_id == user.id))]
    if user.service_id is not None:
        clauses.append(Eia.service_id == user.service_id)
    if user.role == Role.approver and user.effective_directorate_id is not None:
        clauses.append(Eia.directorate_id == user.effective_directorate_id)
    return sa.or_(*clauses)

"""Who may do what: the one place that answers every "may this person…" question, for the
pages, the navigation, the command line and the operations alike.

- What each role may do is the table ``ROLES`` (one record a role: its capabilities, the
  words that describe it, and the team it needs); ``may(user, capability)`` reads it.
- Seeing an EIA (``can_view``, ``visible_clause``) is about the person's team and role.
- Commenting and deciding on an EIA are the lifecycle's rules: the actor rules of
  ``workflows.guards`` and the segregation of duties of ``workflows.segregation``, asked
  here, never decided again.
- The rules for people (the roles that can be given, the team each needs, passwords) are
  here too, for the administration pages and the ``eia users`` commands.
"""

from dataclasses import dataclass
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Session, select

from eia.models import ActionItem, Eia, User
from eia.models.enums import Role


class Capability(StrEnum):
    start_eias = "start_eias"  # start an EIA (and have "My EIAs")
    sign_off = "sign_off"  # the sign-off inbox and page (deciding is the lifecycle's)
    read_everything = "read_everything"  # every EIA, whoever's
    dashboard = "dashboard"  # the Policy and Equality Unit's dashboard
    benchmark = "benchmark"  # the pan-London practice comparison: add councils' feeds
    audit = "audit"  # the audit trail page
    manage = "manage"  # the "Manage" pages: characteristics and guidance
    administer = "administer"  # people, the council's structure, failed emails, everyone's
    # mail, the break-glass sign-in, assigning approvers
    equality_unit = "equality_unit"  # the Policy and Equality Unit's part in the lifecycle:
    # comment on any EIA, start its review, hear of sign-offs that are late


@dataclass(frozen=True)
class RoleRules:
    """A role: what it may do, how the administration pages describe it, and the team it
    needs (an officer works for a service; an approver signs off a directorate: theirs, or
    their service's)."""

    role: Role
    capabilities: frozenset
    hint: str
    needs_service: bool = False
    needs_directorate: bool = False


ROLES = (
    RoleRules(
        Role.officer,
        frozenset({Capability.start_eias}),
        "Writes EIAs for their service and sees their team's.",
        needs_service=True,
    ),
    RoleRules(
        Role.approver,
        frozenset({Capability.start_eias, Capability.sign_off}),
        "Head of service or director: signs off the EIAs of their directorate.",
        needs_directorate=True,
    ),
    RoleRules(
        Role.equality_officer,
        frozenset(
            {
                Capability.read_everything,
                Capability.dashboard,
                Capability.benchmark,
                Capability.audit,
                Capability.manage,
                Capability.equality_unit,
            }
        ),
        "Reads every EIA, comments on quality, sees the dashboard and manages "
        "characteristics and guidance.",
    ),
    RoleRules(
        Role.admin,
        frozenset(
            {
                Capability.read_everything,
                Capability.dashboard,
                Capability.benchmark,
                Capability.audit,
                Capability.manage,
                Capability.administer,
            }
        ),
        "Manages people, directorates, services, characteristics and guidance.",
    ),
)
_RULES = {r.role: r for r in ROLES}

# The roles an administrator (or the command line) can give a person, in this order.
ASSIGNABLE_ROLES = tuple(r.role for r in ROLES)
ROLE_HINTS = {r.role: r.hint for r in ROLES}

PASSWORD_MIN = 12
PASSWORD_MAX = 200


def role_may(role, capability: Capability) -> bool:
    rules = _RULES.get(role)
    return rules is not None and capability in rules.capabilities


def may(user, capability: Capability) -> bool:
    """Whether the (signed-in) person's role gives them ``capability``."""
    if user is None or not getattr(user, "is_authenticated", True):
        return False
    return role_may(getattr(user, "role", None), capability)


def roles_with(capability: Capability) -> tuple[Role, ...]:
    return tuple(r.role for r in ROLES if capability in r.capabilities)


def holders_clause(capability: Capability):
    """People whose role gives ``capability``, as a WHERE clause on ``User``."""
    return User.role.in_(roles_with(capability))


def administrators(session: Session) -> list[User]:
    """The active administrators, by name (who can assign an approver, or help)."""
    return list(
        session.exec(
            select(User)
            .where(holders_clause(Capability.administer), User.active.is_(True))
            .order_by(User.name)
        ).all()
    )


# --- EIAs -----------------------------------------------------------------------------------


def can_view(user: User | None, eia: Eia) -> bool:
    if user is None or not user.active:
        return False
    if may(user, Capability.read_everything) or eia.owner_id == user.id:
        return True
    if user.service_id is not None and eia.service_id == user.service_id:
        return True
    if may(user, Capability.sign_off) and eia.directorate_id == user.effective_directorate_id:
        return True
    return any(a.owner_id == user.id for a in eia.actions)


def visible_clause(user: User):
    """The same rule as ``can_view``, as a WHERE clause for lists."""
    if may(user, Capability.read_everything):
        return sa.true()
    clauses = [
        Eia.owner_id == user.id,
        Eia.id.in_(sa.select(ActionItem.eia_id).where(ActionItem.owner_id == user.id)),
    ]
    if user.service_id is not None:
        clauses.append(Eia.service_id == user.service_id)
    if may(user, Capability.sign_off) and user.effective_directorate_id is not None:
        clauses.append(Eia.directorate_id == user.effective_directorate_id)
    return sa.or_(*clauses)


def on_team(user: User | None, eia: Eia) -> bool:
    """The EIA's owner or an officer in its service: who may work on it (the lifecycle's
    actor rule ``eia_team``)."""
    from workflows.guards import ACTOR_RULES, GuardContext

    return ACTOR_RULES["eia_team"][0](GuardContext(eia=eia, actor=user))


def can_comment(user: User | None, eia: Eia) -> bool:
    """The EIA's team, its directorate's approvers and the Policy and Equality Unit (the
    lifecycle's actor rules)."""
    from workflows.guards import ACTOR_RULES, GuardContext

    ctx = GuardContext(eia=eia, actor=user)
    return any(
        ACTOR_RULES[r][0](ctx) for r in ("eia_team", "directorate_approver", "equality_officer")
    )


def can_decide(session: Session | None, eia: Eia, user: User | None) -> bool:
    """Whether the person is one who may approve or return the EIA (the lifecycle table's
    actor rule for the decision) and did not work on its version (segregation of duties).
    Its state is not asked: the page says whether a decision is due."""
    from workflows import segregation
    from workflows.guards import GuardContext, who_reasons
    from workflows.lifecycle import sign_off_events, transitions_for

    if user is None:
        return False
    ctx = GuardContext(eia=eia, actor=user)
    decision = transitions_for(sign_off_events()[0])[0]
    return not who_reasons(decision.who, ctx) and segregation.may_decide(session, eia, user)


# --- people ---------------------------------------------------------------------------------


def missing_team(role, service_id: int | None, directorate_id: int | None) -> str | None:
    """What a person with ``role`` lacks: "service" (an officer needs one), "directorate"
    (an approver needs a directorate, or a service in one), or None."""
    rules = _RULES.get(role)
    if rules is None:
        return None
    if rules.needs_service and service_id is None:
        return "service"
    if rules.needs_directorate and service_id is None and directorate_id is None:
        return "directorate"
    return None


def password_problem(password: str) -> str | None:
    """Why a password chosen for someone will not do (None when it will)."""
    if len(password) < PASSWORD_MIN:
        return f"Choose a password of at least {PASSWORD_MIN} characters."
    if len(password) > PASSWORD_MAX:
        return f"Choose a password of {PASSWORD_MAX} characters or fewer."
    return None


__all__ = [
    "ASSIGNABLE_ROLES",
    "PASSWORD_MAX",
    "PASSWORD_MIN",
    "ROLES",
    "ROLE_HINTS",
    "Capability",
    "administrators",
    "can_comment",
    "can_decide",
    "can_view",
    "on_team",
    "holders_clause",
    "may",
    "missing_team",
    "password_problem",
    "role_may",
    "roles_with",
    "visible_clause",
]

"""From the provider's claims to a role and a team.

Each mapping says: people with this app role (the ``roles`` claim: Entra app roles, the
recommended way, never subject to the groups overage) or in this group (its object id, from
the ``groups`` claim or Microsoft Graph) have this role and/or belong to this service or
directorate. Of all the mappings that match a person, the role is the highest one given
(administrator, equality officer, approver, officer) and the service and directorate come
from the first mapping that gives one, taking the mappings with the highest role first
(then the oldest). So "app role EIA.Approver → approver" and "group Housing staff →
service Housing" together make an approver in Housing.

The mapping is exported and imported as JSON naming directorates and services by name, so
it moves between a test and a live installation.
"""

from dataclasses import dataclass, field

from sqlmodel import Session, select

from eia.capabilities import ASSIGNABLE_ROLES, missing_team
from eia.models import ClaimMapping, Directorate, Service
from eia.models.enums import Role

KINDS = {"app_role": "App role", "group": "Group"}
RANK = {Role.admin: 4, Role.equality_officer: 3, Role.approver: 2, Role.officer: 1}
EXPORT_SCHEMA = "eia-sign-in-mappings/1"


@dataclass
class Resolution:
    role: str | None = None
    service_id: int | None = None
    directorate_id: int | None = None
    matched: list[ClaimMapping] = field(default_factory=list)
    problem: str | None = None  # why this is not enough to use the product

    @property
    def ok(self) -> bool:
        return self.role is not None and self.problem is None


def _strings(value) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, list):
        return {v for v in value if isinstance(v, str)}
    return set()


def resolve(session: Session, app_roles, groups) -> Resolution:
    roles, group_ids = _strings(app_roles), _strings(groups)
    mappings = session.exec(select(ClaimMapping).order_by(ClaimMapping.id)).all()
    matched = [
        m
        for m in mappings
        if (m.kind == "app_role" and m.value in roles)
        or (m.kind == "group" and m.value in group_ids)
    ]
    matched.sort(key=lambda m: -RANK.get(m.role, 0))  # stable: the oldest first in a rank
    result = Resolution(matched=matched)
    result.role = next((m.role for m in matched if m.role), None)
    result.service_id = next((m.service_id for m in matched if m.service_id), None)
    result.directorate_id = next((m.directorate_id for m in matched if m.directorate_id), None)
    if result.service_id is not None and result.directorate_id is not None:
        service = session.get(Service, result.service_id)
        if service is not None and service.directorate_id == result.directorate_id:
            result.directorate_id = None  # the service's own directorate: said once
    if result.role is None:
        result.problem = "no role"
    elif missing := missing_team(result.role, result.service_id, result.directorate_id):
        result.problem = f"no {missing}"  # "no service", "no directorate"
    return result


def needs_groups(session: Session) -> bool:
    """Whether any mapping is by group (if none, the groups overage does not matter)."""
    return (
        session.exec(select(ClaimMapping.id).where(ClaimMapping.kind == "group")).first()
        is not None
    )


# --- export and import ------------------------------------------------------------------------


def export(session: Session) -> dict:
    rows = []
    for m in session.exec(
        select(ClaimMapping).order_by(ClaimMapping.kind, ClaimMapping.value)
    ).all():
        service = session.get(Service, m.service_id) if m.service_id else None
        directorate = session.get(Directorate, m.directorate_id) if m.directorate_id else None
        rows.append(
            {
                "kind": m.kind,
                "value": m.value,
                "role": m.role,
                "service": None
                if service is None
                else {"name": service.name, "directorate": service.directorate.name},
                "directorate": None if directorate is None else directorate.name,
            }
        )
    return {"schema": EXPORT_SCHEMA, "mappings": rows}


class ImportError_(ValueError):
    """What is wrong with an import file, in words for the error summary."""


def parse_import(session: Session, document) -> list[dict]:
    """The rows to store for an exported document, or ImportError_ saying what is wrong
    (every problem, numbered by mapping)."""
    if (
        not isinstance(document, dict)
        or document.get("schema") != EXPORT_SCHEMA
        or not isinstance(document.get("mappings"), list)
    ):
        raise ImportError_(
            "The file is not an export of sign-in mappings: choose a file downloaded from this page"
        )
    rows, problems, seen = [], [], set()
    directorates = {d.name: d for d in session.exec(select(Directorate)).all()}
    for n, item in enumerate(document["mappings"], start=1):
        try:
            rows.append(_import_row(item, directorates, seen))
        except _Problem as problem:
            problems.append(f"mapping {n}{problem}")
    if problems:
        raise ImportError_(
            "The file could not be imported: "
            + "; ".join(problems[:10])
            + ("; and more" if len(problems) > 10 else "")
        )
    return rows


class _Problem(ValueError):
    """What is wrong with one mapping of an import file (after "mapping <n>")."""


def _import_row(item, directorates: dict, seen: set) -> dict:
    """One mapping of an import file as a row to store; ``seen`` gathers (kind, value)."""
    if not isinstance(item, dict):
        raise _Problem(" is not a mapping")
    kind, value, role = item.get("kind"), item.get("value"), item.get("role")
    if kind not in KINDS:
        raise _Problem(": the kind must be app_role or group")
    if not isinstance(value, str) or not value.strip() or len(value) > 200:
        raise _Problem(": the app role or group id must be 1 to 200 characters")
    value = value.strip()
    if (kind, value) in seen:
        raise _Problem(f": {value} is mapped twice")
    seen.add((kind, value))
    if role is not None and role not in {r.value for r in ASSIGNABLE_ROLES}:
        raise _Problem(f": there is no role called {role}")
    service_id = _imported_service(item.get("service"), directorates)
    directorate_id = _imported_directorate(item.get("directorate"), directorates)
    if role is None and service_id is None and directorate_id is None:
        raise _Problem(": it gives no role, service or directorate")
    return {
        "kind": kind,
        "value": value,
        "role": role,
        "service_id": service_id,
        "directorate_id": directorate_id,
    }


def _imported_service(service, directorates: dict) -> int | None:
    if service is None:
        return None
    found = None
    if isinstance(service, dict) and isinstance(service.get("directorate"), str):
        directorate = directorates.get(service["directorate"])
        if directorate is not None:
            found = next((s for s in directorate.services if s.name == service.get("name")), None)
    if found is None:
        raise _Problem(": there is no such service here")
    return found.id


def _imported_directorate(name, directorates: dict) -> int | None:
    if name is None:
        return None
    directorate = directorates.get(name) if isinstance(name, str) else None
    if directorate is None:
        raise _Problem(f": there is no directorate called {name}")
    return directorate.id

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
        if not isinstance(item, dict):
            problems.append(f"mapping {n} is not a mapping")
            continue
        kind, value, role = item.get("kind"), item.get("value"), item.get("role")
        if kind not in KINDS:
            problems.append(f"mapping {n}: the kind must be app_role or group")
            continue
        if not isinstance(value, str) or not value.strip() or len(value) > 200:
            problems.append(f"mapping {n}: the app role or group id must be 1 to 200 characters")
            continue
        value = value.strip()
        if (kind, value) in seen:
            problems.append(f"mapping {n}: {value} is mapped twice")
            continue
        seen.add((kind, value))
        if role is not None and role not in {r.value for r in ASSIGNABLE_ROLES}:
            problems.append(f"mapping {n}: there is no role called {role}")
            continue
        row = {
            "kind": kind,
            "value": value,
            "role": role,
            "service_id": None,
            "directorate_id": None,
        }
        service = item.get("service")
        if service is not None:
            found = None
            if isinstance(service, dict) and isinstance(service.get("directorate"), str):
                directorate = directorates.get(service["directorate"])
                found = (
                    None
                    if directorate is None
                    else next(
                        (s for s in directorate.services if s.name == service.get("name")), None
                    )
                )
            if found is None:
                problems.append(f"mapping {n}: there is no such service here")
                continue
            row["service_id"] = found.id
        directorate_name = item.get("directorate")
        if directorate_name is not None:
            directorate = (
                directorates.get(directorate_name) if isinstance(directorate_name, str) else None
            )
            if directorate is None:
                problems.append(f"mapping {n}: there is no directorate called {directorate_name}")
                continue
            row["directorate_id"] = directorate.id
        if role is None and row["service_id"] is None and row["directorate_id"] is None:
            problems.append(f"mapping {n}: it gives no role, service or directorate")
            continue
        rows.append(row)
    if problems:
        raise ImportError_(
            "The file could not be imported: "
            + "; ".join(problems[:10])
            + ("; and more" if len(problems) > 10 else "")
        )
    return rows

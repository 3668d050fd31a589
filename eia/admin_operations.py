"""Administration operations: every change to people (and their roles, teams and passwords),
the council's structure (directorates and services) and the characteristics with their
guidance goes through here, whether it comes from the admin pages, the `eia users ...`
commands or the demo loader.

As in eia/operations.py, each operation changes the rows, appends its hash-chained audit
record (action "admin", no EIA, old and new values in ``details``; never a password or its
hash) to the same session and flushes; the caller commits once, so a change and its record
exist together or not at all.

``actor`` is the administrator making the change (a ``User``), or, for the system, the name
its records carry: ``command_line()`` or ``DEMO_DATA``.
"""

import getpass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from eia import audit
from eia.models import (
    AuditRecord,
    Characteristic,
    Directorate,
    LoginAttempt,
    Service,
    User,
    as_utc,
    utcnow,
)
from eia.models.enums import CharacteristicKind

Actor = User | str

DEMO_DATA = "System (demo data)"

# Each event, as the audit page's filter names it ("Administration: role changed").
EVENTS = {
    "user_created": "user added",
    "user_renamed": "user's name changed",
    "user_role_changed": "role changed",
    "user_team_changed": "service or directorate changed",
    "user_password_reset": "password reset",
    "user_deactivated": "user deactivated",
    "user_reactivated": "user reactivated",
    "directorate_created": "directorate added",
    "directorate_renamed": "directorate renamed",
    "directorate_deleted": "directorate deleted",
    "service_created": "service added",
    "service_renamed": "service renamed",
    "service_deleted": "service deleted",
    "characteristic_created": "characteristic added",
    "characteristic_changed": "characteristic or its guidance changed",
    "characteristic_deactivated": "characteristic deactivated",
    "characteristic_reactivated": "characteristic reactivated",
    "characteristic_moved": "characteristic moved",
}

CHARACTERISTIC_FIELDS = ("name", "guidance", "borough_profile")


def command_line() -> str:
    """The name a change made with `eia ...` is recorded under: the operating-system account
    that ran it, where there is one to name."""
    try:
        return f"Command line ({getpass.getuser()})"
    except (KeyError, OSError, ImportError):  # e.g. a container user with no passwd entry
        return "Command line"


def _record(session: Session, actor: Actor, event: str, details: dict,
            at: datetime | None) -> AuditRecord:
    if event not in EVENTS:
        raise ValueError(f"no admin event called {event!r}")
    if isinstance(actor, str):
        return audit.append(session, eia=None, actor=None, actor_name=actor, action="admin",
                            event=event, details=details, at=at)
    return audit.append(session, eia=None, actor=actor, action="admin", event=event,
                        details=details, at=at)


def _person(user: User) -> dict:
    return {"id": user.id, "name": user.name, "email": user.email}


def _named(row) -> dict | None:
    return None if row is None else {"id": row.id, "name": row.name}


def _get(session: Session, model, row_id: int | None):
    return session.get(model, row_id) if row_id is not None else None


def _at(at: datetime | None) -> datetime:
    return as_utc(at) if at is not None else utcnow()


# --- people --------------------------------------------------------------------------------

def create_user(session: Session, actor: Actor, *, name: str, email: str, role: str,
                password_hash: str, service_id: int | None = None,
                directorate_id: int | None = None, at: datetime | None = None) -> User:
    """A new person who can sign in (the caller hashes the password)."""
    at = _at(at)
    person = User(name=name, email=email.lower(), role=role, service_id=service_id,
                  directorate_id=directorate_id, password_hash=password_hash, active=True,
                  created_at=at)
    session.add(person)
    session.flush()
    _record(session, actor, "user_created", {
        "user": _person(person), "role": role,
        "service": _named(_get(session, Service, service_id)),
        "directorate": _named(_get(session, Directorate, directorate_id)),
    }, at)
    return person


def update_user(session: Session, actor: Actor, person: User, *, name: str, role: str,
                service_id: int | None, directorate_id: int | None, active: bool,
                at: datetime | None = None) -> list[AuditRecord]:
    """Change a person's name, role, team or whether they can sign in: one record for each
    kind of change (so role grants can be listed on their own). A new role or team, or
    deactivation, ends every session they have."""
    at = _at(at)
    events = []
    if person.name != name:
        events.append(("user_renamed", {"name": [person.name, name]}))
    if person.role != role:
        events.append(("user_role_changed", {"role": [person.role, role]}))
    team = {}
    if person.service_id != service_id:
        team["service"] = [_named(_get(session, Service, person.service_id)),
                           _named(_get(session, Service, service_id))]
    if person.directorate_id != directorate_id:
        team["directorate"] = [_named(_get(session, Directorate, person.directorate_id)),
                               _named(_get(session, Directorate, directorate_id))]
    if team:
        events.append(("user_team_changed", team))
    if person.active != active:
        events.append(("user_reactivated" if active else "user_deactivated", {}))
    if not events:
        return []
    ends_sessions = person.role != role or bool(team) or (person.active and not active)
    person.name, person.role, person.active = name, role, active
    person.service_id, person.directorate_id = service_id, directorate_id
    if ends_sessions:
        person.end_sessions()
    session.add(person)
    session.flush()
    who = _person(person)
    return [_record(session, actor, event, {"user": who, **details}, at)
            for event, details in events]


def set_user_active(session: Session, actor: Actor, person: User, active: bool,
                    *, at: datetime | None = None) -> bool:
    """Deactivate (they can no longer sign in; their sessions end) or reactivate; False when
    they already were."""
    if person.active == active:
        return False
    return bool(update_user(session, actor, person, name=person.name, role=person.role,
                            service_id=person.service_id,
                            directorate_id=person.directorate_id, active=active, at=at))


def set_password(session: Session, actor: Actor, person: User, password_hash: str,
                 *, at: datetime | None = None) -> AuditRecord:
    """A new password (reset by an admin, or set on the command line): every session of the
    person ends, and failed sign-ins against the account are forgotten, so a person told to
    ask for a reset can sign in at once."""
    person.password_hash = password_hash
    person.end_sessions()
    session.add(person)
    session.execute(sa.delete(LoginAttempt).where(LoginAttempt.email == person.email,
                                                  LoginAttempt.succeeded.is_(False)))
    session.flush()
    return _record(session, actor, "user_password_reset", {"user": _person(person)}, _at(at))


# --- directorates and services ---------------------------------------------------------------

def create_directorate(session: Session, actor: Actor, name: str,
                       *, at: datetime | None = None) -> Directorate:
    directorate = Directorate(name=name)
    session.add(directorate)
    session.flush()
    _record(session, actor, "directorate_created", {"directorate": _named(directorate)},
            _at(at))
    return directorate


def rename_directorate(session: Session, actor: Actor, directorate: Directorate, name: str,
                       *, at: datetime | None = None) -> bool:
    if directorate.name == name:
        return False
    old, directorate.name = directorate.name, name
    session.add(directorate)
    session.flush()
    _record(session, actor, "directorate_renamed",
            {"directorate": _named(directorate), "name": [old, name]}, _at(at))
    return True


def delete_directorate(session: Session, actor: Actor, directorate: Directorate,
                       *, at: datetime | None = None) -> None:
    """Raises IntegrityError (at the flush) if something still refers to it."""
    details = {"directorate": _named(directorate)}
    session.delete(directorate)
    session.flush()
    _record(session, actor, "directorate_deleted", details, _at(at))


def create_service(session: Session, actor: Actor, directorate: Directorate, name: str,
                   *, at: datetime | None = None) -> Service:
    service = Service(name=name, directorate_id=directorate.id)
    session.add(service)
    session.flush()
    _record(session, actor, "service_created",
            {"service": _named(service), "directorate": _named(directorate)}, _at(at))
    return service


def rename_service(session: Session, actor: Actor, service: Service, name: str,
                   *, at: datetime | None = None) -> bool:
    if service.name == name:
        return False
    old, service.name = service.name, name
    session.add(service)
    session.flush()
    _record(session, actor, "service_renamed",
            {"service": _named(service), "directorate": _named(service.directorate),
             "name": [old, name]}, _at(at))
    return True


def delete_service(session: Session, actor: Actor, service: Service,
                   *, at: datetime | None = None) -> None:
    """Raises IntegrityError (at the flush) if something still refers to it."""
    details = {"service": _named(service), "directorate": _named(service.directorate)}
    session.delete(service)
    session.flush()
    _record(session, actor, "service_deleted", details, _at(at))


# --- characteristics and their guidance ------------------------------------------------------

def _characteristic(c: Characteristic) -> dict:
    return {"id": c.id, "key": c.key, "name": c.name}


def is_statutory(characteristic: Characteristic) -> bool:
    return characteristic.kind != CharacteristicKind.local


def create_characteristic(session: Session, actor: Actor, *, key: str, name: str,
                          guidance: str = "", borough_profile: str = "",
                          at: datetime | None = None) -> Characteristic:
    """A local characteristic (carers, care leavers...), added at the end of the list."""
    last = session.exec(select(sa.func.max(Characteristic.position))).one() or 0
    characteristic = Characteristic(key=key, name=name, kind=CharacteristicKind.local,
                                    position=last + 10, active=True, guidance=guidance,
                                    borough_profile=borough_profile)
    session.add(characteristic)
    session.flush()
    _record(session, actor, "characteristic_created", {
        "characteristic": _characteristic(characteristic), "guidance": guidance,
        "borough_profile": borough_profile}, _at(at))
    return characteristic


def update_characteristic(session: Session, actor: Actor, characteristic: Characteristic,
                          values: dict, *, at: datetime | None = None) -> list[str]:
    """Change the name (local ones only), guidance or borough profile; the fields that
    changed, each recorded as [old, new]."""
    stray = set(values) - set(CHARACTERISTIC_FIELDS)
    if stray:
        raise ValueError(f"{', '.join(sorted(stray))} cannot be changed here")
    if "name" in values and is_statutory(characteristic) \
            and values["name"] != characteristic.name:
        raise ValueError(f"{characteristic.name} is named in law: it cannot be renamed")
    changes = {field: [getattr(characteristic, field), value]
               for field, value in values.items() if getattr(characteristic, field) != value}
    if not changes:
        return []
    for field, (_, value) in changes.items():
        setattr(characteristic, field, value)
    session.add(characteristic)
    session.flush()
    _record(session, actor, "characteristic_changed",
            {"characteristic": _characteristic(characteristic), **changes}, _at(at))
    return list(changes)


def set_characteristic_active(session: Session, actor: Actor, characteristic: Characteristic,
                              active: bool, *, at: datetime | None = None) -> bool:
    """Deactivate a local characteristic (new screenings leave it out) or reactivate it;
    False when it already was."""
    if characteristic.active == active:
        return False
    if not active and is_statutory(characteristic):
        raise ValueError(f"{characteristic.name} is statutory: it cannot be deactivated")
    characteristic.active = active
    session.add(characteristic)
    session.flush()
    _record(session, actor,
            "characteristic_reactivated" if active else "characteristic_deactivated",
            {"characteristic": _characteristic(characteristic)}, _at(at))
    return True


def move_characteristic(session: Session, actor: Actor, characteristic: Characteristic,
                        direction: str, *, at: datetime | None = None) -> bool:
    """One place up or down the list (all renumbered, so ties cannot stick); False at
    either end."""
    if direction not in ("up", "down"):
        raise ValueError(f"move up or down, not {direction!r}")
    rows = list(session.exec(
        select(Characteristic).order_by(Characteristic.position, Characteristic.id)).all())
    i = rows.index(characteristic)
    j = i - 1 if direction == "up" else i + 1
    if not 0 <= j < len(rows):
        return False
    rows[i], rows[j] = rows[j], rows[i]
    for n, row in enumerate(rows, start=1):
        row.position = n * 10
        session.add(row)
    session.flush()
    _record(session, actor, "characteristic_moved", {
        "characteristic": _characteristic(characteristic), "direction": direction,
        "place": [i + 1, j + 1]}, _at(at))
    return True

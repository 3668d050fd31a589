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
import json
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from eia import audit
from eia.models import (
    AppSetting,
    AuditRecord,
    BenchmarkCouncil,
    BenchmarkYear,
    Characteristic,
    ClaimMapping,
    Directorate,
    IdentityLink,
    LoginAttempt,
    OutboxEmail,
    Service,
    SignInCode,
    User,
    as_utc,
    utcnow,
)
from eia.models.enums import CharacteristicKind
from eia.models.notifications import OutboxStatus

Actor = User | str

DEMO_DATA = "System (demo data)"
# Changes made because of what the identity provider said at a person's sign-in.
SINGLE_SIGN_ON = "System (sign-in through the identity provider)"

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
    # Signing in through the council's identity provider (eia/sso/).
    "user_email_changed": "email address changed",
    "identity_linked": "account linked to the identity provider",
    "sign_in_setting_changed": "sign-in setting changed",
    "claim_mapping_created": "sign-in mapping added",
    "claim_mapping_changed": "sign-in mapping changed",
    "claim_mapping_deleted": "sign-in mapping removed",
    "claim_mappings_imported": "sign-in mappings imported",
    "sign_in_code_issued": "one-time sign-in code issued",
    "sign_in_code_used": "signed in with a one-time code",
    # Personal data (README "Retention and personal data").
    "user_pseudonymised": "person pseudonymised",
    "retention_applied": "old personal data deleted on schedule",
    "audit_rechained": "audit trail re-chained",
    # Importing a council's register (eia/imports/): the people it names who were not here
    # (added inactive), and the import itself (each EIA has its own "import" record).
    "user_imported": "user added by an import (inactive)",
    "register_imported": "register of EIAs imported",
    "word_imported": "Word files of EIAs imported",
    # The pan-London practice comparison (eia/standard/compare.py).
    "benchmark_council_added": "council added to the practice comparison",
    "benchmark_council_refreshed": "council's practice feed refreshed",
}

CHARACTERISTIC_FIELDS = ("name", "guidance", "borough_profile")


def command_line() -> str:
    """The name a change made with `eia ...` is recorded under: the operating-system account
    that ran it, where there is one to name."""
    try:
        return f"Command line ({getpass.getuser()})"
    except (KeyError, OSError, ImportError):  # e.g. a container user with no passwd entry
        return "Command line"


def _record(
    session: Session, actor: Actor, event: str, details: dict, at: datetime | None
) -> AuditRecord:
    if event not in EVENTS:
        raise ValueError(f"no admin event called {event!r}")
    if isinstance(actor, str):
        return audit.append(
            session,
            eia=None,
            actor=None,
            actor_name=actor,
            action="admin",
            event=event,
            details=details,
            at=at,
        )
    return audit.append(
        session, eia=None, actor=actor, action="admin", event=event, details=details, at=at
    )


def _person(user: User) -> dict:
    return {"id": user.id, "name": user.name, "email": user.email}


def _named(row) -> dict | None:
    return None if row is None else {"id": row.id, "name": row.name}


def _get(session: Session, model, row_id: int | None):
    return session.get(model, row_id) if row_id is not None else None


def _at(at: datetime | None) -> datetime:
    return as_utc(at) if at is not None else utcnow()


# --- people --------------------------------------------------------------------------------


def create_user(
    session: Session,
    actor: Actor,
    *,
    name: str,
    email: str,
    role: str,
    password_hash: str,
    service_id: int | None = None,
    directorate_id: int | None = None,
    at: datetime | None = None,
) -> User:
    """A new person who can sign in (the caller hashes the password)."""
    return _add_person(
        session,
        actor,
        "user_created",
        User(
            name=name,
            email=email.lower(),
            role=role,
            service_id=service_id,
            directorate_id=directorate_id,
            password_hash=password_hash,
            active=True,
            created_at=_at(at),
        ),
    )


def _add_person(session: Session, actor: Actor, event: str, person: User, **details) -> User:
    """``person`` added, with the audit record ``event`` naming them and their team."""
    session.add(person)
    session.flush()
    _record(
        session,
        actor,
        event,
        {
            "user": _person(person),
            "role": person.role,
            "service": _named(_get(session, Service, person.service_id)),
            "directorate": _named(_get(session, Directorate, person.directorate_id)),
            **details,
        },
        person.created_at,
    )
    return person


def update_user(
    session: Session,
    actor: Actor,
    person: User,
    *,
    name: str,
    role: str,
    service_id: int | None,
    directorate_id: int | None,
    active: bool,
    at: datetime | None = None,
) -> list[AuditRecord]:
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
        team["service"] = [
            _named(_get(session, Service, person.service_id)),
            _named(_get(session, Service, service_id)),
        ]
    if person.directorate_id != directorate_id:
        team["directorate"] = [
            _named(_get(session, Directorate, person.directorate_id)),
            _named(_get(session, Directorate, directorate_id)),
        ]
    if team:
        events.append(("user_team_changed", team))
    if person.active != active:
        events.append(("user_reactivated" if active else "user_deactivated", {}))
    if not events:
        return []
    ends_sessions = person.role != role or bool(team) or (person.active and not active)
    renamed = person.name != name
    person.name, person.role, person.active = name, role, active
    person.service_id, person.directorate_id = service_id, directorate_id
    if ends_sessions:
        person.end_sessions()
    session.add(person)
    session.flush()
    if renamed:  # a corrected name: the trail shows it (it hashes the person's id)
        rectify_audit_trail(session, person)
    who = _person(person)
    return [
        _record(session, actor, event, {"user": who, **details}, at) for event, details in events
    ]


def set_user_active(
    session: Session, actor: Actor, person: User, active: bool, *, at: datetime | None = None
) -> bool:
    """Deactivate (they can no longer sign in; their sessions end) or reactivate; False when
    they already were."""
    if person.active == active:
        return False
    return bool(
        update_user(
            session,
            actor,
            person,
            name=person.name,
            role=person.role,
            service_id=person.service_id,
            directorate_id=person.directorate_id,
            active=active,
            at=at,
        )
    )


def set_password(
    session: Session, actor: Actor, person: User, password_hash: str, *, at: datetime | None = None
) -> AuditRecord:
    """A new password (reset by an admin, or set on the command line): every session of the
    person ends, and failed sign-ins against the account are forgotten, so a person told to
    ask for a reset can sign in at once."""
    person.password_hash = password_hash
    person.end_sessions()
    session.add(person)
    session.execute(
        sa.delete(LoginAttempt).where(
            LoginAttempt.email == person.email, LoginAttempt.succeeded.is_(False)
        )
    )
    session.flush()
    return _record(session, actor, "user_password_reset", {"user": _person(person)}, _at(at))


# --- directorates and services ---------------------------------------------------------------


def create_directorate(
    session: Session, actor: Actor, name: str, *, at: datetime | None = None
) -> Directorate:
    directorate = Directorate(name=name)
    session.add(directorate)
    session.flush()
    _record(session, actor, "directorate_created", {"directorate": _named(directorate)}, _at(at))
    return directorate


def rename_directorate(
    session: Session,
    actor: Actor,
    directorate: Directorate,
    name: str,
    *,
    at: datetime | None = None,
) -> bool:
    if directorate.name == name:
        return False
    old, directorate.name = directorate.name, name
    session.add(directorate)
    session.flush()
    _record(
        session,
        actor,
        "directorate_renamed",
        {"directorate": _named(directorate), "name": [old, name]},
        _at(at),
    )
    return True


def delete_directorate(
    session: Session, actor: Actor, directorate: Directorate, *, at: datetime | None = None
) -> None:
    """Raises IntegrityError (at the flush) if something still refers to it."""
    details = {"directorate": _named(directorate)}
    session.delete(directorate)
    session.flush()
    _record(session, actor, "directorate_deleted", details, _at(at))


def create_service(
    session: Session,
    actor: Actor,
    directorate: Directorate,
    name: str,
    *,
    at: datetime | None = None,
) -> Service:
    service = Service(name=name, directorate_id=directorate.id)
    session.add(service)
    session.flush()
    _record(
        session,
        actor,
        "service_created",
        {"service": _named(service), "directorate": _named(directorate)},
        _at(at),
    )
    return service


def rename_service(
    session: Session, actor: Actor, service: Service, name: str, *, at: datetime | None = None
) -> bool:
    if service.name == name:
        return False
    old, service.name = service.name, name
    session.add(service)
    session.flush()
    _record(
        session,
        actor,
        "service_renamed",
        {
            "service": _named(service),
            "directorate": _named(service.directorate),
            "name": [old, name],
        },
        _at(at),
    )
    return True


def delete_service(
    session: Session, actor: Actor, service: Service, *, at: datetime | None = None
) -> None:
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


def create_characteristic(
    session: Session,
    actor: Actor,
    *,
    key: str,
    name: str,
    guidance: str = "",
    borough_profile: str = "",
    at: datetime | None = None,
) -> Characteristic:
    """A local characteristic (carers, care leavers...), added at the end of the list."""
    last = session.exec(select(sa.func.max(Characteristic.position))).one() or 0
    characteristic = Characteristic(
        key=key,
        name=name,
        kind=CharacteristicKind.local,
        position=last + 10,
        active=True,
        guidance=guidance,
        borough_profile=borough_profile,
    )
    session.add(characteristic)
    session.flush()
    _record(
        session,
        actor,
        "characteristic_created",
        {
            "characteristic": _characteristic(characteristic),
            "guidance": guidance,
            "borough_profile": borough_profile,
        },
        _at(at),
    )
    return characteristic


def update_characteristic(
    session: Session,
    actor: Actor,
    characteristic: Characteristic,
    values: dict,
    *,
    at: datetime | None = None,
) -> list[str]:
    """Change the name (local ones only), guidance or borough profile; the fields that
    changed, each recorded as [old, new]."""
    stray = set(values) - set(CHARACTERISTIC_FIELDS)
    if stray:
        raise ValueError(f"{', '.join(sorted(stray))} cannot be changed here")
    if "name" in values and is_statutory(characteristic) and values["name"] != characteristic.name:
        raise ValueError(f"{characteristic.name} is named in law: it cannot be renamed")
    changes = {
        field: [getattr(characteristic, field), value]
        for field, value in values.items()
        if getattr(characteristic, field) != value
    }
    if not changes:
        return []
    for field, (_, value) in changes.items():
        setattr(characteristic, field, value)
    session.add(characteristic)
    session.flush()
    _record(
        session,
        actor,
        "characteristic_changed",
        {"characteristic": _characteristic(characteristic), **changes},
        _at(at),
    )
    return list(changes)


def set_characteristic_active(
    session: Session,
    actor: Actor,
    characteristic: Characteristic,
    active: bool,
    *,
    at: datetime | None = None,
) -> bool:
    """Deactivate a local characteristic (new screenings leave it out) or reactivate it;
    False when it already was."""
    if characteristic.active == active:
        return False
    if not active and is_statutory(characteristic):
        raise ValueError(f"{characteristic.name} is statutory: it cannot be deactivated")
    characteristic.active = active
    session.add(characteristic)
    session.flush()
    _record(
        session,
        actor,
        "characteristic_reactivated" if active else "characteristic_deactivated",
        {"characteristic": _characteristic(characteristic)},
        _at(at),
    )
    return True


def move_characteristic(
    session: Session,
    actor: Actor,
    characteristic: Characteristic,
    direction: str,
    *,
    at: datetime | None = None,
) -> bool:
    """One place up or down the list (all renumbered, so ties cannot stick); False at
    either end."""
    if direction not in ("up", "down"):
        raise ValueError(f"move up or down, not {direction!r}")
    rows = list(
        session.exec(
            select(Characteristic).order_by(Characteristic.position, Characteristic.id)
        ).all()
    )
    i = rows.index(characteristic)
    j = i - 1 if direction == "up" else i + 1
    if not 0 <= j < len(rows):
        return False
    rows[i], rows[j] = rows[j], rows[i]
    for n, row in enumerate(rows, start=1):
        row.position = n * 10
        session.add(row)
    session.flush()
    _record(
        session,
        actor,
        "characteristic_moved",
        {
            "characteristic": _characteristic(characteristic),
            "direction": direction,
            "place": [i + 1, j + 1],
        },
        _at(at),
    )
    return True


# --- signing in through the identity provider (eia/sso/) ----------------------------------


def change_email(
    session: Session, actor: Actor, person: User, email: str, *, at: datetime | None = None
) -> bool:
    """The provider says the person's email address is now ``email`` (the caller has made
    sure nobody else has it). Sessions carry on: the link, not the email, says who they are."""
    email = email.lower()
    if person.email == email:
        return False
    old, person.email = person.email, email
    session.add(person)
    session.flush()
    rectify_audit_trail(session, person)
    _record(
        session,
        actor,
        "user_email_changed",
        {"user": _person(person), "email": [old, email]},
        _at(at),
    )
    return True


def link_identity(
    session: Session,
    actor: Actor,
    person: User,
    *,
    issuer: str,
    subject: str,
    by_email: bool = False,
    at: datetime | None = None,
) -> IdentityLink:
    """From now on the provider's account (issuer, subject) is ``person``. ``by_email``:
    linked to an existing account because the email addresses matched (only when an
    administrator allows it)."""
    at = _at(at)
    link = IdentityLink(user_id=person.id, issuer=issuer, subject=subject, created_at=at)
    session.add(link)
    session.flush()
    _record(
        session,
        actor,
        "identity_linked",
        {
            "user": _person(person),
            "issuer": issuer,
            "subject": subject,
            "matched_by_email": by_email,
        },
        at,
    )
    return link


def set_setting(
    session: Session,
    actor: Actor,
    key: str,
    value: str,
    *,
    default: str | None = None,
    at: datetime | None = None,
) -> bool:
    """An administrator's sign-in setting (eia/sso/settings.py says which there are, and
    their ``default`` values while never set)."""
    row = session.get(AppSetting, key)
    old = row.value if row is not None else default
    if old == value:
        return False
    if row is None:
        row = AppSetting(key=key, value=value)
    else:
        row.value = value
    session.add(row)
    session.flush()
    _record(
        session, actor, "sign_in_setting_changed", {"setting": key, "value": [old, value]}, _at(at)
    )
    return True


def mapping_details(session: Session, mapping: ClaimMapping) -> dict:
    return {
        "id": mapping.id,
        "kind": mapping.kind,
        "value": mapping.value,
        "role": mapping.role,
        "service": _named(_get(session, Service, mapping.service_id)),
        "directorate": _named(_get(session, Directorate, mapping.directorate_id)),
    }


def create_claim_mapping(
    session: Session,
    actor: Actor,
    *,
    kind: str,
    value: str,
    role: str | None,
    service_id: int | None,
    directorate_id: int | None,
    at: datetime | None = None,
) -> ClaimMapping:
    mapping = ClaimMapping(
        kind=kind, value=value, role=role, service_id=service_id, directorate_id=directorate_id
    )
    session.add(mapping)
    session.flush()
    _record(
        session,
        actor,
        "claim_mapping_created",
        {"mapping": mapping_details(session, mapping)},
        _at(at),
    )
    return mapping


def update_claim_mapping(
    session: Session,
    actor: Actor,
    mapping: ClaimMapping,
    *,
    kind: str,
    value: str,
    role: str | None,
    service_id: int | None,
    directorate_id: int | None,
    at: datetime | None = None,
) -> bool:
    before = mapping_details(session, mapping)
    mapping.kind, mapping.value, mapping.role = kind, value, role
    mapping.service_id, mapping.directorate_id = service_id, directorate_id
    after = mapping_details(session, mapping)
    if before == after:
        return False
    session.add(mapping)
    session.flush()
    _record(session, actor, "claim_mapping_changed", {"mapping": after, "before": before}, _at(at))
    return True


def delete_claim_mapping(
    session: Session, actor: Actor, mapping: ClaimMapping, *, at: datetime | None = None
) -> None:
    details = {"mapping": mapping_details(session, mapping)}
    session.delete(mapping)
    session.flush()
    _record(session, actor, "claim_mapping_deleted", details, _at(at))


def replace_claim_mappings(
    session: Session, actor: Actor, rows: list[dict], *, at: datetime | None = None
) -> int:
    """Import: the mappings become exactly ``rows`` (each with kind, value, role,
    service_id, directorate_id), in one change with one record holding before and after."""
    old = session.exec(select(ClaimMapping).order_by(ClaimMapping.id)).all()
    before = [mapping_details(session, m) for m in old]
    for mapping in old:
        session.delete(mapping)
    session.flush()
    created = []
    for row in rows:
        mapping = ClaimMapping(**row)
        session.add(mapping)
        created.append(mapping)
    session.flush()
    _record(
        session,
        actor,
        "claim_mappings_imported",
        {"before": before, "after": [mapping_details(session, m) for m in created]},
        _at(at),
    )
    return len(created)


def issue_sign_in_code(
    session: Session,
    actor: Actor,
    person: User,
    code_hash: str,
    expires_at: datetime,
    *,
    at: datetime | None = None,
) -> SignInCode:
    """A one-time break-glass code for ``person`` (the caller hashes it)."""
    code = SignInCode(
        user_id=person.id, code_hash=code_hash, expires_at=expires_at, created_at=_at(at)
    )
    session.add(code)
    session.flush()
    _record(
        session,
        actor,
        "sign_in_code_issued",
        {"user": _person(person), "expires_at": as_utc(expires_at).isoformat()},
        _at(at),
    )
    return code


def use_sign_in_code(
    session: Session, person: User, code: SignInCode, *, at: datetime | None = None
) -> None:
    """The code has been used to sign in (it never works again)."""
    code.used_at = _at(at)
    session.add(code)
    session.flush()
    _record(session, person, "sign_in_code_used", {"user": _person(person)}, _at(at))


# --- personal data: correcting a name, pseudonymising a leaver ------------------------------
# The audit trail hashes a person by their id (eia/audit.py, canonical form 2), so the name
# and email its records show can follow the person's: corrected with them, or replaced by a
# pseudonym, and the trail still verifies.

PSEUDONYM_DOMAIN = "pseudonymised.invalid"


def pseudonym(person: User) -> tuple[str, str]:
    return f"Former member of staff {person.id}", f"former-{person.id}@{PSEUDONYM_DOMAIN}"


def is_pseudonymised(person: User) -> bool:
    return person.email.endswith("@" + PSEUDONYM_DOMAIN)


def rectify_audit_trail(session: Session, person: User, *, erase_changes: bool = False) -> int:
    """The audit records made by ``person``, or about them, show their name and email as
    they are now; ``erase_changes``: the old and new values of changes to their name or
    email become the pseudonym too. Returns how many records changed."""
    session.flush()
    changed = session.execute(
        sa.update(AuditRecord)
        .where(AuditRecord.actor_id == person.id, AuditRecord.actor_name != person.name)
        .values(actor_name=person.name)
    ).rowcount
    about = session.exec(
        select(AuditRecord).where(
            AuditRecord.action == "admin",
            AuditRecord.details.contains(f'"id":{person.id}'),
        )
    ).all()
    for record in about:
        details = json.loads(record.details)
        user = details.get("user")
        if not isinstance(user, dict) or user.get("id") != person.id:
            continue
        details["user"] = _person(person)
        if erase_changes:
            for key, value in (("name", person.name), ("email", person.email)):
                if key in details:
                    details[key] = [value, value]
        text = audit.canonical_json(details)
        if text != record.details:
            record.details = text
            session.add(record)
            changed += 1
    session.flush()
    return changed


def pseudonymise(
    session: Session, actor: Actor, person: User, *, at: datetime | None = None
) -> AuditRecord:
    """A leaver's name and email replaced, everywhere the product keeps them, by a pseudonym
    ("Former member of staff 12"): their account (deactivated, password and sign-in links
    gone), their sign-in attempts, the emails sent to them (bodies emptied), and the audit
    trail (``rectify_audit_trail``). What they did stays, under the pseudonym."""
    if not isinstance(actor, str) and actor.id == person.id:
        raise ValueError("You cannot pseudonymise yourself: ask another administrator.")
    if is_pseudonymised(person):
        raise ValueError(f"{person.name} is already pseudonymised.")
    at = _at(at)
    old_email = person.email
    person.name, person.email = pseudonym(person)
    person.active, person.password_hash = False, None
    person.end_sessions()
    session.add(person)
    removed = {
        "sign_in_attempts": session.execute(
            sa.delete(LoginAttempt).where(LoginAttempt.email == old_email)
        ).rowcount,
        "identity_links": session.execute(
            sa.delete(IdentityLink).where(IdentityLink.user_id == person.id)
        ).rowcount,
        "sign_in_codes": session.execute(
            sa.delete(SignInCode).where(SignInCode.user_id == person.id)
        ).rowcount,
        "emails_emptied": session.execute(
            sa.update(OutboxEmail)
            .where(
                OutboxEmail.recipient_id == person.id,
                OutboxEmail.status.not_in([OutboxStatus.queued, OutboxStatus.sending]),
            )
            .values(recipient_email=person.email, body_text="", body_html="", context={})
        ).rowcount,
    }
    records = rectify_audit_trail(session, person, erase_changes=True)
    return _record(
        session,
        actor,
        "user_pseudonymised",
        {"user": _person(person), "removed": removed, "audit_records_rewritten": records},
        at,
    )


def record_retention(session: Session, actor: Actor, details: dict, at: datetime) -> AuditRecord:
    """The retention schedule's run (eia/retention.py): counts, never the data deleted."""
    return _record(session, actor, "retention_applied", details, at)


# --- imports (eia/imports/) ----------------------------------------------------------------


def add_imported_person(
    session: Session,
    actor: Actor,
    *,
    name: str,
    email: str,
    role: str,
    source: str,
    service_id: int | None = None,
    directorate_id: int | None = None,
    at: datetime | None = None,
) -> User:
    """A person an imported record names who is not here: added inactive, with no password,
    so they cannot sign in until an administrator reactivates them (and gives them their
    own email address if the import only knew their name)."""
    return _add_person(
        session,
        actor,
        "user_imported",
        User(
            name=name,
            email=email.lower(),
            role=role,
            service_id=service_id,
            directorate_id=directorate_id,
            password_hash=None,
            active=False,
            created_at=_at(at),
        ),
        source=source,
    )


def record_register_import(
    session: Session, actor: Actor, details: dict, at: datetime | None = None
) -> AuditRecord:
    """The import as a whole: which file (its SHA-256), how many EIAs and people it added."""
    return _record(session, actor, "register_imported", details, _at(at))


def record_word_import(
    session: Session, actor: Actor, details: dict, at: datetime | None = None
) -> AuditRecord:
    """An import of Word files as a whole: each file (its SHA-256) and the EIA it made."""
    return _record(session, actor, "word_imported", details, _at(at))


# --- the pan-London practice comparison ------------------------------------------------------


def _keep_years(session: Session, council: BenchmarkCouncil, feed: dict) -> list[str]:
    """Store each year of a checked ``feed`` unless a copy published later is kept already;
    years the feed does not cover stay as they were. The years stored, by label."""
    import json

    from eia.standard.compare import published_at

    published = published_at(feed)
    kept = {
        y.start_year: y
        for y in session.exec(
            select(BenchmarkYear).where(BenchmarkYear.council_id == council.id)
        ).all()
    }
    stored = []
    for year in feed["years"]:
        start = int(year["year"][:4])
        row = kept.get(start)
        if row is not None and as_utc(row.published_at) > published:
            continue
        if row is None:
            row = BenchmarkYear(council_id=council.id, start_year=start, published_at=published)
        row.published_at = published
        row.figures = json.dumps(year, sort_keys=True, ensure_ascii=False)
        session.add(row)
        stored.append(year["year"])
    if council.published_at is None or as_utc(council.published_at) < published:
        council.published_at = published
    return stored


def add_benchmark_council(
    session: Session,
    actor: Actor,
    feed: dict,
    *,
    public_key: str,
    key_source: str,
    feed_url: str | None = None,
    at: datetime | None = None,
) -> BenchmarkCouncil:
    """A council whose ``feed`` was checked (eia.standard.compare.check) against
    ``public_key``, with every year it publishes."""
    when = _at(at)
    council = BenchmarkCouncil(
        name=feed["council"]["name"],
        feed_url=feed_url,
        public_key=public_key,
        key_source=key_source,
        added_at=when,
        refreshed_at=when,
    )
    session.add(council)
    session.flush()
    years = _keep_years(session, council, feed)
    session.flush()
    _record(
        session,
        actor,
        "benchmark_council_added",
        {
            "council": _named(council),
            "feed_url": feed_url,
            "key_source": key_source,
            "public_key": public_key,
            "years": years,
        },
        when,
    )
    return council


def refresh_benchmark_council(
    session: Session,
    actor: Actor,
    council: BenchmarkCouncil,
    feed: dict | None = None,
    *,
    error: str | None = None,
    at: datetime | None = None,
) -> list[str]:
    """A refresh: the checked ``feed``'s years kept, or, if it failed, the ``error`` noted
    and nothing else changed (the last good copy stays). Audited either way."""
    when = _at(at)
    years: list[str] = []
    if feed is not None:
        years = _keep_years(session, council, feed)
        council.refreshed_at, council.last_error, council.last_error_at = when, None, None
    else:
        council.last_error, council.last_error_at = (error or "Failed")[:500], when
    session.add(council)
    session.flush()
    _record(
        session,
        actor,
        "benchmark_council_refreshed",
        {"council": _named(council), "years": years, "error": council.last_error},
        when,
    )
    return years

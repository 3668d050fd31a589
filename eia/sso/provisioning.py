"""Who has just signed in through the identity provider, and what the product makes of it.

``sign_in(session, issuer, claims, groups)`` is called with the ID token's claims once
Authlib has validated them (and the tenant has been checked). It finds the person by their
link (issuer and subject: Entra's ``oid``, stable across applications, else ``sub``); a
person is never found by email alone once linked. With no link:

- an existing account with the same email address is linked only when an administrator has
  switched on "link by email" (eia/sso/settings.py), and then only if that account is not
  already linked to another account of the same provider;
- otherwise a person is created from the claims (name, email), if the mapping gives them a
  role and whatever team the role needs.

At every sign-in the claims are applied again: name, email, role, service and directorate.
Each change is an operation of eia/admin_operations.py (audited, actor
``SINGLE_SIGN_ON``), in the same transaction as the sign-in. A new role or team ends the
person's other sessions, as when an administrator changes it. A person deactivated here is
refused whatever the provider says; a person the mapping gives no role is refused with a
page saying whom to ask (their account is not changed).
"""

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlmodel import Session, select

from eia import admin_operations as admin_ops
from eia.models import IdentityLink, User, utcnow

from . import settings
from .mapping import Resolution, resolve

ACTOR = admin_ops.SINGLE_SIGN_ON


@dataclass
class Outcome:
    user: User | None = None
    link: IdentityLink | None = None
    refused: str | None = None  # "deactivated", "no role", "email taken", "no email", ...
    resolution: Resolution | None = None
    email: str = ""
    changes: list[str] = field(default_factory=list)


def subject_of(claims: dict) -> str | None:
    value = claims.get("oid") or claims.get("sub")
    return value if isinstance(value, str) and value else None


def email_of(claims: dict) -> str:
    for key in ("email", "preferred_username", "upn"):
        value = claims.get(key)
        if isinstance(value, str) and "@" in value and len(value) <= 320:
            return value.strip().lower()
    return ""


def name_of(claims: dict, email: str) -> str:
    name = claims.get("name")
    if isinstance(name, str) and name.strip():
        return " ".join(name.split())[:200]
    return email


def _email_holder(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(sa.func.lower(User.email) == email)).first()


def sign_in(session: Session, issuer: str, claims: dict, groups) -> Outcome:
    """Find or make the person; the caller commits (or rolls back on a refusal)."""
    subject = subject_of(claims)
    email = email_of(claims)
    outcome = Outcome(email=email)
    if subject is None:
        outcome.refused = "no subject"
        return outcome
    link = session.exec(
        select(IdentityLink).where(IdentityLink.issuer == issuer, IdentityLink.subject == subject)
    ).first()
    person = session.get(User, link.user_id) if link is not None else None
    if person is not None and not person.active:
        outcome.refused, outcome.user = "deactivated", person
        return outcome
    resolution = resolve(session, claims.get("roles"), groups)
    outcome.resolution = resolution
    if not resolution.ok:
        outcome.refused, outcome.user = resolution.problem, person
        return outcome
    if not email:
        outcome.refused = "no email"
        return outcome
    name = name_of(claims, email)
    if person is None:
        holder = _email_holder(session, email)
        if holder is not None:
            already = session.exec(
                select(IdentityLink.id).where(
                    IdentityLink.user_id == holder.id, IdentityLink.issuer == issuer
                )
            ).first()
            if already is not None or not settings.is_on(session, settings.LINK_BY_EMAIL):
                outcome.refused = "email taken"
                return outcome
            if not holder.active:
                outcome.refused, outcome.user = "deactivated", holder
                return outcome
            person = holder
            link = admin_ops.link_identity(
                session, ACTOR, person, issuer=issuer, subject=subject, by_email=True
            )
            outcome.changes.append("linked by email")
        else:
            person = admin_ops.create_user(
                session,
                ACTOR,
                name=name,
                email=email,
                role=resolution.role,
                password_hash=None,
                service_id=resolution.service_id,
                directorate_id=resolution.directorate_id,
            )
            link = admin_ops.link_identity(session, ACTOR, person, issuer=issuer, subject=subject)
            outcome.changes.append("created")
    if person.email != email:
        holder = _email_holder(session, email)
        if (holder is None or holder.id == person.id) and admin_ops.change_email(
            session, ACTOR, person, email
        ):
            outcome.changes.append("email")
    records = admin_ops.update_user(
        session,
        ACTOR,
        person,
        name=name,
        role=resolution.role,
        service_id=resolution.service_id,
        directorate_id=resolution.directorate_id,
        active=person.active,
    )
    outcome.changes += [r.event for r in records]
    link.last_sign_in_at = utcnow()
    session.add(link)
    session.flush()
    outcome.user, outcome.link = person, link
    return outcome

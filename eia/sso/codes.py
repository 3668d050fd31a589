"""One-time break-glass codes: when password sign-in is switched off and the identity
provider cannot be used, someone with access to the server runs
`eia users break-glass --email <an administrator>`; the code it prints signs that
administrator in once, in the password field of the sign-in page, within CODE_MINUTES. The
issue and the use are both in the audit trail. The administrator can then switch password
sign-in back on for everyone (Manage > Sign-in) until the provider is back."""

import secrets
from datetime import timedelta

from sqlmodel import Session, select

from eia import admin_operations as admin_ops
from eia.capabilities import Capability, may
from eia.models import SignInCode, User, as_utc, utcnow
from eia.passwords import hash_password, verify_password

CODE_MINUTES = 15
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def issue(session: Session, actor, person: User) -> str:
    if not may(person, Capability.administer) or not person.active:
        raise ValueError("One-time codes are for active administrators only")
    code = "-".join("".join(secrets.choice(_ALPHABET) for _ in range(5)) for _ in range(5))
    admin_ops.issue_sign_in_code(
        session, actor, person, hash_password(code), utcnow() + timedelta(minutes=CODE_MINUTES)
    )
    return code


def redeem(session: Session, person: User, code: str) -> bool:
    """Sign-in with a code: True (and the code is used up) if it is one of theirs, unused
    and in time."""
    if not may(person, Capability.administer) or not person.active or len(code) > 64:
        return False
    now = utcnow()
    for row in session.exec(
        select(SignInCode).where(SignInCode.user_id == person.id, SignInCode.used_at.is_(None))
    ).all():
        if as_utc(row.expires_at) > now and verify_password(row.code_hash, code):
            admin_ops.use_sign_in_code(session, person, row, at=now)
            return True
    return False

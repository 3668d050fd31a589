"""Signing in through the council's identity provider (OpenID Connect): who a provider's
account is here, how its claims become a role and a team, the sign-in settings an
administrator changes in the browser, and the one-time break-glass codes."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .base import utcnow


class IdentityLink(SQLModel, table=True):
    """A provider's account (its issuer and the stable subject: Entra's ``oid``, otherwise
    ``sub``) is this person. Once linked, a person is found by this link alone, never by
    their email address."""

    __tablename__ = "identity_link"
    __table_args__ = (sa.UniqueConstraint("issuer", "subject"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    issuer: str = Field(sa_type=sa.String(500))
    subject: str = Field(sa_type=sa.String(255))
    created_at: datetime = Field(default_factory=utcnow)
    last_sign_in_at: datetime | None = Field(default=None)
    # The last ID token the provider issued for this link: the hint its end-session
    # endpoint is given when the person signs out there too (nothing else reads it).
    last_id_token: str | None = Field(default=None, sa_type=sa.Text())


class ClaimMapping(SQLModel, table=True):
    """People with this Entra app role (``kind`` "app_role": the value of the ``roles``
    claim) or in this group (``kind`` "group": its object id) have this role, and/or belong
    to this service or directorate. Edited by administrators (audited)."""

    __tablename__ = "claim_mapping"
    __table_args__ = (sa.UniqueConstraint("kind", "value"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(sa_type=sa.String(16))
    value: str = Field(sa_type=sa.String(200))
    role: str | None = Field(default=None, sa_type=sa.String(32))
    service_id: int | None = Field(default=None, foreign_key="service.id", index=True)
    directorate_id: int | None = Field(default=None, foreign_key="directorate.id", index=True)


class AppSetting(SQLModel, table=True):
    """A setting administrators change in the browser (audited): see eia/sso/settings.py."""

    __tablename__ = "app_setting"

    key: str = Field(sa_type=sa.String(64), primary_key=True)
    value: str = Field(sa_type=sa.String(200))


class SignInCode(SQLModel, table=True):
    """A one-time break-glass code issued on the command line (`eia users break-glass`):
    lets an administrator sign in with it in place of a password, once, for a few minutes,
    when password sign-in is switched off and the provider cannot be used."""

    __tablename__ = "sign_in_code"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    code_hash: str = Field(sa_type=sa.String(255))
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: datetime | None = Field(default=None)

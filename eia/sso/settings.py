"""Sign-in settings: whether single sign-on is set up, whether passwords still work (the
break-glass), and whether a first sign-in may link to an existing account by email.

Password sign-in, once the identity provider is set up, is allowed when LOCAL_SIGN_IN is
not "off" and no administrator has switched it off (``password_sign_in`` in
``app_setting``, changed on the admin page, audited). When it is not allowed only a one-time
code from `eia users break-glass` signs an administrator in with the password form. Without
an identity provider, passwords are the only way in and cannot be switched off.
"""

from flask import current_app
from sqlmodel import Session

from eia.models import AppSetting

PASSWORD_SIGN_IN = "password_sign_in"
LINK_BY_EMAIL = "link_by_email"
DEFAULTS = {PASSWORD_SIGN_IN: "on", LINK_BY_EMAIL: "off"}
LABELS = {PASSWORD_SIGN_IN: "password sign-in", LINK_BY_EMAIL: "linking by email address"}


def oidc_configured(config=None) -> bool:
    config = config if config is not None else current_app.config
    return bool(config.get("OIDC_ISSUER") and config.get("OIDC_CLIENT_ID"))


def get(session: Session, key: str) -> str:
    row = session.get(AppSetting, key)
    return row.value if row is not None else DEFAULTS[key]


def is_on(session: Session, key: str) -> bool:
    return get(session, key) == "on"


def passwords_switched_off_by_environment(config=None) -> bool:
    config = config if config is not None else current_app.config
    return config.get("LOCAL_SIGN_IN", "on") == "off"


def password_sign_in_allowed(session: Session) -> bool:
    """Whether a password (rather than only a one-time code) signs a person in now."""
    if not oidc_configured():
        return True
    if passwords_switched_off_by_environment():
        return False
    return is_on(session, PASSWORD_SIGN_IN)

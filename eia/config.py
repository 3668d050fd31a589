"""Settings from the environment, with embedded defaults that need no services."""

import os
from pathlib import Path

from notifications import settings as notification_settings


def normalise_database_url(url: str) -> str:
    """Accept the URLs hosting platforms hand out and use the psycopg 3 driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load_config(instance_path: str) -> dict:
    instance = Path(instance_path)
    sqlite_file = instance / "eia.db"
    database_url = normalise_database_url(
        os.environ.get("DATABASE_URL") or f"sqlite:///{sqlite_file}"
    )
    redis_url = os.environ.get("REDIS_URL") or None
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY") or _dev_secret(instance),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        # Celery: Redis when configured, otherwise a broker inside an SQLite file.
        "CELERY_BROKER_URL": redis_url or f"sqla+sqlite:///{instance / 'celery-broker.db'}",
        "CELERY_RESULT_BACKEND": redis_url or f"db+sqlite:///{instance / 'celery-results.db'}",
        "SMTP_HOST": os.environ.get("SMTP_HOST", ""),
        "SMTP_PORT": int(os.environ.get("SMTP_PORT", "25")),
        "SMTP_USERNAME": os.environ.get("SMTP_USERNAME", ""),
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": _bool("SMTP_STARTTLS", False),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "eia-noreply@example.gov.uk"),
        "COUNCIL_NAME": os.environ.get("COUNCIL_NAME", "Islington Council"),
        # The council's own Word template for committee reports (eia.exports.word); the
        # default one in templates/word/ when not set.
        "WORD_TEMPLATE": os.environ.get("EIA_WORD_TEMPLATE", ""),
        "PRODUCT_NAME": os.environ.get("PRODUCT_NAME", "Equality Impact Assessment"),
        "PRODUCT_SHORT_NAME": os.environ.get("PRODUCT_SHORT_NAME", "EIA"),
        # Named on the privacy notice and the accessibility statement (eia/web/about.py).
        "PRIVACY_CONTACT_EMAIL": os.environ.get(
            "PRIVACY_CONTACT_EMAIL", "data.protection@example.gov.uk"
        ),
        "ACCESSIBILITY_CONTACT_EMAIL": os.environ.get(
            "ACCESSIBILITY_CONTACT_EMAIL", "accessibility@example.gov.uk"
        ),
        "BASE_URL": os.environ.get("BASE_URL", "http://127.0.0.1:5000"),
        "TRUST_PROXY": _bool("TRUST_PROXY", False),
        "SESSION_IDLE_MINUTES": int(os.environ.get("SESSION_IDLE_MINUTES", "30")),
        "SESSION_MAX_HOURS": int(os.environ.get("SESSION_MAX_HOURS", "10")),
        # Sign-in throttling (eia/web/throttle.py): per account and place, per address, and a
        # slow-down (never a lockout) per account.
        "LOGIN_MAX_FAILURES": int(os.environ.get("LOGIN_MAX_FAILURES", "5")),
        "LOGIN_LOCKOUT_MINUTES": int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")),
        "LOGIN_SOURCE_MAX_FAILURES": int(os.environ.get("LOGIN_SOURCE_MAX_FAILURES", "50")),
        "LOGIN_ACCOUNT_SLOWDOWN_AFTER": int(os.environ.get("LOGIN_ACCOUNT_SLOWDOWN_AFTER", "20")),
        "LOGIN_ACCOUNT_MAX_DELAY_SECONDS": int(
            os.environ.get("LOGIN_ACCOUNT_MAX_DELAY_SECONDS", "60")
        ),
        # Anonymous downloads of the public PDF and register files, per address and window.
        "PUBLIC_DOWNLOAD_LIMIT": int(os.environ.get("PUBLIC_DOWNLOAD_LIMIT", "30")),
        "PUBLIC_DOWNLOAD_WINDOW_SECONDS": max(
            1, int(os.environ.get("PUBLIC_DOWNLOAD_WINDOW_SECONDS", "60"))
        ),
        # Signing in through the council's identity provider (eia/sso/, README "Signing in
        # with the council's account"). Unset OIDC_ISSUER: passwords only, as before.
        "OIDC_ISSUER": os.environ.get("OIDC_ISSUER", "").strip(),
        "OIDC_CLIENT_ID": os.environ.get("OIDC_CLIENT_ID", "").strip(),
        "OIDC_CLIENT_SECRET": os.environ.get("OIDC_CLIENT_SECRET", ""),
        "OIDC_CLIENT_PRIVATE_KEY": os.environ.get("OIDC_CLIENT_PRIVATE_KEY", ""),
        "OIDC_CLIENT_KEY_ID": os.environ.get("OIDC_CLIENT_KEY_ID", ""),
        "OIDC_CLIENT_CERT_THUMBPRINT": os.environ.get("OIDC_CLIENT_CERT_THUMBPRINT", ""),
        "OIDC_TENANT_ID": os.environ.get("OIDC_TENANT_ID", "").strip(),
        "OIDC_SCOPES": os.environ.get("OIDC_SCOPES", "openid profile email"),
        "OIDC_ACCOUNT_NAME": os.environ.get("OIDC_ACCOUNT_NAME", ""),
        "OIDC_GROUPS_URL": os.environ.get(
            "OIDC_GROUPS_URL", "https://graph.microsoft.com/v1.0/me/getMemberObjects"
        ),
        "OIDC_TIMEOUT_SECONDS": float(os.environ.get("OIDC_TIMEOUT_SECONDS", "10")),
        "LOCAL_SIGN_IN": "off"
        if os.environ.get("LOCAL_SIGN_IN", "on").strip().lower() in {"off", "false", "0", "no"}
        else "on",
        # Service health (eia/health.py): beat asks a worker to write the heartbeat every
        # HEARTBEAT_SECONDS; /readyz goes red when it is older than HEARTBEAT_MAX_AGE_SECONDS.
        "HEARTBEAT_SECONDS": max(5, int(os.environ.get("HEARTBEAT_SECONDS", "60"))),
        "HEARTBEAT_MAX_AGE_SECONDS": int(os.environ.get("HEARTBEAT_MAX_AGE_SECONDS", "300")),
        # Logs (eia/logs.py): JSON lines at LOG_LEVEL. Metrics (eia/metrics.py): /metrics
        # answers a bearer METRICS_TOKEN, or, with none set, requests from this machine only.
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO").strip().upper() or "INFO",
        "METRICS_TOKEN": os.environ.get("METRICS_TOKEN", ""),
        # Reminder intervals and email delivery (notifications/settings.py lists them).
        **notification_settings.load(),
        # The retention schedule (eia/retention.py, README "Retention and personal data").
        **retention_settings(os.environ),
    }


# Days each kind of personal data is kept (0: for ever); eia/retention.py applies them.
RETENTION_DEFAULTS = {
    "RETENTION_LOGIN_ATTEMPT_DAYS": 90,
    "RETENTION_EMAIL_BODY_DAYS": 90,
    "RETENTION_MAILBOX_DAYS": 30,
    "RETENTION_INACTIVE_ACCOUNT_DAYS": 365,
    "RETENTION_PSEUDONYMISE_AFTER_DAYS": 0,
}
# Sign-in throttling counts failures over up to a day: sign-in attempts are kept longer.
MIN_LOGIN_ATTEMPT_DAYS = 2


def retention_settings(environ) -> dict:
    values = {}
    for name, default in RETENTION_DEFAULTS.items():
        raw = (environ.get(name) or "").strip()
        try:
            days = int(raw) if raw else default
        except ValueError:
            days = -1
        if days < 0:
            raise ValueError(f"{name} must be a whole number of days, or 0 for never, not {raw!r}")
        values[name] = days
    if 0 < values["RETENTION_LOGIN_ATTEMPT_DAYS"] < MIN_LOGIN_ATTEMPT_DAYS:
        values["RETENTION_LOGIN_ATTEMPT_DAYS"] = MIN_LOGIN_ATTEMPT_DAYS
    return values


def _dev_secret(instance: Path) -> str:
    """A random key kept in the instance folder, so local sessions survive restarts."""
    instance.mkdir(parents=True, exist_ok=True)
    key_file = instance / "secret_key"
    if not key_file.exists():
        key_file.write_text(os.urandom(32).hex())
        key_file.chmod(0o600)
    return key_file.read_text().strip()

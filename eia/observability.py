"""Optional error reports to Sentry (or any Sentry-compatible service, such as GlitchTip),
switched on by the environment alone: SENTRY_DSN. The SDK is an extra
(``pip install "eia-engine[sentry]"``; the container image has it), imported only when
SENTRY_DSN is set. No personal data is sent (send_default_pii off: no addresses, cookies or
form contents); SENTRY_ENVIRONMENT and SENTRY_TRACES_SAMPLE_RATE (default 0: errors only)
tune it."""

import logging
import os

from eia import health

log = logging.getLogger(__name__)


def init_error_reporting() -> bool:
    dsn = os.environ.get("SENTRY_DSN", "").strip()
    if not dsn:
        return False
    try:
        import sentry_sdk
    except ImportError:
        log.warning(
            "SENTRY_DSN is set but the Sentry SDK is not installed: "
            'pip install "eia-engine[sentry]". Errors are only logged.',
            extra={"event": "sentry_missing"},
        )
        return False
    sentry_sdk.init(
        dsn=dsn,
        release=f"eia-engine@{health.version()}+{health.commit()[:12]}",
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        send_default_pii=False,
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0") or 0),
    )
    return True

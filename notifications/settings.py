"""Reminder and email-delivery settings, from the environment (documented in README.md).

``eia.config.load_config`` merges these into the Flask config. Code outside an app context
(unit tests driving a session directly) reads them through ``current()``.
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    kind: type
    meaning: str


SETTINGS = (
    # --- reminder rules (working days skip weekends and England and Wales bank holidays) -----
    Setting(
        "REMINDER_IDLE_AFTER_DAYS",
        "10",
        int,
        "working days an EIA in draft, screening or full assessment may sit with no "
        "change (no audit record) before its author is reminded",
    ),
    Setting(
        "REMINDER_IDLE_REPEAT_DAYS",
        "5",
        int,
        "working days between repeated reminders to the author while it stays idle",
    ),
    Setting(
        "REMINDER_IDLE_ESCALATE_DAYS",
        "20",
        int,
        "working days idle before the directorate's approvers are told",
    ),
    Setting(
        "REMINDER_SIGNOFF_AFTER_DAYS",
        "3",
        int,
        "working days an EIA may wait for sign-off before its approvers are reminded",
    ),
    Setting(
        "REMINDER_SIGNOFF_REPEAT_DAYS",
        "3",
        int,
        "working days between repeated reminders to the approvers",
    ),
    Setting(
        "REMINDER_SIGNOFF_ESCALATE_DAYS",
        "10",
        int,
        "working days waiting before the Policy and Equality Unit (equality officers) is told",
    ),
    Setting(
        "REMINDER_DECISION_WITHIN_DAYS",
        "5",
        int,
        "an EIA not yet signed off whose decision date is this many working days away "
        "or fewer gets an urgent reminder (owner and approvers), each working day",
    ),
    Setting(
        "REMINDER_REVIEW_NOTICE_DAYS",
        "30",
        int,
        "calendar days before an approved EIA's review date that its owner is told",
    ),
    Setting(
        "REMINDER_ACTION_DUE_WITHIN_DAYS",
        "5",
        int,
        "working days before an open action's due date that its owner is reminded",
    ),
    Setting(
        "REMINDER_ACTION_OVERDUE_REPEAT_DAYS",
        "5",
        int,
        "working days between reminders about an overdue action",
    ),
    Setting(
        "REMINDER_SWEEP_TIME",
        "07:00",
        str,
        "London time of the daily reminder sweep (it also moves due reviews)",
    ),
    Setting(
        "DIGEST_TIME", "07:30", str, "London time of the daily digest email (working days only)"
    ),
    # --- the outbox and sending -----------------------------------------------------------
    Setting(
        "OUTBOX_SWEEP_SECONDS",
        "60",
        float,
        "how often the sweeper queues emails that never reached the broker and retries due ones",
    ),
    Setting(
        "OUTBOX_REQUEUE_AFTER_SECONDS",
        "120",
        float,
        "an email handed to the broker but still unsent after this long is handed over "
        "again (sending it twice is prevented by its claim)",
    ),
    Setting(
        "OUTBOX_SEND_LEASE_SECONDS",
        "600",
        float,
        "how long a worker's claim on an email lasts (recorded on the row when it "
        "claims it): if the worker dies, the email is sent again after this. At least "
        "each timed wait of an SMTP conversation at SMTP_TIMEOUT plus 30 s to record "
        '"sent" (7 waits, 8 with SMTP_SSL, 10 with SMTP_STARTTLS, 5 more with '
        "SMTP_USERNAME: 240 s with the defaults, 480 with STARTTLS and a login); "
        "shorter is refused at start",
    ),
    Setting(
        "OUTBOX_MAX_ATTEMPTS",
        "8",
        int,
        "attempts to send before an email is marked failed (admins can resend it)",
    ),
    Setting(
        "OUTBOX_RETRY_BASE_SECONDS",
        "30",
        float,
        "delay before the first retry; it doubles each time",
    ),
    Setting(
        "OUTBOX_RETRY_MAX_SECONDS",
        "1800",
        float,
        "the longest delay between retries (kept below the broker's visibility timeout)",
    ),
    Setting(
        "OUTBOX_BATCH_SIZE",
        "20",
        int,
        "emails handed to a worker in one task: it sends them one after another over "
        'one SMTP connection, each claimed and recorded "sent" on its own',
    ),
    Setting(
        "SMTP_KEEPALIVE_SECONDS",
        "30",
        float,
        "how long a worker keeps its SMTP connection open with nothing to send (it is "
        "closed at once on any error, and when the worker stops)",
    ),
    Setting(
        "BROKER_VISIBILITY_TIMEOUT",
        "3600",
        float,
        "seconds Redis waits before giving an unacknowledged task to another worker",
    ),
    Setting(
        "SMTP_TIMEOUT",
        "30",
        float,
        "seconds to wait for each answer of the mail server; a whole conversation is "
        "cut off after its number of waits times this",
    ),
    Setting(
        "SMTP_SSL", "false", bool, "connect with implicit TLS (port 465) instead of plain SMTP"
    ),
)


def _parse(setting: Setting, raw: str):
    if setting.kind is bool:
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if setting.kind is str:
        return raw.strip()
    try:
        return setting.kind(raw)
    except ValueError:
        raise ValueError(f"{setting.name} must be a number, not {raw!r}") from None


def _on(raw) -> bool:
    return str(raw or "").strip().lower() in {"1", "true", "yes", "on"}


def load(environ: Mapping[str, str] | None = None) -> dict:
    environ = os.environ if environ is None else environ
    values = {}
    for s in SETTINGS:
        raw = environ.get(s.name)
        values[s.name] = _parse(s, raw if raw not in (None, "") else s.default)
    check(
        values, starttls=_on(environ.get("SMTP_STARTTLS")), login=bool(environ.get("SMTP_USERNAME"))
    )
    return values


def check(values: Mapping, *, starttls: bool = True, login: bool = True) -> None:
    """Refuse settings that would send an email twice or never. ``starttls`` and ``login``:
    whether the SMTP conversation has those steps (assumed, when not known)."""
    if values["OUTBOX_RETRY_MAX_SECONDS"] >= values["BROKER_VISIBILITY_TIMEOUT"]:
        raise ValueError(
            "OUTBOX_RETRY_MAX_SECONDS must be shorter than "
            "BROKER_VISIBILITY_TIMEOUT, or Redis hands a waiting retry to a "
            "second worker"
        )
    from .sending import RECORD_WAIT_SECONDS, minimum_lease, smtp_waits

    options = dict(smtp_ssl=bool(values.get("SMTP_SSL")), starttls=starttls, login=login)
    timeout = values.get("SMTP_TIMEOUT", 30)
    shortest = minimum_lease(timeout, **options)
    if values["OUTBOX_SEND_LEASE_SECONDS"] < shortest:
        raise ValueError(
            f"OUTBOX_SEND_LEASE_SECONDS must be at least {shortest:g}: one SMTP conversation "
            f"has {smtp_waits(**options)} timed waits of up to SMTP_TIMEOUT ({timeout:g} s) "
            f'each, and recording "sent" may wait {RECORD_WAIT_SECONDS} s for the '
            "database. A shorter claim could lapse while its email is still being sent, "
            "and the email would be sent again."
        )
    if values.get("OUTBOX_BATCH_SIZE", 1) < 1:
        raise ValueError("OUTBOX_BATCH_SIZE must be at least 1")
    if values["OUTBOX_MAX_ATTEMPTS"] < 1:
        raise ValueError("OUTBOX_MAX_ATTEMPTS must be at least 1")
    for name in ("REMINDER_SWEEP_TIME", "DIGEST_TIME"):
        hour_minute(values[name], name)
    for name in (
        "REMINDER_IDLE_REPEAT_DAYS",
        "REMINDER_SIGNOFF_REPEAT_DAYS",
        "REMINDER_ACTION_OVERDUE_REPEAT_DAYS",
    ):
        if values[name] < 1:
            raise ValueError(f"{name} must be at least 1")


def hour_minute(value: str, name: str = "time") -> tuple[int, int]:
    try:
        hour, minute = (int(part) for part in value.split(":"))
    except ValueError:
        raise ValueError(f"{name} must look like 07:30, not {value!r}") from None
    if not (0 <= hour < 24 and 0 <= minute < 60):
        raise ValueError(f"{name} must look like 07:30, not {value!r}")
    return hour, minute


@dataclass(frozen=True)
class View:
    """Attribute access to a config mapping: ``cfg.REMINDER_IDLE_AFTER_DAYS``."""

    values: Mapping

    def __getattr__(self, name):
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None


def current() -> View:
    """The running app's settings, or the environment's outside an app."""
    from flask import current_app, has_app_context

    if has_app_context():
        config = current_app.config
        if all(s.name in config for s in SETTINGS):
            return View(config)
    defaults = {
        "SMTP_HOST": os.environ.get("SMTP_HOST", ""),
        "BASE_URL": os.environ.get("BASE_URL", "http://127.0.0.1:5000"),
    }
    return View({**defaults, **load()})

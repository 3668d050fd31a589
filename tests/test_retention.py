"""The retention schedule, run the way Celery beat runs it, as time passes (time-machine):
each kind of personal data goes when its time comes and not before, nothing still needed is
touched, and every run leaves one audit record of counts (never the data)."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from eia import audit
from eia.admin_history import what_changed
from eia.config import retention_settings
from eia.models import AuditRecord, LoginAttempt, OutboxEmail, User
from eia.queries.sign_in import note_sign_in
from notifications.tasks import apply_retention

T0 = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)


def _email(db, person, key, *, status="sent", transport="smtp"):
    email = OutboxEmail(
        idempotency_key=key,
        recipient_id=person.id,
        recipient_email=person.email,
        kind="transition",
        rule="submitted",
        template="submitted",
        subject="An EIA was submitted",
        context={"name": person.name},
        status=status,
        transport=transport if status == "sent" else "",
        sent_at=T0 if status == "sent" else None,
        body_text=f"Dear {person.name}",
        body_html=f"<p>Dear {person.name}</p>",
    )
    db.add(email)
    return email


def _run(app, time_machine, days):
    time_machine.move_to(T0 + timedelta(days=days, hours=16), tick=False)  # 02:00 London
    with app.app_context():
        return apply_retention.run()


def _last_record(db) -> AuditRecord:
    return db.exec(select(AuditRecord).order_by(AuditRecord.seq.desc())).first()


def test_beat_schedule_applies_retention_nightly(app):
    from celery.schedules import crontab

    entry = app.extensions["celery"].conf.beat_schedule["apply-retention"]
    assert entry["task"] == apply_retention.name
    assert entry["schedule"] == crontab(hour=2, minute=30)


def test_schedule_deletes_each_kind_when_its_time_comes(app, db, make, time_machine):
    time_machine.move_to(T0, tick=False)
    admin, officer = make.user("admin"), make.user("officer")
    approver = make.user("approver")
    db.add(LoginAttempt(email=officer.email, ip_address="10.1.2.3", succeeded=False))
    sent = _email(db, officer, "sent")
    mailbox = _email(db, approver, "mailbox", transport="mailbox")
    queued = _email(db, officer, "queued", status="queued")
    db.commit()
    note_sign_in(db, approver.id, T0)

    def bodies():
        db.expire_all()
        return {e.idempotency_key: bool(e.body_text) for e in (sent, mailbox, queued)}

    # Day 29: nothing is due yet.
    assert set(_run(app, time_machine, 29).values()) == {0}
    assert bodies() == {"sent": True, "mailbox": True, "queued": True}
    # Day 31: the local mailbox's copy goes (30 days); the rest stays.
    assert _run(app, time_machine, 31)["mailbox_emails_emptied"] == 1
    assert bodies() == {"sent": True, "mailbox": False, "queued": True}
    assert db.exec(select(LoginAttempt)).all()
    # Day 91: sign-in attempts and sent emails' text (90 days); a queued email is untouched,
    # and the emptied rows stay (their key stops a reminder being sent twice).
    outcome = _run(app, time_machine, 91)
    assert (outcome["login_attempts_deleted"], outcome["email_bodies_emptied"]) == (1, 1)
    assert bodies() == {"sent": False, "mailbox": False, "queued": True}
    assert db.get(OutboxEmail, sent.id).context == {}
    assert db.exec(select(LoginAttempt)).all() == []
    # Day 366: accounts unused for a year are deactivated; one signed in since is not.
    note_sign_in(db, admin.id, T0 + timedelta(days=300))
    outcome = _run(app, time_machine, 366)
    assert outcome["accounts_deactivated"] == 2
    db.expire_all()
    assert [db.get(User, u.id).active for u in (admin, officer, approver)] == [True, False, False]
    # Again the same day: nothing more to do.
    assert set(_run(app, time_machine, 366).values()) == {0}

    # Every run is in the audit trail, in counts, and the trail verifies.
    runs = db.exec(select(AuditRecord).where(AuditRecord.event == "retention_applied")).all()
    assert len(runs) == 5  # days 29, 31, 91, 366 and 366 again
    for record in runs:
        assert record.actor_id is None and record.actor_name == "System (retention schedule)"
        assert "@" not in record.details and "Dear" not in record.details
    assert json.loads(runs[1].details)["counts"]["mailbox_emails_emptied"] == 1
    assert what_changed(runs[1]).endswith("on schedule: mailbox emails emptied 1")
    assert what_changed(runs[0]).endswith("on schedule: none due")
    assert audit.verify(db).ok


def test_unused_accounts_are_pseudonymised_when_switched_on(app, db, make, time_machine):
    time_machine.move_to(T0, tick=False)
    admin, leaver = make.user("admin"), make.user("officer", name="Lou Leaver")
    db.commit()
    note_sign_in(db, admin.id, T0 + timedelta(days=700))
    assert _run(app, time_machine, 366)["accounts_pseudonymised"] == 0  # off by default
    app.config["RETENTION_PSEUDONYMISE_AFTER_DAYS"] = 730
    assert _run(app, time_machine, 729)["accounts_pseudonymised"] == 0
    assert _run(app, time_machine, 731)["accounts_pseudonymised"] == 1
    db.expire_all()
    assert db.get(User, leaver.id).name == f"Former member of staff {leaver.id}"
    assert db.get(User, admin.id).active
    assert "Lou Leaver" not in str(
        [(r.actor_name, r.details) for r in db.exec(select(AuditRecord))]
    )
    assert audit.verify(db).ok


def test_the_last_active_administrator_is_never_deactivated(app, db, make, time_machine):
    time_machine.move_to(T0, tick=False)
    admin = make.user("admin")
    others = db.exec(select(User).where(User.role == "admin", User.id != admin.id)).all()
    for other in others:
        other.active = False
        db.add(other)
    db.commit()
    assert _run(app, time_machine, 400)["accounts_deactivated"] == 0
    db.expire_all()
    assert db.get(User, admin.id).active


@pytest.mark.parametrize("value", ["x", "-1", "1.5"])
def test_a_bad_setting_says_what_to_do(value):
    with pytest.raises(ValueError, match="RETENTION_EMAIL_BODY_DAYS must be a whole number"):
        retention_settings({"RETENTION_EMAIL_BODY_DAYS": value})


def test_settings_have_defaults_and_keep_sign_in_attempts_for_throttling():
    assert retention_settings({})["RETENTION_LOGIN_ATTEMPT_DAYS"] == 90
    assert (
        retention_settings({"RETENTION_LOGIN_ATTEMPT_DAYS": "1"})["RETENTION_LOGIN_ATTEMPT_DAYS"]
        == 2
    )
    assert (
        retention_settings({"RETENTION_INACTIVE_ACCOUNT_DAYS": "0"})[
            "RETENTION_INACTIVE_ACCOUNT_DAYS"
        ]
        == 0
    )

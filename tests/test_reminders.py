"""The reminder rules, travelling through weekdays, weekends and England and Wales bank
holidays with time-machine. Default intervals (notifications/settings.py) throughout."""

from datetime import date, datetime, time, timedelta

import pytest
from sqlmodel import select

from eia import operations as ops
from eia.models import LONDON, OutboxEmail
from notifications import outbox
from notifications import settings as notification_settings
from notifications.calendar import (
    add_working_days,
    idle_cutoff,
    is_working_day,
    working_days_between,
)
from notifications.digest import send_digests, set_preference
from notifications.reminders import sweep_reminders

from .support.html import parse
from .support.people import sign_in

CFG = notification_settings.View(notification_settings.load({}))


def at(day: date, hour: int = 7, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def days(first: date, last: date):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


@pytest.fixture
def travel(time_machine):
    def go(day: date, hour: int = 7, minute: int = 0):
        time_machine.move_to(at(day, hour, minute), tick=False)

    return go


@pytest.fixture
def sweep(db, travel):
    """The morning sweep on ``day``: the rows it wrote."""

    def run(day: date, hour: int = 7) -> list[OutboxEmail]:
        travel(day, hour)
        ids = sweep_reminders(db, day, CFG)
        db.flush()
        return (
            list(
                db.exec(
                    select(OutboxEmail).where(OutboxEmail.id.in_(ids)).order_by(OutboxEmail.id)
                ).all()
            )
            if ids
            else []
        )

    return run


def diary(sweep, first: date, last: date, eia_id: int, rules=None) -> dict:
    """Sweep every day from ``first`` to ``last``: {day: [(rule, recipient id)]} for the days
    something was written about this EIA."""
    written = {}
    for day in days(first, last):
        rows = [
            (r.rule, r.recipient_id)
            for r in sweep(day)
            if r.eia_id == eia_id and (rules is None or r.rule in rules)
        ]
        if rows:
            written[day] = rows
    return written


# --- the calendar ---------------------------------------------------------------------------


def test_working_days_skip_weekends_and_bank_holidays():
    christmas_2026 = [date(2026, 12, 25), date(2026, 12, 28)]  # Boxing Day (Sat) -> Mon 28
    assert not any(is_working_day(d) for d in christmas_2026)
    assert not is_working_day(date(2026, 12, 26)) and is_working_day(date(2026, 12, 29))
    # 2027: Christmas and Boxing Day fall at a weekend; both substitute days are holidays.
    assert not is_working_day(date(2027, 12, 27)) and not is_working_day(date(2027, 12, 28))
    # Easter 2027: Good Friday 26 March, Easter Monday 29 March.
    assert not is_working_day(date(2027, 3, 26)) and not is_working_day(date(2027, 3, 29))
    assert working_days_between(date(2027, 3, 25), date(2027, 3, 30)) == 1
    assert working_days_between(date(2026, 12, 24), date(2026, 12, 29)) == 1
    assert working_days_between(date(2026, 12, 18), date(2026, 12, 21)) == 1  # a weekend
    assert working_days_between(date(2026, 12, 21), date(2026, 12, 21)) == 0
    # 2026 has 261 weekdays after 1 January up to 1 January 2027, 8 of them bank holidays.
    assert working_days_between(date(2026, 1, 1), date(2027, 1, 1)) == 253
    assert add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29)
    assert add_working_days(date(2026, 12, 29), -1) == date(2026, 12, 24)
    assert add_working_days(date(2027, 3, 25), 2) == date(2027, 3, 31)


def test_idle_cutoff_matches_working_days_between():
    today = date(2026, 12, 30)
    for n in range(15):
        cutoff = idle_cutoff(today, n)
        for back in range(30):
            d = today - timedelta(days=back)
            assert (working_days_between(d, today) >= n) == (d < cutoff), (n, d)


# --- idle drafts --------------------------------------------------------------------------------


def test_idle_draft_reminds_its_author_after_ten_working_days_not_counting_christmas(
    db, make, travel, sweep
):
    travel(date(2026, 12, 14), 10)
    owner = make.user("officer")
    approver = make.user("approver", directorate=owner.service.directorate)
    eia = make.eia("draft", owner=owner, approver=approver)
    db.commit()
    written = diary(sweep, date(2026, 12, 15), date(2027, 1, 15), eia.id)
    # 10 working days after Monday 14 December, skipping Christmas Day (Friday 25) and
    # Boxing Day's substitute (Monday 28): Wednesday 30 December, not Monday 28. Then every
    # 5 working days (past New Year's Day); at 20 the directorate's approver is told.
    assert written == {
        date(2026, 12, 30): [("idle", owner.id)],
        date(2027, 1, 7): [("idle", owner.id)],
        date(2027, 1, 14): [("idle", owner.id), ("idle_escalation", approver.id)],
    }
    rows = db.exec(
        select(OutboxEmail).where(OutboxEmail.eia_id == eia.id).order_by(OutboxEmail.id)
    ).all()
    assert [r.idempotency_key for r in rows] == [
        f"eia:{eia.id}|rule:idle|period:2026-12-14.r0|user:{owner.id}",
        f"eia:{eia.id}|rule:idle|period:2026-12-14.r1|user:{owner.id}",
        f"eia:{eia.id}|rule:idle|period:2026-12-14.r2|user:{owner.id}",
        f"eia:{eia.id}|rule:idle_escalation|period:2026-12-14|user:{approver.id}",
    ]
    assert rows[0].context["idle_days"] == 10 and rows[0].subject == (
        f"Reminder: {eia.reference} has not changed for 10 working days"
    )
    assert all(r.delivery == "digest" and not r.urgent for r in rows)


def test_any_change_restarts_the_idle_clock(db, make, travel, sweep):
    travel(date(2026, 12, 14), 10)
    owner = make.user("officer")
    eia = make.eia("draft", owner=owner)
    db.commit()
    assert [r.rule for r in sweep(date(2026, 12, 30)) if r.eia_id == eia.id] == ["idle"]
    travel(date(2026, 12, 31), 11)
    ops.update_eia(db, eia, "proposal", owner, {"summary": "Now with a summary."})
    db.commit()
    # Idle since 31 December: 10 working days on (New Year's Day is a holiday) is 15 Jan.
    written = diary(sweep, date(2026, 12, 31), date(2027, 1, 15), eia.id)
    assert written == {date(2027, 1, 15): [("idle", owner.id)]}
    [latest] = db.exec(
        select(OutboxEmail)
        .where(OutboxEmail.eia_id == eia.id)
        .order_by(OutboxEmail.id.desc())
        .limit(1)
    ).all()
    assert "period:2026-12-31.r0" in latest.idempotency_key


def test_nothing_is_written_at_weekends_or_on_bank_holidays(db, make, travel, sweep):
    travel(date(2026, 11, 2), 10)
    eia = make.eia("draft")
    db.commit()
    assert [
        r.rule
        for r in sweep(date(2026, 12, 1))
        if r.eia_id == eia.id and r.recipient_id == eia.owner_id
    ] == ["idle"]
    for holiday in (
        date(2026, 12, 5),
        date(2026, 12, 6),
        date(2026, 12, 25),
        date(2026, 12, 28),
        date(2027, 1, 1),
    ):
        assert sweep(holiday) == []


# --- pending sign-off --------------------------------------------------------------------------


def test_pending_sign_off_reminds_approvers_across_easter_then_tells_the_unit(
    db, make, travel, sweep
):
    travel(date(2027, 3, 23), 10)  # Tuesday before Easter
    owner = make.user("officer")
    approver = make.user("approver", directorate=owner.service.directorate)
    unit = make.user("equality_officer")
    eia = make.eia("awaiting_sign_off", owner=owner, approver=approver)
    db.commit()
    written = diary(
        sweep,
        date(2027, 3, 24),
        date(2027, 4, 16),
        eia.id,
        rules={"signoff_pending", "signoff_escalation"},
    )
    # 3 working days: Wed 24, Thu 25, then (Good Friday, Easter Monday) Tue 30 March.
    assert written == {
        date(2027, 3, 30): [("signoff_pending", approver.id)],
        date(2027, 4, 2): [("signoff_pending", approver.id)],
        date(2027, 4, 7): [("signoff_pending", approver.id)],
        date(2027, 4, 8): [("signoff_escalation", unit.id)],  # 10 working days
        date(2027, 4, 12): [("signoff_pending", approver.id)],
        date(2027, 4, 15): [("signoff_pending", approver.id)],
    }
    reminder = db.exec(
        select(OutboxEmail).where(
            OutboxEmail.rule == "signoff_pending", OutboxEmail.eia_id == eia.id
        )
    ).first()
    assert reminder.context["path"] == f"/eias/{eia.reference}/sign-off"


def test_pending_sign_off_stops_once_decided(db, make, travel, sweep):
    travel(date(2027, 3, 23), 10)
    owner = make.user("officer")
    approver = make.user("approver", directorate=owner.service.directorate)
    eia = make.eia("awaiting_sign_off", owner=owner, approver=approver)
    db.commit()
    assert [r.rule for r in sweep(date(2027, 3, 30)) if r.eia_id == eia.id] == ["signoff_pending"]
    travel(date(2027, 3, 31), 9)
    ops.transition(db, eia, "approve", approver, attested=True)
    db.commit()
    assert (
        diary(
            sweep,
            date(2027, 3, 31),
            date(2027, 4, 20),
            eia.id,
            rules={"signoff_pending", "signoff_escalation"},
        )
        == {}
    )


# --- decision date near without sign-off --------------------------------------------------------


def test_decision_date_near_is_urgent_to_owner_and_approvers_each_working_day(
    db, make, travel, sweep
):
    travel(date(2026, 12, 14), 10)
    owner = make.user("officer")
    approver = make.user("approver", directorate=owner.service.directorate)
    eia = make.eia(
        "full_assessment", owner=owner, approver=approver, decision_date=date(2026, 12, 30)
    )
    db.commit()
    written = diary(sweep, date(2026, 12, 15), date(2027, 1, 5), eia.id, rules={"decision_near"})
    both = [("decision_near", owner.id), ("decision_near", approver.id)]
    # Five working days before Wednesday 30 December reach back to Monday 21 (Christmas
    # and Boxing Day's substitute do not count); nothing once the date has passed.
    assert written == {
        day: both
        for day in (
            date(2026, 12, 21),
            date(2026, 12, 22),
            date(2026, 12, 23),
            date(2026, 12, 24),
            date(2026, 12, 29),
            date(2026, 12, 30),
        )
    }
    rows = db.exec(select(OutboxEmail).where(OutboxEmail.rule == "decision_near")).all()
    assert all(r.urgent and r.delivery == "immediate" for r in rows)  # never in a digest
    first = min(rows, key=lambda r: r.id)
    assert first.subject == (
        f"Urgent: {eia.reference} is not signed off and the decision is in 5 working days"
    )


def test_sweep_twice_in_a_period_writes_nothing_more(db, make, travel, sweep):
    travel(date(2026, 11, 2), 10)
    owner = make.user("officer")
    approver = make.user("approver", directorate=owner.service.directorate)
    make.user("equality_officer")
    make.eia("draft", owner=owner, approver=approver)
    make.eia("awaiting_sign_off", owner=owner, approver=approver)
    make.eia("full_assessment", owner=owner, approver=approver, decision_date=date(2026, 12, 3))
    db.commit()
    first = sweep(date(2026, 12, 1))
    assert {r.rule for r in first} >= {
        "idle",
        "idle_escalation",
        "signoff_pending",
        "signoff_escalation",
        "decision_near",
    }
    assert sweep(date(2026, 12, 1)) == []  # again at 7am
    assert sweep(date(2026, 12, 1), hour=16) == []  # and in the afternoon
    total = len(db.exec(select(OutboxEmail)).all())
    assert sweep(date(2026, 12, 1)) == [] and len(db.exec(select(OutboxEmail)).all()) == total


# --- review date -----------------------------------------------------------------------------


def test_review_notice_once_then_the_sweep_starts_the_review(app, db, make, travel, sweep):
    from notifications.tasks import reminder_sweep

    travel(date(2026, 11, 2), 10)
    owner = make.user("officer")
    eia = make.eia("approved", owner=owner)
    eia.review_date = date(2027, 2, 1)
    db.add(eia)
    db.commit()
    written = diary(sweep, date(2026, 12, 28), date(2027, 1, 31), eia.id)
    # 30 days before 1 February is Saturday 2 January; the first working day in the window
    # is Monday 4 January (New Year's Day is a bank holiday).
    assert written == {date(2027, 1, 4): [("review_coming", owner.id)]}

    travel(date(2027, 2, 1), 7)
    with app.app_context():
        assert reminder_sweep.run() == {"reviews_started": 1, "reminders": 0}
        assert reminder_sweep.run() == {"reviews_started": 0, "reminders": 0}
    db.refresh(eia)
    assert eia.status == "under_review"
    started = db.exec(
        select(OutboxEmail).where(OutboxEmail.eia_id == eia.id, OutboxEmail.rule == "start_review")
    ).all()
    assert [(r.recipient_id, r.template, r.delivery) for r in started] == [
        (owner.id, "review_started", "immediate")
    ]


# --- action plan ----------------------------------------------------------------------------


def test_actions_due_soon_once_then_overdue_every_five_working_days(db, make, travel, sweep):
    travel(date(2026, 12, 1), 10)
    owner = make.user("officer")
    doer = make.user("officer", service=owner.service)
    eia = make.eia("approved", owner=owner)
    for description, status in (
        ("Run drop-in sessions for carers.", "planned"),
        ("Already done.", "done"),
    ):
        ops.save_action(
            db,
            eia,
            owner,
            {
                "description": description,
                "owner_id": doer.id,
                "due_date": date(2026, 12, 31),
                "status": status,
            },
        )
    db.commit()
    written = diary(sweep, date(2026, 12, 14), date(2027, 1, 12), eia.id)
    # Due Thursday 31 December: within 5 working days from Tuesday 22 (25 and 28 are
    # holidays); overdue from Monday 4 January (1 working day late), again 5 later.
    assert written == {
        date(2026, 12, 22): [("action_due", doer.id)],
        date(2027, 1, 4): [("action_overdue", doer.id)],
        date(2027, 1, 11): [("action_overdue", doer.id)],
    }
    overdue = db.exec(
        select(OutboxEmail).where(OutboxEmail.rule == "action_overdue").order_by(OutboxEmail.id)
    ).first()
    assert overdue.context["action"] == "Run drop-in sessions for carers."
    assert overdue.context["days_late"] == 1


# --- digest, urgent and preferences -----------------------------------------------------------


def test_the_digest_gathers_a_persons_reminders_into_one_email(db, make, travel, sweep):
    travel(date(2026, 11, 2), 10)
    owner = make.user("officer", name="Olu Officer")
    approver = make.user("approver", directorate=owner.service.directorate)
    first = make.eia("draft", owner=owner, approver=approver)
    second = make.eia("screening", owner=owner, approver=approver)
    travel(date(2026, 11, 10), 10)  # not idle long enough to be reminded about
    urgent = make.eia(
        "full_assessment", owner=owner, approver=approver, decision_date=date(2026, 11, 20)
    )
    db.commit()
    written = sweep(date(2026, 11, 16))
    mine = [r for r in written if r.recipient_id == owner.id]
    assert sorted((r.eia_id, r.delivery) for r in mine) == sorted(
        [(first.id, "digest"), (second.id, "digest"), (urgent.id, "immediate")]
    )
    assert next(r for r in mine if r.eia_id == urgent.id).urgent

    travel(date(2026, 11, 16), 7, 30)
    digests = send_digests(db)
    db.flush()
    rows = {
        r.recipient_id: r
        for r in db.exec(select(OutboxEmail).where(OutboxEmail.id.in_(digests))).all()
    }
    digest = rows[owner.id]
    assert digest.kind == "digest" and digest.delivery == "immediate"
    assert digest.idempotency_key == f"digest|period:2026-11-16|user:{owner.id}"
    assert digest.subject == "Your EIA reminders for 16 November 2026: 2 reminders"
    assert sorted(i["reference"] for i in digest.context["items"]) == sorted(
        [first.reference, second.reference]
    )
    items = db.exec(select(OutboxEmail).where(OutboxEmail.digest_id == digest.id)).all()
    assert {i.eia_id for i in items} == {first.id, second.id}
    assert all(i.status == "in_digest" for i in items)
    assert send_digests(db) == []  # once a day

    # A reminder written after today's digest waits for the next working day's.
    travel(date(2026, 11, 20), 16)
    late = outbox.add(
        db,
        key=f"eia:0|rule:test|period:x|user:{owner.id}",
        recipient=owner,
        kind="reminder",
        rule="test",
        template="idle",
        subject="Late",
        context={},
        delivery="digest",
    )
    assert send_digests(db) != [] and db.get(OutboxEmail, late).status == "in_digest"
    late2 = outbox.add(
        db,
        key=f"eia:0|rule:test|period:y|user:{owner.id}",
        recipient=owner,
        kind="reminder",
        rule="test",
        template="idle",
        subject="Later",
        context={},
        delivery="digest",
    )
    assert send_digests(db) == []  # Friday's digest has gone
    travel(date(2026, 11, 21), 7, 30)
    assert send_digests(db) == []  # no digest on Saturday
    travel(date(2026, 11, 23), 7, 30)
    [monday] = send_digests(db)
    db.refresh(db.get(OutboxEmail, late2))
    assert db.get(OutboxEmail, late2).digest_id == monday


def test_a_digest_is_one_email_with_every_item_and_its_link(app, db, make, travel, sweep):
    from notifications.sending import render

    travel(date(2026, 11, 2), 10)
    owner = make.user("officer", name="Olu Officer")
    eias = [make.eia("draft", owner=owner) for _ in range(3)]
    db.commit()
    sweep(date(2026, 11, 16))
    travel(date(2026, 11, 16), 7, 30)
    [digest_id] = [i for i in send_digests(db)]
    with app.app_context():
        rendered = render(db.get(OutboxEmail, digest_id))
    for eia in eias:
        link = f"http://127.0.0.1:5000/eias/{eia.reference}"
        assert link in rendered.text and f'href="{link}"' in rendered.html
    assert rendered.text.count("has been in draft with no change") == 3


def test_choosing_immediate_sends_reminders_at_once(db, make, travel, sweep):
    travel(date(2026, 11, 2), 10)
    keen = make.user("officer")
    patient = make.user("officer", service=keen.service)
    make.eia("draft", owner=keen)
    make.eia("draft", owner=patient)
    set_preference(db, keen, "immediate")
    db.commit()
    by_person = {r.recipient_id: r.delivery for r in sweep(date(2026, 11, 16))}
    assert by_person == {keen.id: "immediate", patient.id: "digest"}

    # Changing one's mind: what is waiting for the digest goes now.
    set_preference(db, patient, "immediate")
    db.flush()
    waiting = db.exec(select(OutboxEmail).where(OutboxEmail.recipient_id == patient.id)).all()
    assert [w.delivery for w in waiting] == ["immediate"]


def test_preferences_page(client, db, make):
    person = make.user("officer")
    db.commit()
    sign_in(client, person)
    page = parse(client.get("/account/email-preferences"))
    assert page.find("input", {"value": "digest"}).has_attr("checked")
    assert client.post("/account/email-preferences", data={}).status_code == 400
    response = client.post("/account/email-preferences", data={"reminders": "immediate"})
    assert response.status_code == 302
    page = parse(client.get("/account/email-preferences"))
    assert page.find("input", {"value": "immediate"}).has_attr("checked")
    assert "Email preferences" in page.find("nav").get_text()


# --- the schedule and the settings ------------------------------------------------------------


def test_beat_runs_the_sweeper_the_reminders_and_the_digest(app):
    from celery.schedules import crontab

    conf = app.extensions["celery"].conf
    schedule = conf.beat_schedule
    assert schedule["outbox-sweep"]["task"] == "notifications.sweep_outbox"
    assert schedule["outbox-sweep"]["schedule"].total_seconds() == 60
    assert schedule["reminder-sweep"]["task"] == "notifications.reminder_sweep"
    assert schedule["reminder-sweep"]["schedule"] == crontab(hour=7, minute=0)
    assert schedule["daily-digest"]["task"] == "notifications.send_digests"
    assert schedule["daily-digest"]["schedule"] == crontab(hour=7, minute=30)
    assert conf.timezone == "Europe/London"
    registered = set(app.extensions["celery"].tasks)
    assert {e["task"] for e in schedule.values()} <= registered


def test_redis_gets_an_explicit_visibility_timeout_and_the_sqlite_broker_none():
    from notifications.celery_app import broker_options

    cfg = {**notification_settings.load({}), "CELERY_BROKER_URL": "redis://r:6379/0"}
    options = broker_options(cfg)
    assert options["visibility_timeout"] == 3600 > cfg["OUTBOX_RETRY_MAX_SECONDS"]
    assert broker_options({**cfg, "CELERY_BROKER_URL": "sqla+sqlite:////x.db"}) == {}


def test_readme_documents_every_setting():
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    for setting in notification_settings.SETTINGS:
        assert f"`{setting.name}` | {setting.default} |" in readme, setting.name

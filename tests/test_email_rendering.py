"""Every email the product sends, rendered from its templates: plain text and HTML, each
with a link straight to the page to act on, and nothing left blank."""

import email
import email.policy
import re
from datetime import date, datetime, time

import pytest
from bs4 import BeautifulSoup
from sqlmodel import select

from eia import operations as ops
from eia.models import LONDON, OutboxEmail
from notifications import settings as notification_settings
from notifications.digest import send_digests
from notifications.reminders import sweep_reminders
from notifications.sending import build_message, message_bytes, prepare, render

CFG = notification_settings.View(notification_settings.load({}))
TEMPLATES = {
    "signoff_requested",
    "returned",
    "approved",
    "review_started",
    "idle",
    "idle_escalation",
    "signoff_pending",
    "signoff_escalation",
    "decision_near",
    "review_coming",
    "action_due",
    "action_overdue",
    "digest",
}


def _at(day, hour=10):
    return datetime.combine(day, time(hour), tzinfo=LONDON)


@pytest.fixture
def every_email(db, make, time_machine):
    """One of each email, made by the real operations and rules."""
    time_machine.move_to(_at(date(2026, 11, 2)), tick=False)
    owner = make.user("officer", name="Olu Officer")
    approver = make.user("approver", directorate=owner.service.directorate, name="Ada Approver")
    make.user("equality_officer", name="Esi Equality")
    make.eia("draft", owner=owner, approver=approver, title="Idle draft")
    make.eia("awaiting_sign_off", owner=owner, approver=approver, title="Waiting")
    near = make.eia(
        "full_assessment",
        owner=owner,
        approver=approver,
        title="Near",
        decision_date=date(2026, 12, 3),
    )
    make.assess(near, owner)
    ops.transition(db, near, "submit_for_sign_off", owner)
    ops.transition(db, near, "return", approver, comment="Add the bus route data.\nThanks.")
    ops.transition(db, near, "submit_for_sign_off", owner)
    approved = make.eia("approved", owner=owner, approver=approver, title="Approved")
    approved.review_date = date(2026, 12, 20)
    ops.save_action(
        db,
        approved,
        owner,
        {
            "description": "Hold drop-in sessions.",
            "owner_id": owner.id,
            "due_date": date(2026, 12, 2),
            "status": "planned",
        },
    )
    ops.save_action(
        db,
        approved,
        owner,
        {
            "description": "Publish the findings.",
            "owner_id": owner.id,
            "due_date": date(2026, 11, 20),
            "status": "in_progress",
        },
    )
    db.commit()
    time_machine.move_to(_at(date(2026, 12, 1), 7), tick=False)
    sweep_reminders(db, date(2026, 12, 1), CFG)
    time_machine.move_to(_at(date(2026, 12, 1), 7), tick=False)
    send_digests(db)
    due = make.eia("approved", owner=owner, approver=approver, title="Review today")
    due.review_date = date(2026, 12, 1)
    ops.start_due_reviews(db)
    db.commit()
    return list(db.exec(select(OutboxEmail).order_by(OutboxEmail.id)).all())


def test_every_template_renders_with_its_link(app, every_email):
    assert {row.template for row in every_email} == TEMPLATES
    with app.app_context():
        for row in every_email:
            rendered = render(row)
            url = "http://127.0.0.1:5000" + row.context["path"]
            assert url in rendered.text, row.template
            html = BeautifulSoup(rendered.html, "html.parser")
            assert url in [a["href"] for a in html.find_all("a")], row.template
            assert html.title.get_text() == row.subject
            for body in (rendered.text, html.get_text()):
                assert "None" not in body and "{{" not in body, (row.template, body)
                assert not re.search(r"\(\)|“”|\"\"", body), (row.template, body)
                assert row.recipient_email not in body  # addressed by name
            if row.kind != "digest":
                assert row.context["reference"] in rendered.text
            message = build_message(row, rendered)
            assert message["To"] == row.recipient_email
            assert message["Auto-Submitted"] == "auto-generated"


def test_the_returned_email_quotes_the_approvers_comment(app, every_email):
    returned = next(r for r in every_email if r.template == "returned")
    with app.app_context():
        rendered = render(returned)
    assert "Ada Approver has returned" in rendered.text
    assert "Add the bus route data.\nThanks." in rendered.text
    assert "Add the bus route data." in rendered.html


def test_urgent_emails_are_marked(app, every_email):
    urgent = next(r for r in every_email if r.template == "decision_near")
    with app.app_context():
        rendered = render(urgent)
        message = build_message(urgent, rendered)
    assert message["Subject"].startswith("Urgent:") and message["Importance"] == "high"
    assert ">Urgent<" in rendered.html


def test_the_fast_flattening_sends_what_build_message_says(app, every_email):
    """``message_bytes`` (the email package's older API, used to send) and
    ``build_message`` agree, read back as a mail program would, for every template, a
    subject beyond ASCII and one long enough to fold."""
    long = "Reminder: caf\u00e9 \u2019works\u2019 " + "and a longer subject " * 12
    rows = [*every_email, every_email[0].model_copy(update={"subject": long, "urgent": True})]
    with app.app_context():
        for row in rows:
            rendered = render(row)
            data, mid = message_bytes(row, rendered)
            prepared = prepare(row)  # what is sent: this way, for an ASCII address
            assert (prepared.international, prepared.message_id) == (False, mid)
            assert prepared.data.startswith(b"Content-Type: multipart/alternative;")
            sent = email.message_from_bytes(data, policy=email.policy.default)
            built = build_message(row, rendered)
            for header in ("Subject", "From", "To", "Message-ID", "Auto-Submitted", "Importance"):
                assert sent[header] == built[header], (row.template, header)
            assert mid == built["Message-ID"]
            for kind in ("plain", "html"):
                assert (
                    sent.get_body((kind,)).get_content() == built.get_body((kind,)).get_content()
                ), (row.template, kind)
            assert max(len(line) for line in data.split(b"\r\n")) <= 78, [
                line for line in data.split(b"\r\n") if len(line) > 78
            ]

"""Email pages: each person's choice of daily digest or immediate reminders; the
administrators' list of emails that failed, with "send again"; and, in embedded mode (no
mail server configured), the local mailbox where the emails land."""

from flask import Blueprint, Flask, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from wtforms import RadioField, SelectChoice, SubmitField
from wtforms.validators import InputRequired

from eia.capabilities import Capability, may
from eia.db import get_session
from eia.models import LONDON, OutboxEmail, as_utc
from eia.models.notifications import Delivery
from eia.queries.notifications import mailbox_email, mailbox_emails
from eia.queries.people import names_by_id
from notifications import outbox, settings
from notifications.digest import set_preference, waiting_items
from notifications.people import preference_of

from .auth import forbid_unless

notifications = Blueprint("notifications", __name__)
mailbox = Blueprint("mailbox", __name__)


class PreferenceForm(FlaskForm):
    reminders = RadioField(
        "How do you want to get reminders?",
        choices=[
            SelectChoice(
                Delivery.digest,
                "One email each working morning with all my reminders (recommended)",
            ),
            SelectChoice(Delivery.immediate, "Each reminder in its own email, as it happens"),
        ],
        widget=GovRadioInput(),
        validators=[InputRequired("Select how you want to get reminders")],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


@notifications.route("/account/email-preferences", methods=["GET", "POST"])
def preferences():
    db = get_session()
    form = PreferenceForm()
    if form.validate_on_submit():
        set_preference(db, current_user, form.reminders.data)
        db.commit()
        flash("Your email preferences are saved.", "success")
        return redirect(url_for("notifications.preferences"))
    if not form.is_submitted():
        form.reminders.data = preference_of(db, current_user.id)
    return render_template(
        "notifications/preferences.html",
        form=form,
        waiting=waiting_items(db, current_user.id),
        embedded=not current_app.config["SMTP_HOST"],
    ), 400 if form.errors else 200


@notifications.get("/emails/failed")
def failed():
    forbid_unless(may(current_user, Capability.administer))
    db = get_session()
    return render_template(
        "notifications/failed.html",
        emails=outbox.failed_emails(db),
        stuck=outbox.stuck_count(db, settings.current()),
    )


@notifications.post("/emails/<int:outbox_id>/resend")
def resend(outbox_id: int):
    forbid_unless(may(current_user, Capability.administer))
    db = get_session()
    if db.get(OutboxEmail, outbox_id) is None:
        abort(404)  # an id that names no email
    try:
        row = outbox.resend(db, outbox_id)
        db.commit()  # and after the commit it goes to the worker
    except outbox.ResendRefused as refused:
        db.rollback()
        flash(str(refused), "error")
        return redirect(url_for("notifications.failed"))
    flash(f"The email “{row.subject}” to {row.recipient_email} is being sent again.", "success")
    return redirect(url_for("notifications.failed"))


# --- the local mailbox (embedded mode only) -----------------------------------------------


def _embedded_only() -> None:
    if current_app.config["SMTP_HOST"]:
        abort(404)


def _reader() -> int | None:
    """Administrators read everyone's mail (None); everyone else their own."""
    if not may(current_user, Capability.administer):
        return current_user.id
    return None


@mailbox.get("/mailbox")
def inbox():
    _embedded_only()
    db = get_session()
    emails = mailbox_emails(db, _reader())
    names = names_by_id(db, {e.recipient_id for e in emails}) if emails else {}
    return render_template(
        "notifications/mailbox.html",
        emails=emails,
        names=names,
        waiting=waiting_items(db, current_user.id),
    )


def _mail(outbox_id: int) -> OutboxEmail:
    _embedded_only()
    row = mailbox_email(get_session(), _reader(), outbox_id)
    if row is None:
        abort(404)
    return row


@mailbox.get("/mailbox/<int:outbox_id>")
def email(outbox_id: int):
    return render_template("notifications/email.html", email=_mail(outbox_id))


@mailbox.get("/mailbox/<int:outbox_id>/html")
def email_html(outbox_id: int):
    """The HTML body on its own, for the frame on the email page: no script may run in it,
    and only this site may frame it."""
    row = _mail(outbox_id)
    return (
        row.body_html,
        200,
        {
            "Content-Type": "text/html; charset=utf-8",
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
            "img-src data:; frame-ancestors 'self'; base-uri 'none'; "
            "form-action 'none'",
            "X-Frame-Options": "SAMEORIGIN",
        },
    )


def london_time(value) -> str:
    """ "14:05", London's clock, for a timestamp."""
    return as_utc(value).astimezone(LONDON).strftime("%H:%M") if value else ""


def init_notification_pages(app: Flask) -> None:
    app.add_template_filter(london_time)
    app.register_blueprint(notifications)
    if not app.config["SMTP_HOST"]:
        app.register_blueprint(mailbox)

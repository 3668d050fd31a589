"""People: add, edit, reset a password, deactivate and reactivate (admins only).

Nobody is ever deleted: EIAs and the audit trail refer to people. An admin cannot
deactivate themselves or take away their own admin role, so the council always keeps one.
"""

import secrets

import sqlalchemy as sa
from flask import make_response, redirect, render_template, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from eia import admin_operations as admin_ops
from eia.capabilities import ASSIGNABLE_ROLES, ROLE_HINTS, Capability, role_may
from eia.db import get_session
from eia.models import User
from eia.models.enums import ROLE_LABELS
from eia.passwords import hash_password
from eia.queries.org import directorates_in_order, services_in_order
from eia.queries.people import email_taken, everyone
from forms.admin import EditUserForm, NewUserForm, PasswordResetForm, PseudonymiseForm

from ..auth import keep_own_session
from .common import admin, admins_only, done, get_or_404, me

# No 0/O, 1/l/I: easy to read out and type. 16 of 31 symbols is about 79 bits.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"

SELF_DEACTIVATE = (
    "You cannot deactivate your own account: ask another administrator, so "
    "the council is never left without one"
)
SELF_DEMOTE = (
    "You cannot remove your own administrator role: ask another administrator, "
    "so the council is never left without one"
)
EMAIL_TAKEN = "There is already a user with this email address"


def generate_password() -> str:
    return "-".join("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(4))


def _role_items() -> list[dict]:
    return [{"hint": {"text": ROLE_HINTS[role]}} for role in ASSIGNABLE_ROLES]


def _set_choices(form) -> None:
    db = get_session()
    services = services_in_order(db)
    directorates = directorates_in_order(db)
    form.service_id.choices = [SelectChoice("", "None")] + [
        SelectChoice(str(s.id), f"{s.name} ({s.directorate.name})") for s in services
    ]
    form.directorate_id.choices = [SelectChoice("", "None")] + [
        SelectChoice(str(d.id), d.name) for d in directorates
    ]
    form.service_directorates = {s.id: s.directorate_id for s in services}


def _password_page(person: User, password: str | None, heading: str):
    """The one time a made-up password is shown: never cached, never stored."""
    response = make_response(
        render_template(
            "admin/user_password_shown.html", person=person, password=password, heading=heading
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@admin.get("/users")
def users():
    admins_only()
    people = everyone(get_session())
    return render_template("admin/users.html", people=people)


@admin.route("/users/new", methods=["GET", "POST"])
def new_user():
    admins_only()
    db = get_session()
    form = NewUserForm()
    _set_choices(form)
    if form.validate_on_submit():
        if email_taken(db, form.email.data):
            form.email.errors.append(EMAIL_TAKEN)
        else:
            password = form.password.data or generate_password()
            try:
                person = admin_ops.create_user(
                    db,
                    me(),
                    name=form.name.data,
                    email=form.email.data,
                    role=form.role.data,
                    service_id=form.service_id.data,
                    directorate_id=form.directorate_id.data,
                    password_hash=hash_password(password),
                )
                db.commit()
            except sa.exc.IntegrityError:  # someone added the same email a moment ago
                db.rollback()
                form.email.errors.append(EMAIL_TAKEN)
            else:
                done(f"{person.name} ({person.email}) added as {ROLE_LABELS[person.role].lower()}")
                return _password_page(
                    person, None if form.password.data else password, "User added"
                )
    return render_template(
        "admin/user_new.html", form=form, role_items=_role_items()
    ), 400 if form.errors else 200


def _render_edit(form, person, problem=None, status=200):
    return render_template(
        "admin/user_edit.html",
        form=form,
        person=person,
        role_items=_role_items(),
        problem=problem,
        is_self=person.id == current_user.id,
    ), status


@admin.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int):
    admins_only()
    db = get_session()
    person = get_or_404(User, user_id)
    form = EditUserForm(obj=person)
    _set_choices(form)
    if form.is_submitted():
        form.validate()
        if person.id == current_user.id:  # said together with any other problem
            if not form.active.data:
                form.active.errors.append(SELF_DEACTIVATE)
            if not role_may(form.role.data, Capability.administer):
                form.role.errors.append(SELF_DEMOTE)
        if not form.errors:
            changed = [
                field.label.text.split(":")[0].lower()
                for field in (
                    form.name,
                    form.role,
                    form.service_id,
                    form.directorate_id,
                    form.active,
                )
                if getattr(person, field.name) != field.data
            ]
            admin_ops.update_user(
                db,
                me(),
                person,
                name=form.name.data,
                role=form.role.data,
                service_id=form.service_id.data,
                directorate_id=form.directorate_id.data,
                active=form.active.data,
            )
            db.commit()
            keep_own_session(person)
            done(
                f"Changes to {person.name} ({person.email}) saved"
                + (f": {', '.join(changed)}" if changed else ": nothing had changed")
            )
            return redirect(url_for("admin.users"))
    return _render_edit(form, person, status=400 if form.errors else 200)


@admin.route("/users/<int:user_id>/password", methods=["GET", "POST"])
def reset_password(user_id: int):
    admins_only()
    db = get_session()
    person = get_or_404(User, user_id)
    form = PasswordResetForm()
    if form.validate_on_submit():
        password = form.password.data or generate_password()
        # Their sessions end; failed sign-ins are forgotten, so a locked-out person (the
        # sign-in page tells them to ask for a reset) can sign in at once.
        admin_ops.set_password(db, me(), person, hash_password(password))
        db.commit()
        keep_own_session(person)
        done(f"Password reset for {person.name} ({person.email})")
        return _password_page(person, None if form.password.data else password, "Password reset")
    return render_template(
        "admin/user_reset_password.html", form=form, person=person
    ), 400 if form.errors else 200


@admin.post("/users/<int:user_id>/deactivate")
def deactivate_user(user_id: int):
    admins_only()
    db = get_session()
    person = get_or_404(User, user_id)
    if person.id == current_user.id:
        form = EditUserForm(formdata=None, obj=person)
        _set_choices(form)
        return _render_edit(form, person, problem=SELF_DEACTIVATE, status=400)
    if admin_ops.set_user_active(db, me(), person, False):
        db.commit()
        done(f"{person.name} ({person.email}) deactivated: they can no longer sign in")
    return redirect(url_for("admin.users"))


@admin.post("/users/<int:user_id>/reactivate")
def reactivate_user(user_id: int):
    admins_only()
    db = get_session()
    person = get_or_404(User, user_id)
    if admin_ops.set_user_active(db, me(), person, True):
        db.commit()
        done(f"{person.name} ({person.email}) reactivated: they can sign in again")
    return redirect(url_for("admin.users"))


@admin.route("/users/<int:user_id>/pseudonymise", methods=["GET", "POST"])
def pseudonymise_user(user_id: int):
    """A leaver's name and email replaced by a pseudonym everywhere (UK GDPR erasure), after
    a confirmation. What they did stays, under the pseudonym; the audit trail verifies."""
    admins_only()
    db = get_session()
    person = get_or_404(User, user_id)
    form = PseudonymiseForm()
    problem = None
    if person.id == current_user.id:
        problem = "You cannot pseudonymise yourself: ask another administrator"
    elif admin_ops.is_pseudonymised(person):
        problem = f"{person.name} is already pseudonymised"
    if problem is None and form.validate_on_submit():
        was = f"{person.name} ({person.email})"
        admin_ops.pseudonymise(db, me(), person)
        db.commit()
        done(f"{was} pseudonymised: now “{person.name}”")
        return redirect(url_for("admin.users"))
    status = 400 if form.errors or (problem and form.is_submitted()) else 200
    return render_template(
        "admin/user_pseudonymise.html", form=form, person=person, problem=problem
    ), status

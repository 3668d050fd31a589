"""Signing in and out, and the rule that every page needs a signed-in person unless it is
listed as public here."""

from datetime import timedelta
from urllib.parse import urlsplit

from flask import Blueprint, Flask, abort, redirect, render_template, request, session, url_for
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf.csrf import CSRFProtect
from govuk_frontend_wtf.main import WTFormsHelpers
from sqlmodel import select

from eia.db import get_session
from eia.models import User
from eia.passwords import hash_password, needs_rehash, verify_password
from forms.auth import SignInForm

auth = Blueprint("auth", __name__)
login_manager = LoginManager()
csrf = CSRFProtect()

# Endpoints anyone may reach without signing in.
PUBLIC_ENDPOINTS = {"auth.sign_in", "pages.healthz", "govuk.static", "govuk_assets.static",
                    "app_static.static"}

# Checked against when the email is unknown, so both cases take the same time.
_DUMMY_HASH = hash_password("not a real password")


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    if not user_id.isdigit():
        return None
    user = get_session().get(User, int(user_id))
    return user if user is not None and user.active else None


def _safe_next(target: str | None) -> str:
    """Only a path on this site (never another host) after signing in."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") \
                and not target.startswith("//"):
            return target
    return url_for("pages.index")


@auth.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = SignInForm()
    failed = False
    if form.validate_on_submit():
        db = get_session()
        user = db.exec(select(User).where(User.email == form.email.data.strip().lower())).first()
        if user is not None and user.active and verify_password(user.password_hash,
                                                                form.password.data):
            if needs_rehash(user.password_hash):
                user.password_hash = hash_password(form.password.data)
                db.add(user)
                db.commit()
            session.clear()  # no session fixation: a fresh session for the signed-in person
            session.permanent = True
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        if user is None:
            verify_password(_DUMMY_HASH, form.password.data)
        failed = True
    status = 200 if not (form.errors or failed) else 400
    return render_template("auth/sign_in.html", form=form, failed=failed), status


@auth.post("/sign-out")
def sign_out():
    logout_user()
    session.clear()
    return redirect(url_for("auth.sign_in"))


def _require_sign_in():
    if request.endpoint is None or request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


def forbid_unless(allowed: bool) -> None:
    """Stop with the "you do not have access" page."""
    if not allowed:
        abort(403)


def init_auth(app: Flask) -> None:
    app.config.setdefault("PERMANENT_SESSION_LIFETIME", timedelta(hours=8))
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    csrf.init_app(app)
    WTFormsHelpers(app)
    app.register_blueprint(auth)
    app.before_request(_require_sign_in)

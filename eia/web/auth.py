"""Signing in and out, and the rule that every page needs a signed-in person unless it is
listed as public here."""

from datetime import timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf.csrf import CSRFProtect
from govuk_frontend_wtf.main import WTFormsHelpers
from sqlmodel import select

from eia.db import get_session
from eia.models import LoginAttempt, User, utcnow
from eia.passwords import hash_password, needs_rehash, verify_password
from forms.auth import SignInForm

auth = Blueprint("auth", __name__)
login_manager = LoginManager()
csrf = CSRFProtect()

# Endpoints anyone may reach without signing in.
PUBLIC_ENDPOINTS = {"auth.sign_in", "pages.healthz", "govuk.static", "govuk_assets.static",
                    "app_static.static"}
# The public register of EIAs (eia/web/public.py): signed off, published, not confidential.
PUBLIC_ENDPOINTS |= {"public.register", "public.register_download", "public.eia_page",
                     "public.eia_pdf"}

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


def _locked_out(db, email: str, ip: str) -> bool:
    """Too many failures lately for this account, or from this address (10x as many)."""
    window = utcnow() - timedelta(minutes=current_app.config["LOGIN_LOCKOUT_MINUTES"])
    limit = current_app.config["LOGIN_MAX_FAILURES"]

    def failures(clause) -> int:
        return db.exec(select(sa.func.count()).select_from(LoginAttempt).where(
            clause, LoginAttempt.at > window, LoginAttempt.succeeded.is_(False))).one()

    return failures(LoginAttempt.email == email) >= limit or \
        failures(LoginAttempt.ip_address == ip) >= limit * 10


def _record_attempt(db, email: str, ip: str, succeeded: bool) -> None:
    db.add(LoginAttempt(email=email, ip_address=ip, succeeded=succeeded))
    db.commit()


@auth.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = SignInForm()
    problem = None
    if form.validate_on_submit():
        db = get_session()
        email, ip = form.email.data.strip().lower(), request.remote_addr or ""
        if _locked_out(db, email, ip):
            minutes = current_app.config["LOGIN_LOCKOUT_MINUTES"]
            return render_template("auth/sign_in.html", form=form, problem=(
                f"There have been too many attempts to sign in. Wait {minutes} minutes and "
                "try again, or ask your system administrator to reset your password.")), 429
        user = db.exec(select(User).where(User.email == email)).first()
        if user is not None and user.active and verify_password(user.password_hash,
                                                                form.password.data):
            if needs_rehash(user.password_hash):
                user.password_hash = hash_password(form.password.data)
                db.add(user)
            _record_attempt(db, email, ip, True)
            session.clear()  # no session fixation: a fresh session for the signed-in person
            session.permanent = True
            session["signed_in_at"] = utcnow().timestamp()
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        if user is None:
            verify_password(_DUMMY_HASH, form.password.data)
        _record_attempt(db, email, ip, False)
        problem = "Enter a correct email address and password"
    status = 200 if not (form.errors or problem) else 400
    return render_template("auth/sign_in.html", form=form, problem=problem), status


@auth.post("/sign-out")
def sign_out():
    logout_user()
    session.clear()
    return redirect(url_for("auth.sign_in"))


def _expire_old_sessions():
    """Signed out after a spell without activity (the session cookie's lifetime, renewed on
    every request) or, however active, after the longest working day allowed."""
    started = session.get("signed_in_at")
    if started is None or not current_user.is_authenticated:
        return
    if utcnow().timestamp() - started > current_app.config["SESSION_MAX_HOURS"] * 3600:
        logout_user()
        session.clear()
        flash("You have been signed out because you were signed in for too long. Sign in "
              "again to carry on: nothing you saved is lost.", "info")


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
    # Flask has defaults for these, so set them outright (setdefault would do nothing).
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(
        minutes=app.config["SESSION_IDLE_MINUTES"])
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    csrf.init_app(app)
    WTFormsHelpers(app)
    app.register_blueprint(auth)
    app.before_request(_expire_old_sessions)
    app.before_request(_require_sign_in)

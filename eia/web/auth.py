"""Signing in and out, how sessions end, and the rule that every page needs a signed-in
person unless it is listed as public here.

A session is Flask's signed cookie. It ends after SESSION_IDLE_MINUTES without a request
(the cookie's signed age, checked by the server), after SESSION_MAX_HOURS however active,
and, at once and everywhere, when the person's session generation moves on: signing out,
a new password, a new role, directorate or service, and deactivation all raise it
(User.end_sessions), and the user loader refuses a session carrying an older one.
Throttling of sign-in attempts is in throttle.py."""

from datetime import timedelta
from urllib.parse import urlsplit

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
from flask_login import LoginManager, current_user, login_url, login_user, logout_user
from flask_wtf.csrf import CSRFProtect
from govuk_frontend_wtf.main import WTFormsHelpers

from eia.db import get_session
from eia.models import User, utcnow
from eia.passwords import hash_password, needs_rehash, unmatched_hash, verify_password
from eia.queries.people import user_by_email
from eia.queries.sign_in import note_sign_in
from eia.sso import codes as sso_codes
from eia.sso import settings as sso_settings
from forms.auth import SignInForm

from . import throttle

auth = Blueprint("auth", __name__)
login_manager = LoginManager()
csrf = CSRFProtect()

# Endpoints anyone may reach without signing in.
PUBLIC_ENDPOINTS = {
    "auth.sign_in",
    "ops.healthz",  # probes and scrapes (eia/web/ops.py; /metrics checks its own access)
    "ops.readyz",
    "ops.prometheus",
    "govuk.static",
    "govuk_assets.static",
    "app_static.static",
}
# The public register of EIAs (eia/web/public.py): signed off, published, not confidential.
PUBLIC_ENDPOINTS |= {
    "public.register",
    "public.register_download",
    "public.eia_page",
    "public.eia_pdf",
}
# The pan-London practice standard's open data (eia/web/benchmarks.py): aggregate figures.
PUBLIC_ENDPOINTS |= {"benchmarks.feed", "benchmarks.public_key", "benchmarks.schema"}
# Signing in with the council's account, and the page after signing out (eia/web/sso.py).
# The privacy notice and the accessibility statement (eia/web/about.py).
PUBLIC_ENDPOINTS |= {"about.privacy", "about.accessibility"}
PUBLIC_ENDPOINTS |= {"sso.start", "sso.callback", "sso.signed_out", "sso.provider_sign_out"}

# Checked against when the email is unknown, so both cases take the same time.
_DUMMY_HASH = unmatched_hash()

# The person's session generation at sign-in (app_user.session_generation): a session whose
# generation is no longer theirs has ended (see User.end_sessions).
SESSION_GENERATION = "_generation"
SESSION_ENDED = (
    "You have been signed out. This happens when you sign out (on any computer), "
    "when your password is changed, when your role, directorate or service "
    "changes, or when your account is closed. Sign in again to carry on: nothing "
    "you saved is lost."
)


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    if not user_id.isdigit():
        return None
    user = get_session().get(User, int(user_id))
    if user is None or not user.active:
        return None
    if session.get(SESSION_GENERATION) != user.session_generation:
        return None  # signed out everywhere since, or changed: _end_stale_session says so
    return user


def keep_own_session(person: User) -> None:
    """After a change that ended every session of ``person`` (a new password, role or team):
    if they made it themselves (an admin resetting their own password), the session that
    made it carries on; their others have ended."""
    if current_user.is_authenticated and person.id == current_user.id:
        session[SESSION_GENERATION] = person.session_generation


def sso_account_name() -> str:
    from .sso import account_name

    return account_name()


def _safe_next(target: str | None) -> str:
    """Only a path on this site (never another host) after signing in."""
    if target:
        parts = urlsplit(target)
        if (
            not parts.scheme
            and not parts.netloc
            and target.startswith("/")
            and not target.startswith("//")
        ):
            return target
    return url_for("pages.index")


def start_session(user: User) -> None:
    """A fresh session for the person just signed in (never the one they arrived with)."""
    session.clear()
    session.permanent = True
    session["signed_in_at"] = utcnow().timestamp()
    session[SESSION_GENERATION] = user.session_generation
    login_user(user)
    note_sign_in(get_session(), user.id, utcnow())


def _credentials_ok(db, user: User, secret: str, passwords: bool) -> bool:
    """A password (while passwords are allowed), or an administrator's one-time
    break-glass code (eia/sso/codes.py)."""
    if passwords and verify_password(user.password_hash, secret):
        if needs_rehash(user.password_hash):
            user.password_hash = hash_password(secret)
            db.add(user)
        return True
    return sso_settings.oidc_configured() and sso_codes.redeem(db, user, secret)


@auth.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = SignInForm()
    problem = None
    sso = sso_settings.oidc_configured()
    passwords = sso_settings.password_sign_in_allowed(get_session())
    if not passwords:
        form.password.label.text = "One-time code"
    if form.validate_on_submit():
        db = get_session()
        email, address = form.email.data.strip().lower(), request.remote_addr or ""
        user = user_by_email(db, email)
        device = throttle.device_for(user)
        refused = throttle.refusal(db, email, address, device)
        if refused is not None:
            return render_template(
                "auth/sign_in.html",
                form=form,
                problem=refused.message,
                sso=sso,
                passwords=passwords,
                account_name=sso_account_name() if sso else None,
            ), 429
        if (
            user is not None
            and user.active
            and _credentials_ok(db, user, form.password.data, passwords)
        ):
            throttle.record(db, email, address, device, True)
            start_session(user)  # no session fixation: a fresh session for the person
            response = redirect(_safe_next(request.args.get("next")))
            throttle.mark_browser(response, user, device)
            return response
        if user is None:
            verify_password(_DUMMY_HASH, form.password.data)
        throttle.record(db, email, address, device, False)
        # Shown on the email box too, which the error summary links to.
        wrong = (
            "Enter a correct email address and password"
            if passwords
            else "Enter a correct email address and one-time code"
        )
        form.email.errors = [*form.email.errors, wrong]
    status = 200 if not (form.errors or problem) else 400
    return render_template(
        "auth/sign_in.html",
        form=form,
        problem=problem,
        sso=sso,
        passwords=passwords,
        account_name=sso_account_name() if sso else None,
    ), status


@auth.post("/sign-out")
def sign_out():
    """Signing out ends every session of the person, on every computer (a copy of the
    session cookie stops working too). A session that came through the council's identity
    provider goes on to a page offering to sign out there too."""
    from .sso import SSO_LINK, after_sign_out

    link_id = session.get(SSO_LINK)
    if current_user.is_authenticated:
        db = get_session()
        person = current_user._get_current_object()
        person.end_sessions()
        db.add(person)
        db.commit()
    logout_user()
    session.clear()
    return after_sign_out(link_id) or redirect(url_for("auth.sign_in"))


def _is_static(endpoint: str | None) -> bool:
    return endpoint is not None and (endpoint == "static" or endpoint.endswith(".static"))


def _end_stale_session():
    """A session naming someone the user loader refused (signed out elsewhere, a new
    password, role or team, deactivated): forget it, say why, and ask them to sign in again,
    coming back to this page afterwards."""
    if _is_static(request.endpoint) or "_user_id" not in session or current_user.is_authenticated:
        return None
    logout_user()
    session.clear()
    flash(SESSION_ENDED, "info")
    if request.endpoint is None or request.endpoint in PUBLIC_ENDPOINTS:
        return None
    return redirect(login_url(login_manager.login_view, request.url))


def _not_stored(response):
    """Nothing shown to a signed-in person (nor the sign-in page) is kept by a browser's or a
    shared proxy's cache. Static files (the same for everyone) keep their own headers."""
    if _is_static(request.endpoint):
        return response
    if request.endpoint == "auth.sign_in" or "_user_id" in session:
        response.headers["Cache-Control"] = "no-store"
    return response


def _expire_old_sessions():
    """Signed out after a spell without activity (the session cookie's lifetime, renewed on
    every request) or, however active, after the longest working day allowed."""
    started = session.get("signed_in_at")
    if started is None or not current_user.is_authenticated:
        return
    if utcnow().timestamp() - started > current_app.config["SESSION_MAX_HOURS"] * 3600:
        logout_user()
        session.clear()
        flash(
            "You have been signed out because you were signed in for too long. Sign in "
            "again to carry on: nothing you saved is lost.",
            "info",
        )


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
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(minutes=app.config["SESSION_IDLE_MINUTES"])
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
    from eia.sso.client import init_client

    from .sso import sso

    init_client(app)
    app.register_blueprint(sso)
    app.before_request(_end_stale_session)
    app.before_request(_expire_old_sessions)
    app.before_request(_require_sign_in)
    app.after_request(_not_stored)

"""Signing in with the council's account (OpenID Connect), signing out of it, and the pages
that say what went wrong: the provider cannot be reached, the person has no role yet, their
account here is closed.

/sign-in/oidc sends the browser to the provider (Authlib: PKCE, state, nonce); the provider
sends it back to /sign-in/oidc/callback, where the code is exchanged for tokens, the ID token
is validated and the person is found or made (eia/sso/provisioning.py). The session is then
started exactly as a password sign-in starts it (the session generation included), so
sign-out and every other way sessions end work the same.

Signing out of the product (a POST, eia/web/auth.py) leads here to /signed-out, which offers
to sign out of the council's account too: the provider's end-session endpoint, with the last
ID token as ``id_token_hint`` and /signed-out?from=provider as ``post_logout_redirect_uri``.
"""

import requests
from authlib.common.errors import AuthlibBaseError
from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from joserfc.errors import JoseError

from eia.capabilities import administrators
from eia.db import get_session
from eia.models import IdentityLink, User
from eia.sso import settings
from eia.sso.client import client
from eia.sso.groups import GroupsUnavailable, fetch_groups, has_overage
from eia.sso.mapping import needs_groups
from eia.sso.provisioning import email_of
from eia.sso.provisioning import sign_in as provision

sso = Blueprint("sso", __name__)

ENDPOINTS = {"sso.start", "sso.callback", "sso.signed_out", "sso.provider_sign_out"}
SSO_LINK = "_sso_link"  # in a session started here: the identity link it came through
SIGNED_OUT_LINK = "_signed_out_link"  # after signing out: offered the provider's sign-out
NEXT = "_sso_next"
DOWN_ERRORS = {"temporarily_unavailable", "server_error"}


def account_name() -> str:
    return (
        current_app.config.get("OIDC_ACCOUNT_NAME")
        or f"{current_app.config['COUNCIL_NAME']} account"
    )


def _oidc():
    oidc = client()
    if oidc is None:
        abort(404)  # no identity provider is set up: passwords only
    return oidc


def _admins() -> list[User]:
    return administrators(get_session())


def _problem(kind: str, status: int, **extra):
    """A page saying what went wrong and what to do (never the generic error pages)."""
    db = get_session()
    return render_template(
        "auth/sign_in_problem.html",
        kind=kind,
        account_name=account_name(),
        admins=_admins(),
        password_allowed=settings.password_sign_in_allowed(db),
        **extra,
    ), status


def _provider_down():
    current_app.logger.warning("The identity provider could not be reached", exc_info=True)
    return _problem("provider down", 503)


@sso.after_request
def _never_cached(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@sso.get("/sign-in/oidc")
def start():
    from .auth import _safe_next

    oidc = _oidc()
    target = _safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(target)
    session[NEXT] = target
    # One sign-in under way at a time: earlier unfinished ones' state (Authlib keeps it in
    # the session cookie) is dropped, so the cookie cannot grow with every attempt.
    for key in [k for k in session if k.startswith("_state_")]:
        session.pop(key)
    try:
        return oidc.authorize_redirect(url_for("sso.callback", _external=True))
    except (requests.RequestException, ValueError, RuntimeError):
        # unreachable, an error status, not JSON, or no authorization_endpoint in it
        return _provider_down()


def _validated_claims(oidc):
    """The validated ID token's claims and the token response, or a page to show."""
    error = request.args.get("error")
    if error:
        if error in DOWN_ERRORS:
            return None, _provider_down()
        return None, _problem("not finished" if error == "access_denied" else "failed", 400)
    try:
        token = oidc.authorize_access_token()
    except requests.RequestException:
        return None, _provider_down()
    except AuthlibBaseError as exc:
        if getattr(exc, "error", None) in DOWN_ERRORS:
            return None, _provider_down()
        current_app.logger.warning("Sign-in through the identity provider refused: %s", exc)
        return None, _problem("failed", 400)
    except (JoseError, ValueError, KeyError) as exc:
        current_app.logger.warning("The ID token could not be validated: %r", exc)
        return None, _problem("failed", 400)
    claims = token.get("userinfo")
    if not claims:
        return None, _problem("failed", 400)  # never without a validated ID token
    return (dict(claims), token), None


def _with_userinfo(oidc, claims: dict, token: dict) -> dict:
    """Fill in the name and email from the userinfo endpoint where the ID token has none
    (its ``sub`` must be the ID token's, or it is ignored)."""
    if claims.get("name") and email_of(claims):
        return claims
    if not oidc.load_server_metadata().get("userinfo_endpoint"):
        return claims
    try:
        info = oidc.userinfo(token=token)
    except (requests.RequestException, AuthlibBaseError, ValueError):
        current_app.logger.warning("The userinfo endpoint could not be read", exc_info=True)
        return claims
    if info.get("sub") != claims.get("sub"):
        return claims
    return {
        **{k: info[k] for k in ("name", "email", "preferred_username") if k in info},
        **{k: v for k, v in claims.items() if v},
    }


@sso.get("/sign-in/oidc/callback")
def callback():
    from .auth import start_session

    oidc = _oidc()
    config = current_app.config
    found, page = _validated_claims(oidc)
    if page is not None:
        return page
    claims, token = found
    tenant = config.get("OIDC_TENANT_ID")
    if tenant and claims.get("tid") != tenant:
        current_app.logger.warning("Sign-in from tenant %r refused", claims.get("tid"))
        return _problem("wrong tenant", 403)
    claims = _with_userinfo(oidc, claims, token)
    db = get_session()
    groups = claims.get("groups")
    if has_overage(claims) and needs_groups(db):
        try:
            groups = fetch_groups(
                config["OIDC_GROUPS_URL"],
                token.get("access_token", ""),
                config["OIDC_TIMEOUT_SECONDS"],
            )
        except GroupsUnavailable:
            current_app.logger.warning("The groups could not be read", exc_info=True)
            return _problem("groups unavailable", 503)
    outcome = provision(db, claims["iss"], claims, groups)
    if outcome.refused is not None:
        db.rollback()
        if outcome.refused in {"no role", "no service", "no directorate"}:
            if outcome.user is not None and outcome.user.active:
                # Their access was taken away at the provider: sessions they still have
                # here end now, not when they next go idle.
                outcome.user.end_sessions()
                db.add(outcome.user)
                db.commit()
            return render_template(
                "auth/no_role.html",
                reason=outcome.refused,
                email=outcome.email,
                name=claims.get("name") or outcome.email,
                admins=_admins(),
                app_roles=[r for r in (claims.get("roles") or []) if isinstance(r, str)],
                group_count=len(groups) if isinstance(groups, list) else 0,
                account_name=account_name(),
            )
        status = {"deactivated": 403, "email taken": 403}.get(outcome.refused, 400)
        return _problem(outcome.refused, status, email=outcome.email)
    outcome.link.last_id_token = token.get("id_token")
    db.add(outcome.link)
    db.commit()
    target = session.get(NEXT) or url_for("pages.index")
    start_session(outcome.user)
    session[SSO_LINK] = outcome.link.id
    current_app.logger.info(
        "Signed in through the identity provider: %s%s",
        outcome.user.email,
        f" ({', '.join(outcome.changes)})" if outcome.changes else "",
    )
    return redirect(target)


def after_sign_out(link_id) -> object | None:
    """Called by the sign-out (the session already cleared): where to go next when the
    session came through the provider."""
    if not isinstance(link_id, int) or client() is None:
        return None
    session[SIGNED_OUT_LINK] = link_id
    return redirect(url_for("sso.signed_out"))


@sso.get("/signed-out")
def signed_out():
    offer = SIGNED_OUT_LINK in session and client() is not None
    return render_template(
        "auth/signed_out.html",
        offer=offer,
        from_provider=request.args.get("from") == "provider",
        account_name=account_name(),
    )


@sso.get("/sign-out/provider")
def provider_sign_out():
    oidc = client()
    link_id = session.pop(SIGNED_OUT_LINK, None)
    link = get_session().get(IdentityLink, link_id) if isinstance(link_id, int) else None
    if oidc is None or link is None:
        return redirect(url_for("sso.signed_out"))
    try:
        if not oidc.load_server_metadata().get("end_session_endpoint"):
            return redirect(url_for("sso.signed_out", **{"from": "provider"}))
        result = oidc.create_logout_url(
            post_logout_redirect_uri=url_for(
                "sso.signed_out", _external=True, **{"from": "provider"}
            ),
            id_token_hint=link.last_id_token or None,
            client_id=current_app.config["OIDC_CLIENT_ID"],
        )
    except (requests.RequestException, ValueError):
        return _provider_down()
    return redirect(result["url"])

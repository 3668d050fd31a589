"""The Authlib client for the council's identity provider, built from the OIDC_* settings.

Authlib does the protocol: discovery (``<issuer>/.well-known/openid-configuration``), the
authorisation code flow with PKCE (S256), state and nonce kept in the session, and the ID
token's validation (signature against the provider's JWKS, issuer, audience, expiry, nonce).
What this product adds is checked in eia/sso/provisioning.py (the tenant, the subject).

Client authentication is a client secret, or a private key JWT (OIDC_CLIENT_PRIVATE_KEY, a
PEM; for Entra, a certificate uploaded to the app registration, whose thumbprint goes in
OIDC_CLIENT_CERT_THUMBPRINT).
"""

import base64
from urllib.parse import urlsplit

from flask import Flask, current_app

NAME = "council"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def _x5t(thumbprint: str) -> str:
    """A certificate thumbprint as Entra shows it (hex SHA-1) in the form JWT headers take
    (base64url)."""
    raw = bytes.fromhex(thumbprint.replace(":", "").strip())
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def init_client(app: Flask) -> None:
    from .settings import oidc_configured

    if not oidc_configured(app.config):
        return
    # Here, not at the top: Authlib (with requests, joserfc and cryptography) adds ~12 MiB
    # to every web worker, and is only needed where the identity provider is set up.
    from authlib.integrations.flask_client import OAuth
    from authlib.oauth2.rfc7523 import PrivateKeyJWT

    issuer = app.config["OIDC_ISSUER"].rstrip("/")
    parts = urlsplit(issuer)
    if parts.scheme != "https" and not (parts.scheme == "http" and parts.hostname in LOOPBACK):
        raise RuntimeError("OIDC_ISSUER must be an https:// address")
    client_kwargs = {
        "scope": app.config["OIDC_SCOPES"],
        "code_challenge_method": "S256",
        "default_timeout": app.config["OIDC_TIMEOUT_SECONDS"],
    }
    secret = app.config.get("OIDC_CLIENT_SECRET") or None
    private_key = app.config.get("OIDC_CLIENT_PRIVATE_KEY") or None
    if private_key:
        headers = {}
        if app.config.get("OIDC_CLIENT_KEY_ID"):
            headers["kid"] = app.config["OIDC_CLIENT_KEY_ID"]
        if app.config.get("OIDC_CLIENT_CERT_THUMBPRINT"):
            headers["x5t"] = _x5t(app.config["OIDC_CLIENT_CERT_THUMBPRINT"])
        client_kwargs["token_endpoint_auth_method"] = PrivateKeyJWT(headers=headers or None)
        secret = private_key
    oauth = OAuth(app)
    oauth.register(
        NAME,
        client_id=app.config["OIDC_CLIENT_ID"],
        client_secret=secret,
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs=client_kwargs,
    )
    app.extensions["eia_oidc"] = oauth


def client():
    """The registered client (None when the identity provider is not set up)."""
    oauth = current_app.extensions.get("eia_oidc")
    return None if oauth is None else oauth.create_client(NAME)

"""Security headers on every response: a Content Security Policy with no inline script,
frame denial, no sniffing, and HSTS when the request came over HTTPS."""

from flask import Flask, request

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def _headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        response.headers.setdefault(
            "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
        )
    return response


def init_security(app: Flask) -> None:
    if app.config.get("TRUST_PROXY"):
        # Behind a TLS-terminating proxy: believe its X-Forwarded-Proto/For (one hop).
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    # Cookies only over HTTPS when a TLS proxy fronts the app (not on plain local http).
    app.config["SESSION_COOKIE_SECURE"] = bool(app.config.get("TRUST_PROXY"))
    app.after_request(_headers)

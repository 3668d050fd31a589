"""Friendly error pages in the GOV.UK style: never a stack trace."""

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError


def not_found(_error):
    return render_template("errors/404.html"), 404


def forbidden(_error):
    return render_template("errors/403.html"), 403


def bad_request(error):
    reason = (
        "The form had expired or did not come from this site."
        if isinstance(error, CSRFError)
        else None
    )
    return render_template("errors/400.html", reason=reason), 400


def too_many_requests(error):
    """eia/web/ratelimit.py: the page says when to try again, and so does Retry-After."""
    wait = getattr(error, "retry_after", None)
    seconds = wait if isinstance(wait, int) and wait > 0 else 60
    return (
        render_template("errors/429.html", seconds=seconds),
        429,
        {"Retry-After": str(seconds), "Cache-Control": "no-store"},
    )


def server_error(_error):
    return render_template("errors/500.html"), 500


def init_errors(app: Flask) -> None:
    app.register_error_handler(400, bad_request)
    app.register_error_handler(403, forbidden)
    app.register_error_handler(404, not_found)
    app.register_error_handler(429, too_many_requests)
    app.register_error_handler(500, server_error)

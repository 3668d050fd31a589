"""Friendly error pages in the GOV.UK style: never a stack trace."""

from flask import Flask, render_template


def not_found(_error):
    return render_template("errors/404.html"), 404


def server_error(_error):
    return render_template("errors/500.html"), 500


def init_errors(app: Flask) -> None:
    app.register_error_handler(404, not_found)
    app.register_error_handler(500, server_error)

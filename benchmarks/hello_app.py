"""The baseline for the page figures: a bare Flask page, served by gunicorn exactly as the
product is (2 workers), so a page's ratio to it is what the product itself costs."""

from flask import Flask

app = Flask(__name__)


@app.get("/hello")
def hello():
    return "hello"


@app.get("/healthz")
def healthz():
    return "ok"
